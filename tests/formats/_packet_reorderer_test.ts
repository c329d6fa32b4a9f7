import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { MAX_HELD_PACKETS, PacketReorderer } from "../../src/formats/_packet_reorderer.ts";
import type { RtpPacket } from "../../src/rtp/mod.ts";
import { rtpPacketAt } from "./_rtp.ts";

interface ReorderCase {
  name: string;
  /** Arrivals as [sequence number, timestamp]. */
  arrivals: [number, number][];
  /** The sequence numbers handed on after each arrival. */
  out: number[][];
}

const CASES: ReorderCase[] = [
  {
    name: "packets in order pass at once",
    arrivals: [[10, 0], [11, 0], [12, 3000]],
    out: [[10], [11], [12]],
  },
  {
    name: "a packet after a gap waits until the gap fills",
    arrivals: [[1, 0], [3, 0], [4, 0], [2, 0]],
    out: [[1], [], [], [2, 3, 4]],
  },
  {
    name: "the next frame's first packet may come before the last one of a frame",
    arrivals: [[1, 0], [3, 3000], [2, 0]],
    out: [[1], [], [2, 3]],
  },
  {
    name: "a packet of another timestamp than the waiting ones gives the gap up",
    arrivals: [[1, 0], [3, 0], [4, 3000], [2, 0]],
    out: [[1], [], [3, 4], []],
  },
  {
    name: "after giving a gap up, a new gap waits again",
    arrivals: [[1, 0], [3, 0], [5, 3000], [4, 3000]],
    out: [[1], [], [3], [4, 5]],
  },
  {
    name: "duplicates and late packets are dropped, waiting or not",
    arrivals: [[5, 0], [5, 0], [7, 0], [7, 0], [4, 0], [6, 0]],
    out: [[5], [], [], [], [], [6, 7]],
  },
  {
    name: "sequence numbers wrap from 65535 to 0",
    arrivals: [[65534, 0], [0, 0], [65535, 0], [1, 0]],
    out: [[65534], [], [65535, 0], [1]],
  },
  {
    name: "a jump of 100 or more forward is a restart: the waiting packets go first",
    arrivals: [[1, 0], [3, 0], [200, 0], [201, 0]],
    out: [[1], [], [3, 200], [201]],
  },
  {
    name: "a jump of 100 or more back is a restart",
    arrivals: [[1000, 0], [1002, 0], [900, 0], [901, 0]],
    out: [[1000], [], [1002, 900], [901]],
  },
  {
    name: "a packet of another timestamp among the waiting ones is dropped",
    arrivals: [[1, 0], [3, 0], [5, 0], [4, 3000]],
    out: [[1], [], [], [3, 5]],
  },
];

describe("PacketReorderer", () => {
  for (const c of CASES) {
    it(`push() hands packets on in sequence order: ${c.name}`, () => {
      const r = new PacketReorderer();
      const out = c.arrivals.map(([seq, ts]) =>
        r.push(rtpPacketAt(seq, ts, false, [seq & 0xff])).map((p) => p.sequenceNumber)
      );
      assert.deepEqual(out, c.out);
    });
  }

  it(`push() gives a gap up when more than ${MAX_HELD_PACKETS} packets wait`, () => {
    const r = new PacketReorderer();
    r.push(rtpPacketAt(0, 0, false, []));
    for (let seq = 2; seq < 2 + MAX_HELD_PACKETS; seq++) {
      assert.deepEqual(r.push(rtpPacketAt(seq, 0, false, [])), []);
    }
    const out = r.push(rtpPacketAt(2 + MAX_HELD_PACKETS, 0, false, []));
    assert.deepEqual(
      out.map((p) => p.sequenceNumber),
      Array.from({ length: MAX_HELD_PACKETS + 1 }, (_, i) => 2 + i),
    );
    assert.equal(r.push(rtpPacketAt(1, 0, false, [])).length, 0); // too late now
  });

  it("push() answers a packet in order with the same array every time (no allocation)", () => {
    const r = new PacketReorderer();
    const first = r.push(rtpPacketAt(7, 0, false, []));
    const second = r.push(rtpPacketAt(8, 0, false, []));
    assert.equal(second, first);
    assert.deepEqual(second.map((p) => p.sequenceNumber), [8]);
    // Off the in-order path (a gap, then the packet that fills it) the answer is its own.
    assert.notEqual(r.push(rtpPacketAt(10, 0, false, [])), first);
    assert.deepEqual(r.push(rtpPacketAt(9, 0, false, [])).map((p) => p.sequenceNumber), [9, 10]);
  });

  it("depacketize() passes the ready packets in order and joins what they give", () => {
    const r = new PacketReorderer();
    const seqs = (p: RtpPacket): number[] => [p.sequenceNumber, p.sequenceNumber];
    assert.deepEqual(r.depacketize(rtpPacketAt(1, 0, false, []), seqs), [1, 1]);
    assert.deepEqual(r.depacketize(rtpPacketAt(3, 0, false, []), seqs), []);
    assert.deepEqual(r.depacketize(rtpPacketAt(2, 0, false, []), seqs), [2, 2, 3, 3]);
  });

  it("drain() gives the gap up and passes the waiting packets in order", () => {
    const r = new PacketReorderer();
    const seqs = (p: RtpPacket): number[] => [p.sequenceNumber];
    r.push(rtpPacketAt(1, 0, false, []));
    r.push(rtpPacketAt(4, 0, false, []));
    r.push(rtpPacketAt(3, 0, false, []));
    assert.deepEqual(r.drain(seqs), [3, 4]);
    assert.deepEqual(r.drain(seqs), []);
    assert.equal(r.push(rtpPacketAt(2, 0, false, [])).length, 0); // too late now
    assert.deepEqual(r.push(rtpPacketAt(5, 0, false, [])).map((p) => p.sequenceNumber), [5]);
  });

  it("reset() forgets the waiting packets and where the sequence is", () => {
    const r = new PacketReorderer();
    r.push(rtpPacketAt(1, 0, false, []));
    r.push(rtpPacketAt(3, 0, false, []));
    r.reset();
    assert.deepEqual(r.push(rtpPacketAt(50, 0, false, [])).map((p) => p.sequenceNumber), [50]);
    assert.deepEqual(r.push(rtpPacketAt(51, 0, false, [])).map((p) => p.sequenceNumber), [51]);
  });
});
