import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { MulticastIpAllocator } from "../../src/server/multicast_ip_allocator.ts";

describe("MulticastIpAllocator", () => {
  it("next() starts at the network address + 1 and counts up (SPEC §4.3)", () => {
    const allocator = new MulticastIpAllocator("224.1.0.0/16");
    assert.equal(allocator.next(), "224.1.0.1");
    assert.equal(allocator.next(), "224.1.0.2");
    assert.equal(allocator.next(), "224.1.0.3");
    assert.equal(allocator.allocated, 3);
  });

  it("next() carries into the next octet", () => {
    const allocator = new MulticastIpAllocator("224.1.0.0/16");
    let ip = "";
    for (let i = 0; i < 256; i++) ip = allocator.next();
    assert.equal(ip, "224.1.1.0");
    assert.equal(allocator.next(), "224.1.1.1");
  });

  it("next() ignores host bits written in the CIDR", () => {
    assert.equal(new MulticastIpAllocator("239.255.12.34/24").next(), "239.255.12.1");
  });

  it("next() reaches the last address of the range, then throws a RangeError", () => {
    const allocator = new MulticastIpAllocator("239.0.0.0/30");
    assert.deepEqual([allocator.next(), allocator.next(), allocator.next()], [
      "239.0.0.1",
      "239.0.0.2",
      "239.0.0.3",
    ]);
    assert.throws(() => allocator.next(), RangeError);
    assert.throws(() => allocator.next(), RangeError);
  });

  it("next() never recycles within a large range", () => {
    const allocator = new MulticastIpAllocator("232.0.0.0/8");
    const seen = new Set<string>();
    for (let i = 0; i < 70000; i++) seen.add(allocator.next());
    assert.equal(seen.size, 70000);
  });

  it("next() handles addresses with the top bit set and a /0 range", () => {
    assert.equal(new MulticastIpAllocator("255.255.255.0/24").next(), "255.255.255.1");
    assert.equal(new MulticastIpAllocator("10.0.0.0/0").next(), "0.0.0.1");
  });

  it("next() throws a RangeError at once for a /32", () => {
    assert.throws(() => new MulticastIpAllocator("224.1.0.5/32").next(), RangeError);
  });

  it("constructor throws a SyntaxError for text that is not an IPv4 CIDR", () => {
    for (
      const bad of [
        "",
        "224.1.0.0",
        "224.1.0/16",
        "224.1.0.256/16",
        "224.1.0.0/33",
        "::1/64",
        "a.b.c.d/8",
      ]
    ) {
      assert.throws(() => new MulticastIpAllocator(bad), SyntaxError, bad);
    }
  });
});
