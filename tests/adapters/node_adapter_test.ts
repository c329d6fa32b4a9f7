import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { runConformance } from "./_conformance.ts";
import { createNodeAdapter } from "../../src/adapters/node/mod.ts";

// node:net, node:tls and node:dgram exist on all three runtimes: run everywhere.
runConformance("node", createNodeAdapter);

describe("node adapter UDP", () => {
  it("send() to a host name resolves it through DNS (IP literals skip the lookup)", async () => {
    const adapter = createNodeAdapter();
    const receiver = await adapter.bindUdp({ hostname: "127.0.0.1", port: 0 });
    const sender = await adapter.bindUdp({ hostname: "127.0.0.1", port: 0 });
    try {
      const got: string[] = [];
      const arrived = new Promise<void>((resolve) => {
        receiver.start({
          onMessage: (data) => {
            got.push(new TextDecoder().decode(data));
            if (got.length === 2) resolve();
          },
        });
      });
      sender.start({ onMessage() {} });
      assert.equal(
        sender.send(new TextEncoder().encode("name"), { ...receiver.addr, hostname: "localhost" }),
        true,
      );
      assert.equal(sender.send(new TextEncoder().encode("literal"), receiver.addr), true);
      await arrived;
      assert.deepEqual(got.sort(), ["literal", "name"]);
    } finally {
      sender.close();
      receiver.close();
    }
  });
});
