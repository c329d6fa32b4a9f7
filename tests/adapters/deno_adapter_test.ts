import { describe, it } from "node:test";
import { runConformance } from "./_conformance.ts";
import { createDenoAdapter } from "../../src/adapters/deno/mod.ts";

if ("Deno" in globalThis) {
  runConformance("deno", createDenoAdapter);
} else {
  describe("NetAdapter conformance: deno", () => {
    it.skip("runs on Deno only (Deno.listen, Deno.listenDatagram)", () => {});
  });
}
