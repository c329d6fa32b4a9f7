import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { seqAdd, seqDiff, tsDiff } from "../../src/rtp/sequence.ts";

describe("sequence", () => {
  const seqCases: [number, number, number][] = [
    [5, 3, 2],
    [3, 5, -2],
    [0, 65535, 1],
    [65535, 0, -1],
    [32767, 0, 32767],
    [32768, 0, -32768],
    [100, 30, 70],
  ];
  for (const [a, b, d] of seqCases) {
    it(`seqDiff(${a}, ${b}) is ${d}`, () => {
      assert.equal(seqDiff(a, b), d);
      assert.equal(seqAdd(b, d), a);
    });
  }
  it("seqAdd() wraps at 2^16 both ways", () => {
    assert.equal(seqAdd(65535, 1), 0);
    assert.equal(seqAdd(0, -1), 65535);
    assert.equal(seqAdd(65000, 70000), (65000 + 70000) % 65536);
  });
  it("tsDiff() is signed 32-bit", () => {
    assert.equal(tsDiff(10, 0xfffffff6), 20);
    assert.equal(tsDiff(0xfffffff6, 10), -20);
    assert.equal(tsDiff(0x7fffffff, 0), 0x7fffffff);
    assert.equal(tsDiff(0x80000000, 0), -0x80000000);
    assert.equal(tsDiff(90000, 0), 90000);
  });
});
