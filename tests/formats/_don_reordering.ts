/**
 * The reordering tests of the two DON-ordered depacketizers (H.264 interleaved mode, H.265 with
 * DONL): packets are first put back in sequence order, then NAL units in DON order. A
 * fragmented NAL unit's fragments carry its DON in the first one only, so they must come out of
 * the sequence reordering in order: every arrival order of a 3-fragment NAL unit, the next
 * access unit's packet before its last fragment, and the loss of each fragment. Each codec's
 * test file runs them with {@linkcode itReordersDonFragments} and a target of its own.
 */
import { it } from "node:test";
import assert from "node:assert/strict";
import type { RtpPacket } from "../../src/rtp/mod.ts";
import { permutations } from "./_reordering.ts";
import { rtpPacketAt } from "./_rtp.ts";

/** An access unit as the DON-ordered depacketizers output it. */
interface AccessUnit {
  timestamp: number;
  nalUnits: Uint8Array[];
}

/** What the tests need of a DON-ordered depacketizer. */
export interface DonDepacketizer {
  depacketize(pkt: RtpPacket): AccessUnit[];
  flush(): AccessUnit[];
  readonly droppedAccessUnits: number;
  readonly invalidPackets: number;
}

/** A DON-ordered depacketizer under test and how to make its packets. */
export interface DonReorderTarget {
  /** A new depacketizer. */
  create(): DonDepacketizer;
  /** A packet of one VCL NAL unit with DON `don`; `tag` (0-255) tells NAL units apart. */
  unit(don: number, tag: number): { payload: Uint8Array; nalu: Uint8Array };
  /** The 3 packets of one fragmented VCL NAL unit with DON `don`, in sequence order. */
  fragments(don: number, tag: number): { payloads: Uint8Array[]; nalu: Uint8Array };
}

/**
 * A stream in decoding order, 3000 ticks an access unit, numbered from sequence number 0:
 * a NAL unit (DON 0), the 3 fragments of one (DON 1, packets 1-3), then NAL units with DONs 2,
 * 3 and 4 (packets 4-6); and the access units it makes.
 */
function stream(target: DonReorderTarget): { packets: RtpPacket[]; accessUnits: AccessUnit[] } {
  const fragmented = target.fragments(1, 1);
  const units = [target.unit(0, 0), target.unit(2, 2), target.unit(3, 3), target.unit(4, 4)];
  const payloads = [
    units[0]!.payload,
    ...fragmented.payloads,
    ...units.slice(1).map((u) => u.payload),
  ];
  const timestamps = [0, 3000, 3000, 3000, 6000, 9000, 12000];
  const nalUnits = [units[0]!.nalu, fragmented.nalu, ...units.slice(1).map((u) => u.nalu)];
  return {
    packets: payloads.map((p, seq) => rtpPacketAt(seq, timestamps[seq]!, false, p)),
    accessUnits: nalUnits.map((nalu, i) => ({ timestamp: 3000 * i, nalUnits: [nalu] })),
  };
}

/** Feeds packets, then flushes, and joins what comes out. */
function decode(d: DonDepacketizer, packets: readonly RtpPacket[]): AccessUnit[] {
  return [...packets.flatMap((p) => d.depacketize(p)), ...d.flush()];
}

/**
 * Defines the reordering tests of a DON-ordered depacketizer (inside its `describe`).
 *
 * @param target The depacketizer and its packets.
 */
export function itReordersDonFragments(target: DonReorderTarget): void {
  // The first packet sets where the sequence is; the fragments (1-3) come in any order.
  for (const order of permutations([1, 2, 3])) {
    it(`depacketize() puts the fragments of a NAL unit back in sequence order: arrival ${order}`, () => {
      const { packets, accessUnits } = stream(target);
      const arrival = [0, ...order, 4, 5, 6].map((seq) => packets[seq]!);
      const d = target.create();
      assert.deepEqual(decode(d, arrival), accessUnits);
      assert.deepEqual([d.droppedAccessUnits, d.invalidPackets], [0, 0]);
    });
  }

  it("depacketize() accepts the next access unit's packet before the last fragment", () => {
    const { packets, accessUnits } = stream(target);
    const d = target.create();
    assert.deepEqual(decode(d, [0, 1, 2, 4, 3, 5, 6].map((seq) => packets[seq]!)), accessUnits);
    assert.deepEqual([d.droppedAccessUnits, d.invalidPackets], [0, 0]);
  });

  for (const lost of [1, 2, 3]) {
    it(`depacketize() drops a NAL unit whose fragment ${lost - 1} is lost, whatever the order of the others`, () => {
      const { packets, accessUnits } = stream(target);
      const kept = [0, 1, 2, 3, 4, 5, 6].filter((seq) => seq !== lost);
      // What the loss costs with every other packet in order.
      const inOrder = target.create();
      const expected = decode(inOrder, kept.map((seq) => packets[seq]!));
      assert.ok(expected.every((u) => u.timestamp !== 3000), "the fragmented NAL unit is dropped");
      assert.deepEqual(expected.slice(-2), accessUnits.slice(-2), "the stream recovers");
      assert.ok(inOrder.droppedAccessUnits >= 1);
      // The fragments left come in reverse order, and the lost one comes too late.
      const reordered = [0, ...kept.filter((seq) => seq >= 1 && seq <= 3).reverse(), 4, 5, 6, lost];
      const d = target.create();
      assert.deepEqual(decode(d, reordered.map((seq) => packets[seq]!)), expected);
      assert.deepEqual(
        [d.droppedAccessUnits, d.invalidPackets],
        [inOrder.droppedAccessUnits, inOrder.invalidPackets],
      );
    });
  }
}
