import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { MAX_FRAGMENTS } from "../../src/formats/_access_unit_assembler.ts";
import {
  DonDepacketizer,
  type DonPayloadFormat,
  FU_END,
  FU_START,
} from "../../src/formats/_don_depacketizer.ts";
import { rtpPacketAt } from "./_rtp.ts";

/**
 * A payload format made up for these tests, so that they check the shared part alone:
 * `[0, DON, NAL unit...]` is one NAL unit, `[1, FU header, DON, data...]` starts a fragmented
 * one and `[2, FU header, data...]` continues it.
 */
const TOY_FORMAT: DonPayloadFormat = {
  continuesFragment: (p) => p[0] === 2,
  read(p, timestamp, fragments) {
    if (p[0] === 0) return [{ don: p[1]!, timestamp, nalu: p.subarray(2) }];
    if (p[0] === 1) {
      const header = new Uint8Array([0x40]);
      return fragments.start({ don: p[2]!, timestamp, nalu: header }, p.subarray(3), p[1]!);
    }
    if (p[0] === 2) return fragments.add(timestamp, p.subarray(2), p[1]!);
    return undefined;
  },
};

/** A depacketizer of the toy format; every NAL unit leaves once 2 are buffered. */
function toy(maxAccessUnitBytes = 1000): DonDepacketizer {
  return new DonDepacketizer(TOY_FORMAT, {
    isVcl: () => true,
    releaseAtVclUnits: 2,
    restartGap: 1000,
    maxAccessUnitBytes,
    maxNalUnitsPerAccessUnit: 16,
  });
}

/** Feeds [timestamp, payload] in sequence order from 0, then flushes. */
function decode(d: DonDepacketizer, packets: [number, number[]][]) {
  const out = packets.flatMap(([ts, p], seq) => d.depacketize(rtpPacketAt(seq, ts, false, p)));
  return [...out, ...d.flush()];
}

/** The first fragment of a NAL unit with DON `don`. */
function first(don: number, ...data: number[]): number[] {
  return [1, FU_START, don, ...data];
}

/** A fragment neither first nor last. */
function middle(...data: number[]): number[] {
  return [2, 0, ...data];
}

/** The last fragment. */
function last(...data: number[]): number[] {
  return [2, FU_END, ...data];
}

describe("DonDepacketizer", () => {
  it("depacketize() joins the fragments of a NAL unit under the DON of the first", () => {
    const d = toy();
    const out = decode(d, [[3000, [0, 2, 0x41]], [0, first(1, 7)], [0, middle()], [0, last(8)]]);
    assert.deepEqual(out, [
      { timestamp: 0, nalUnits: [new Uint8Array([0x40, 7, 8])] },
      { timestamp: 3000, nalUnits: [new Uint8Array([0x41])] },
    ]);
    assert.deepEqual([d.droppedAccessUnits, d.invalidPackets], [0, 0]);
  });

  // Each stream: a fragmented NAL unit that fails (DON 0), then a NAL unit that is kept (DON 1).
  const broken: [string, [number, number[]][], number][] = [
    ["an FU header with both start and end bits", [[0, [1, FU_START | FU_END, 0, 7]]], 1],
    ["a fragment of another timestamp", [[0, first(0, 7)], [1, last(8)]], 1],
    ["a packet that does not continue the NAL unit", [[0, first(0, 7)], [0, [0, 5, 0x41]]], 0],
    ["a NAL unit over maxAccessUnitBytes", [[0, first(0, 1, 2, 3)], [0, last(4, 5)]], 1],
  ];
  for (const [name, packets, invalid] of broken) {
    it(`depacketize() drops the access unit of ${name}`, () => {
      const d = toy(5);
      const out = decode(d, [...packets, [3000, [0, 1, 0x41]]]);
      assert.deepEqual(out, [{ timestamp: 3000, nalUnits: [new Uint8Array([0x41])] }]);
      assert.equal(d.invalidPackets, invalid);
    });
  }

  for (const [count, kept] of [[MAX_FRAGMENTS, true], [MAX_FRAGMENTS + 1, false]] as const) {
    it(`depacketize() ${kept ? "keeps" : "drops"} a NAL unit of ${count} fragments, empty ones included`, () => {
      const d = toy();
      const middles = Array.from({ length: count - 2 }, (): [number, number[]] => [0, middle()]);
      const out = decode(d, [[0, first(0, 7)], ...middles, [0, last()], [3000, [0, 1, 0x41]]]);
      const next = { timestamp: 3000, nalUnits: [new Uint8Array([0x41])] };
      const nalu = new Uint8Array([0x40, 7]);
      assert.deepEqual(out, kept ? [{ timestamp: 0, nalUnits: [nalu] }, next] : [next]);
      assert.equal(d.invalidPackets, kept ? 0 : 1);
    });
  }

  it("reset() forgets the packets waiting behind a gap and the fragmented NAL unit", () => {
    const d = toy();
    d.depacketize(rtpPacketAt(0, 0, false, first(0, 7)));
    d.depacketize(rtpPacketAt(2, 0, false, last(8))); // waits for 1
    d.reset();
    assert.deepEqual(decode(d, [[3000, [0, 1, 0x41]]]), [
      { timestamp: 3000, nalUnits: [new Uint8Array([0x41])] },
    ]);
    assert.deepEqual([d.droppedAccessUnits, d.invalidPackets], [0, 0]);
  });
});
