/**
 * `TcpListenOptions.onError`: a listener that stops accepting for good reports it once; transient
 * accept failures and `close()` do not.
 *
 * @module
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { NetError } from "../../src/errors.ts";
import { listenDenoTcp } from "../../src/adapters/deno/deno_tcp.ts";
import { createNodeAdapter } from "../../src/adapters/node/mod.ts";
import type { DenoApi, DenoConn, DenoListener } from "../../src/adapters/deno/_deno_types.ts";
import type { TcpListener, TcpListenOptions } from "../../src/net/types.ts";

/**
 * A Deno namespace whose one listener's accept() fails with `failures`, then waits until close(),
 * which rejects the pending accept() as Deno does.
 */
function fakeDeno(
  failures: Error[],
): { deno: DenoApi; accepts: () => number; closed: () => boolean } {
  let accepts = 0;
  let closed = false;
  let cancel: ((error: Error) => void) | undefined;
  const listener: DenoListener = {
    addr: { transport: "tcp", hostname: "127.0.0.1", port: 5540 },
    accept(): Promise<DenoConn> {
      accepts++;
      const failure = failures.shift();
      if (failure !== undefined) return Promise.reject(failure);
      return new Promise((_, reject) => (cancel = reject));
    },
    close() {
      closed = true;
      cancel?.(namedError("BadResource", "Bad resource ID"));
    },
  };
  const unused = () => {
    throw new Error("Not used by this test");
  };
  const deno = {
    listen: () => listener,
    listenTls: () => listener,
    connect: unused,
    connectTls: unused,
    startTls: unused,
  } as unknown as DenoApi;
  return { deno, accepts: () => accepts, closed: () => closed };
}

function namedError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/** Listens on 127.0.0.1:0 through `listen`, collecting what onError() reports. */
async function listenCollectingErrors(
  listen: (options: TcpListenOptions) => Promise<TcpListener>,
): Promise<{ listener: TcpListener; errors: NetError[] }> {
  const errors: NetError[] = [];
  const listener = await listen({
    hostname: "127.0.0.1",
    port: 0,
    onConnection: () => {},
    onError: (error) => errors.push(error),
  });
  return { listener, errors };
}

describe("TcpListenOptions.onError", () => {
  it("deno listener: onError() fires once with CLOSED when accept() fails for good", async () => {
    const fake = fakeDeno([namedError("BadResource", "Bad resource ID")]);
    const { listener, errors } = await listenCollectingErrors((o) => listenDenoTcp(fake.deno, o));
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(errors.length, 1);
    assert.ok(errors[0] instanceof NetError);
    assert.equal(errors[0].code, "CLOSED");
    assert.equal(fake.accepts(), 1);
    assert.ok(fake.closed());
    await listener.close();
    assert.equal(errors.length, 1);
  });

  it("deno listener: a transient accept() failure is retried and not reported", async () => {
    const fake = fakeDeno([new Error("Too many open files (os error 24)")]);
    const { listener, errors } = await listenCollectingErrors((o) => listenDenoTcp(fake.deno, o));
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.equal(errors.length, 0);
    assert.equal(fake.accepts(), 2);
    await listener.close();
    assert.equal(errors.length, 0);
  });

  it("deno listener: close() does not call onError()", async () => {
    const fake = fakeDeno([]);
    const { listener, errors } = await listenCollectingErrors((o) => listenDenoTcp(fake.deno, o));
    await listener.close();
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(errors.length, 0);
  });

  // Reaching the net.Server underneath needs Node's process._getActiveHandles().
  const getHandles = (process as unknown as { _getActiveHandles?: () => unknown[] })
    ._getActiveHandles;
  const onNode = getHandles !== undefined && !("Deno" in globalThis) && !("Bun" in globalThis);

  it("node listener: onError() fires once with CLOSED when the server closes underneath", {
    skip: onNode ? false : "needs Node's process._getActiveHandles()",
  }, async () => {
    const { listener, errors } = await listenCollectingErrors((o) =>
      createNodeAdapter().listenTcp(o)
    );
    const server = getHandles!.call(process).find((h) => {
      const s = h as { address?: () => unknown; close?: unknown };
      const a = typeof s.address === "function" ? s.address() as { port?: number } | null : null;
      return typeof s.close === "function" && a?.port === listener.addr.port;
    }) as { close(): void } | undefined;
    assert.ok(server !== undefined, "the net.Server is among the active handles");
    server.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(errors.length, 1);
    assert.equal(errors[0].code, "CLOSED");
    await listener.close();
    assert.equal(errors.length, 1);
  });

  it("node listener: close() does not call onError()", async () => {
    const { listener, errors } = await listenCollectingErrors((o) =>
      createNodeAdapter().listenTcp(o)
    );
    await listener.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(errors.length, 0);
  });
});
