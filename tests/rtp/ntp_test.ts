import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ntpFromUnixMs, ntpMiddle32, unixMsFromNtp } from "../../src/rtp/ntp.ts";

describe("ntp", () => {
  it("ntpFromUnixMs() maps the Unix epoch to 2208988800 s (RFC 868)", () => {
    assert.deepEqual(ntpFromUnixMs(0), { msw: 2208988800, lsw: 0 });
    assert.deepEqual(ntpFromUnixMs(1500), { msw: 2208988801, lsw: 0x80000000 });
    assert.deepEqual(ntpFromUnixMs(250), { msw: 2208988800, lsw: 0x40000000 });
  });
  it("ntpFromUnixMs() wraps into era 1 after 2036-02-07T06:28:16Z", () => {
    const eraEnd = (4294967296 - 2208988800) * 1000;
    assert.deepEqual(ntpFromUnixMs(eraEnd), { msw: 0, lsw: 0 });
    assert.equal(unixMsFromNtp(0, 0), eraEnd);
    assert.equal(unixMsFromNtp(5, 0), eraEnd + 5000);
  });
  it("unixMsFromNtp() inverts ntpFromUnixMs() within a microsecond", () => {
    for (const ms of [0, 1, 999, 1700000000123, 1700000000123.5, 2100000000000, 1e12 + 0.25]) {
      const { msw, lsw } = ntpFromUnixMs(ms);
      assert.ok(msw >= 0 && msw < 2 ** 32 && lsw >= 0 && lsw < 2 ** 32);
      assert.ok(Math.abs(unixMsFromNtp(msw, lsw) - ms) < 1e-3, `${ms}`);
    }
  });
  it("ntpMiddle32() takes the middle 32 bits (RFC 3550 §6.4.1 LSR)", () => {
    assert.equal(ntpMiddle32(0x12345678, 0x9abcdef0), 0x56789abc);
    assert.equal(ntpMiddle32(0xffffffff, 0xffffffff), 0xffffffff);
  });
});
