import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { runConformance } from "./_conformance.ts";
import { createDenoAdapter } from "../../src/adapters/deno/mod.ts";

if ("Deno" in globalThis) {
  runConformance("deno", createDenoAdapter);

  describe("deno adapter UDP", () => {
    it("send() drops past maxPendingUdpSends (in flight and waiting) and sends the rest in order", async () => {
      const adapter = createDenoAdapter({ maxPendingUdpSends: 8 });
      const receiver = await adapter.bindUdp({ hostname: "127.0.0.1", port: 0 });
      const sender = await adapter.bindUdp({ hostname: "127.0.0.1", port: 0 });
      try {
        const got: number[] = [];
        let wake: (() => void) | undefined;
        receiver.start({
          onMessage: (data) => {
            got.push(data[0]);
            wake?.();
          },
        });
        sender.start({ onMessage() {} });
        const accepted: boolean[] = [];
        for (let i = 0; i < 20; i++) accepted.push(sender.send(Uint8Array.of(i), receiver.addr));
        assert.deepEqual(accepted, Array.from({ length: 20 }, (_, i) => i < 8));
        assert.equal(
          sender.sendMany([Uint8Array.of(20), Uint8Array.of(21)], [receiver.addr, receiver.addr]),
          0,
        );
        const deadline = Date.now() + 5000;
        while (got.length < 8 && Date.now() < deadline) {
          await new Promise<void>((resolve) => {
            wake = resolve;
            setTimeout(resolve, 100);
          });
        }
        assert.deepEqual(got, [0, 1, 2, 3, 4, 5, 6, 7]);
        // Room again once they left.
        assert.equal(sender.send(Uint8Array.of(30), receiver.addr), true);
      } finally {
        sender.close();
        receiver.close();
      }
    });
  });
} else {
  describe("NetAdapter conformance: deno", () => {
    it.skip("runs on Deno only (Deno.listen, Deno.listenDatagram)", () => {});
  });
}
