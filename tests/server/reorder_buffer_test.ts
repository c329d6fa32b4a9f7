import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { REORDER_BUFFER_SIZE, ReorderBuffer } from "../../src/server/reorder_buffer.ts";

interface Pkt {
  sequenceNumber: number;
  tag?: string;
}

/** Feeds sequence numbers one by one; returns what each call delivered and lost. */
function feed(buffer: ReorderBuffer<Pkt>, seqs: number[]): { out: number[][]; lost: number[] } {
  const out: number[][] = [];
  const lost: number[] = [];
  for (const seq of seqs) {
    const delivered: Pkt[] = [];
    lost.push(buffer.push({ sequenceNumber: seq }, delivered));
    out.push(delivered.map((p) => p.sequenceNumber));
  }
  return { out, lost };
}

describe("ReorderBuffer", () => {
  it("push() delivers the first packet and then packets in order as they come", () => {
    const { out, lost } = feed(new ReorderBuffer(), [100, 101, 102]);
    assert.deepEqual(out, [[100], [101], [102]]);
    assert.deepEqual(lost, [0, 0, 0]);
  });

  it("push() holds packets after a gap until the gap fills, then delivers them in order", () => {
    const buffer = new ReorderBuffer<Pkt>();
    const { out, lost } = feed(buffer, [1, 4, 3, 2, 5]);
    assert.deepEqual(out, [[1], [], [], [2, 3, 4], [5]]);
    assert.deepEqual(lost, [0, 0, 0, 0, 0]);
    assert.equal(buffer.heldCount, 0);
  });

  it("push() appends to the caller's array without clearing it", () => {
    const buffer = new ReorderBuffer<Pkt>();
    const out: Pkt[] = [{ sequenceNumber: 999 }];
    buffer.push({ sequenceNumber: 5 }, out);
    assert.deepEqual(out.map((p) => p.sequenceNumber), [999, 5]);
  });

  it("push() drops a duplicate of a held packet and keeps the first copy", () => {
    const buffer = new ReorderBuffer<Pkt>();
    const out: Pkt[] = [];
    buffer.push({ sequenceNumber: 10 }, out);
    buffer.push({ sequenceNumber: 12, tag: "first" }, out);
    buffer.push({ sequenceNumber: 12, tag: "second" }, out);
    assert.equal(buffer.heldCount, 1);
    buffer.push({ sequenceNumber: 11 }, out);
    assert.deepEqual(out.map((p) => [p.sequenceNumber, p.tag]), [
      [10, undefined],
      [11, undefined],
      [12, "first"],
    ]);
  });

  it("push() drops duplicates and packets older than the last delivered one", () => {
    const { out, lost } = feed(new ReorderBuffer(), [50, 51, 51, 50, 40, 52]);
    assert.deepEqual(out, [[50], [51], [], [], [], [52]]);
    assert.deepEqual(lost, [0, 0, 0, 0, 0, 0]);
  });

  it("push() resets and accepts the new numbering after more than 64 consecutive old packets", () => {
    const buffer = new ReorderBuffer<Pkt>();
    feed(buffer, [30000, 30001]);
    const old: number[] = [];
    for (let i = 0; i < REORDER_BUFFER_SIZE; i++) old.push(100 + i);
    const first = feed(buffer, old);
    assert.ok(first.out.every((o) => o.length === 0), "the first 64 old packets are dropped");
    const { out, lost } = feed(buffer, [164, 165]);
    assert.deepEqual(out, [[164], [165]]);
    assert.deepEqual(lost, [0, 0]);
  });

  it("push() restarts the old-packet count when a new packet arrives in between", () => {
    const buffer = new ReorderBuffer<Pkt>();
    feed(buffer, [30000]);
    const seqs: number[] = [];
    for (let i = 0; i < 40; i++) seqs.push(100 + i);
    seqs.push(30001);
    for (let i = 0; i < 40; i++) seqs.push(200 + i);
    const { out } = feed(buffer, seqs);
    assert.deepEqual(out.flat(), [30001]);
  });

  it("push() keeps holding with 63 missing sequence numbers before a packet", () => {
    const { out, lost } = feed(new ReorderBuffer(), [0, 64]);
    assert.deepEqual(out, [[0], []]);
    assert.deepEqual(lost, [0, 0]);
  });

  it("push() flushes when 64 sequence numbers are missing and reports them lost", () => {
    const { out, lost } = feed(new ReorderBuffer(), [0, 65, 66]);
    assert.deepEqual(out, [[0], [65], [66]]);
    assert.deepEqual(lost, [0, 64, 0]);
  });

  it("push() reports seq 30 then 100 as 69 lost (SPEC §5.5)", () => {
    const { out, lost } = feed(new ReorderBuffer(), [30, 100]);
    assert.deepEqual(out, [[30], [100]]);
    assert.deepEqual(lost, [0, 69]);
  });

  it("push() flushes everything held in order and counts only the missing as lost", () => {
    const buffer = new ReorderBuffer<Pkt>();
    const { out, lost } = feed(buffer, [10, 15, 12, 13, 200, 201]);
    assert.deepEqual(out, [[10], [], [], [], [12, 13, 15, 200], [201]]);
    // 189 sequence numbers (11..199) were missing before 200; 3 of them were held.
    assert.deepEqual(lost, [0, 0, 0, 0, 186, 0]);
    assert.equal(buffer.heldCount, 0);
  });

  it("push() keeps working after a flush with held packets", () => {
    const buffer = new ReorderBuffer<Pkt>();
    const { out } = feed(buffer, [0, 3, 100, 102, 101, 103]);
    assert.deepEqual(out, [[0], [], [3, 100], [], [101, 102], [103]]);
  });

  it("push() handles sequence number wrap-around", () => {
    const { out, lost } = feed(new ReorderBuffer(), [65534, 0, 65535, 1, 2]);
    assert.deepEqual(out, [[65534], [], [65535, 0], [1], [2]]);
    assert.deepEqual(lost, [0, 0, 0, 0, 0]);
  });

  it("push() reorders across many laps of the ring", () => {
    const buffer = new ReorderBuffer<Pkt>();
    const delivered: number[] = [];
    const out: Pkt[] = [];
    buffer.push({ sequenceNumber: 65000 }, out);
    for (let base = 65001; base < 65001 + 1000; base += 2) {
      // Swap every pair: base+1 arrives before base.
      buffer.push({ sequenceNumber: (base + 1) & 0xffff }, out);
      buffer.push({ sequenceNumber: base & 0xffff }, out);
    }
    for (const p of out) delivered.push(p.sequenceNumber);
    assert.equal(delivered.length, 1001);
    for (let i = 0; i < delivered.length; i++) assert.equal(delivered[i], (65000 + i) & 0xffff);
  });

  it("takeNext() takes only the expected sequence number with nothing held", () => {
    const buffer = new ReorderBuffer<Pkt>();
    assert.equal(buffer.takeNext(10), false); // nothing seen yet: push() decides
    feed(buffer, [10]);
    assert.equal(buffer.takeNext(12), false);
    assert.equal(buffer.takeNext(11), true);
    assert.equal(buffer.takeNext(11), false); // now a duplicate
    feed(buffer, [14]); // held after a gap
    assert.equal(buffer.takeNext(12), false);
    assert.deepEqual(feed(buffer, [12, 13]).out, [[12], [13, 14]]);
    assert.equal(buffer.takeNext(65535), false);
    assert.equal(buffer.takeNext(15), true);
  });

  it("takeNext() and push() agree on the order across a wrap-around", () => {
    const buffer = new ReorderBuffer<Pkt>();
    feed(buffer, [65534]);
    assert.equal(buffer.takeNext(65535), true);
    assert.equal(buffer.takeNext(0), true);
    assert.deepEqual(feed(buffer, [2, 1, 0]).out, [[], [1, 2], []]);
    assert.equal(buffer.takeNext(3), true);
  });

  it("reset() forgets held packets and accepts any next packet", () => {
    const buffer = new ReorderBuffer<Pkt>();
    feed(buffer, [10, 12]);
    buffer.reset();
    assert.equal(buffer.heldCount, 0);
    const { out } = feed(buffer, [5, 6]);
    assert.deepEqual(out, [[5], [6]]);
  });
});
