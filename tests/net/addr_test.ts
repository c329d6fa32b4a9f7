import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { formatNetAddr } from "../../src/net/addr.ts";

describe("formatNetAddr()", () => {
  it("formatNetAddr() writes host:port for IPv4 and names", () => {
    assert.equal(formatNetAddr({ hostname: "127.0.0.1", port: 554 }), "127.0.0.1:554");
    assert.equal(formatNetAddr({ hostname: "localhost", port: 0 }), "localhost:0");
  });

  it("formatNetAddr() brackets IPv6 literals", () => {
    assert.equal(formatNetAddr({ hostname: "::1", port: 8554 }), "[::1]:8554");
    assert.equal(formatNetAddr({ hostname: "fe80::1%eth0", port: 1 }), "[fe80::1%eth0]:1");
  });
});
