import { describe, it } from "node:test";
import { runConformance } from "./_conformance.ts";
import { createBunAdapter } from "../../src/adapters/bun/mod.ts";

if ("Bun" in globalThis) {
  runConformance("bun", createBunAdapter);
} else {
  describe("NetAdapter conformance: bun", () => {
    it.skip("runs on Bun only (Bun.listen, Bun.udpSocket)", () => {});
  });
}
