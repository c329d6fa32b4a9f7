import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { NetError } from "../../src/errors.ts";
import { mapBunError } from "../../src/adapters/bun/_map_error.ts";
import { mapDenoError } from "../../src/adapters/deno/_map_error.ts";
import { mapNodeError } from "../../src/adapters/node/_map_error.ts";
import { bindDenoUdp } from "../../src/adapters/deno/deno_udp.ts";
import type { DenoApi } from "../../src/adapters/deno/_deno_types.ts";

function errnoError(code: string, name = "Error"): Error {
  const error = new Error(`${code} happened`) as Error & { code: string };
  error.code = code;
  error.name = name;
  return error;
}

describe("adapter error maps", () => {
  const cases: [string, string][] = [
    ["EADDRINUSE", "ADDR_IN_USE"],
    ["ECONNRESET", "CONN_RESET"],
    ["EPIPE", "BROKEN_PIPE"],
    ["ECONNREFUSED", "CONN_REFUSED"],
    ["EADDRNOTAVAIL", "ADDR_NOT_AVAILABLE"],
    ["ETIMEDOUT", "TIMED_OUT"],
    ["EACCES", "PERMISSION_DENIED"],
    ["ESOMETHINGNEW", "UNKNOWN"],
  ];

  it("mapNodeError() and mapBunError() map errno codes", () => {
    for (const [code, expected] of cases) {
      for (const map of [mapNodeError, mapBunError]) {
        const error = map(errnoError(code), "Cannot do it");
        assert.ok(error instanceof NetError);
        assert.equal(error.code, expected, code);
        assert.equal(error.message, `Cannot do it: ${code} happened`);
        assert.equal((error.cause as { code: string }).code, code);
      }
    }
  });

  it("mapDenoError() maps Deno error names, and codes where set", () => {
    const named: [string, string][] = [
      ["AddrInUse", "ADDR_IN_USE"],
      ["ConnectionReset", "CONN_RESET"],
      ["BrokenPipe", "BROKEN_PIPE"],
      ["ConnectionRefused", "CONN_REFUSED"],
      ["BadResource", "CLOSED"],
      ["Interrupted", "CLOSED"],
    ];
    for (const [name, expected] of named) {
      const error = new Error("failed");
      error.name = name;
      assert.equal(mapDenoError(error, "Cannot").code, expected, name);
    }
    assert.equal(mapDenoError(errnoError("EADDRINUSE", "AddrInUse"), "Cannot").code, "ADDR_IN_USE");
    assert.equal(mapDenoError("not an error", "Cannot").code, "UNKNOWN");
  });

  it("a NetError passes through unchanged", () => {
    const error = new NetError("CLOSED", "Closed");
    assert.equal(mapNodeError(error, "x"), error);
    assert.equal(mapDenoError(error, "x"), error);
    assert.equal(mapBunError(error, "x"), error);
  });

  it("Deno bindUdp() rejects with UNSUPPORTED naming --unstable-net when listenDatagram is missing", async () => {
    const deno = {} as DenoApi;
    await assert.rejects(
      bindDenoUdp(deno, { hostname: "127.0.0.1", port: 0 }, 16),
      (error: unknown) => {
        assert.ok(error instanceof NetError);
        assert.equal(error.code, "UNSUPPORTED");
        assert.match(error.message, /--unstable-net/);
        return true;
      },
    );
  });
});
