import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { detectNetAdapter } from "../../src/adapters/auto.ts";

function currentRuntime(): "deno" | "bun" | "node" {
  const runtime = globalThis as { Deno?: unknown; Bun?: unknown };
  if (runtime.Deno !== undefined) return "deno";
  if (runtime.Bun !== undefined) return "bun";
  return "node";
}

describe("detectNetAdapter()", () => {
  it("detectNetAdapter() returns the adapter of the current runtime", async () => {
    const adapter = await detectNetAdapter();
    assert.equal(adapter.name, currentRuntime());
    assert.equal(typeof adapter.listenTcp, "function");
    assert.equal(typeof adapter.connectTcp, "function");
    assert.equal(typeof adapter.bindUdp, "function");
  });

  it("detectNetAdapter() returns a working adapter (listen, connect, close)", async () => {
    const adapter = await detectNetAdapter();
    let accepted: (() => void) | undefined;
    const gotConnection = new Promise<void>((resolve) => (accepted = resolve));
    const listener = await adapter.listenTcp({
      hostname: "127.0.0.1",
      port: 0,
      onConnection(conn) {
        conn.close();
        accepted?.();
      },
    });
    try {
      const conn = await adapter.connectTcp({ hostname: "127.0.0.1", port: listener.addr.port });
      conn.close();
      await gotConnection;
    } finally {
      await listener.close();
    }
  });
});
