import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { LoginThrottle, type LoginThrottleOptions } from "../../src/server/_login_throttle.ts";

function throttle(o: Partial<LoginThrottleOptions> = {}): LoginThrottle {
  return new LoginThrottle({
    maxFailures: 3,
    windowMs: 1000,
    lockoutMs: 5000,
    maxEntries: 100,
    ...o,
  });
}

describe("LoginThrottle", () => {
  it("recordFailure() locks an IP out at the maxFailures-th failure within the window", () => {
    const t = throttle();
    assert.equal(t.recordFailure("10.0.0.1", 0), false);
    assert.equal(t.recordFailure("10.0.0.1", 100), false);
    assert.equal(t.isLockedOut("10.0.0.1", 100), false);
    assert.equal(t.recordFailure("10.0.0.1", 200), true);
    assert.equal(t.isLockedOut("10.0.0.1", 200), true);
    assert.equal(t.isLockedOut("10.0.0.1", 5199), true);
    assert.equal(t.isLockedOut("10.0.0.1", 5200), false);
  });

  it("isLockedOut() is per IP: other addresses are never affected", () => {
    const t = throttle({ maxFailures: 1 });
    assert.equal(t.recordFailure("10.0.0.1", 0), true);
    assert.equal(t.isLockedOut("10.0.0.2", 0), false);
    assert.equal(t.isLockedOut("::1", 0), false);
  });

  it("failures older than the window are forgotten", () => {
    const t = throttle();
    t.recordFailure("a", 0);
    t.recordFailure("a", 500);
    assert.equal(t.recordFailure("a", 1000), false, "the window restarted at 1000");
    assert.equal(t.recordFailure("a", 1500), false);
    assert.equal(t.recordFailure("a", 1900), true);
  });

  it("failures during a lockout do not extend it; counting restarts after it", () => {
    const t = throttle();
    for (const at of [0, 1, 2]) t.recordFailure("a", at);
    assert.equal(t.recordFailure("a", 3000), false);
    assert.equal(t.isLockedOut("a", 5001), true);
    assert.equal(t.isLockedOut("a", 5002), false);
    assert.equal(t.recordFailure("a", 5003), false);
    assert.equal(t.recordFailure("a", 5004), false);
    assert.equal(t.recordFailure("a", 5005), true);
  });

  it("maxFailures 0 disables it", () => {
    const t = throttle({ maxFailures: 0 });
    for (let i = 0; i < 10; i++) assert.equal(t.recordFailure("a", i), false);
    assert.equal(t.isLockedOut("a", 10), false);
    assert.equal(t.size, 0);
  });

  it("holds at most maxEntries IPs, evicting the least recently failing first", () => {
    const t = throttle({ maxEntries: 4, maxFailures: 2 });
    t.recordFailure("locked", 0);
    t.recordFailure("locked", 1);
    assert.equal(t.isLockedOut("locked", 2), true);
    for (let i = 0; i < 3; i++) t.recordFailure(`ip${i}`, 10 + i);
    assert.equal(t.size, 4);
    assert.equal(t.isLockedOut("locked", 20), true);
    // A flood of new addresses only makes the table forget, bounded in size.
    for (let i = 3; i < 10_000; i++) t.recordFailure(`ip${i}`, 20);
    assert.equal(t.size, 4);
    assert.equal(t.isLockedOut("locked", 21), false);
    for (let i = 0; i < 10_000; i++) assert.equal(t.isLockedOut(`ip${i}`, 21), false);
  });
});
