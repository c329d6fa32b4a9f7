import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { RtpPacket } from "../../../src/rtp/mod.ts";
import {
  H265Depacketizer,
  type H265DepacketizerOptions,
} from "../../../src/formats/h265/h265_depacketizer.ts";
import { H265Packetizer } from "../../../src/formats/h265/h265_packetizer.ts";
import { prng } from "../../_helpers/fuzz.ts";
import { rtpPacketAt } from "../_rtp.ts";
import { bytes, H265_DONL_CASES } from "./_cases.ts";
import { itReordersDonFragments } from "../_don_reordering.ts";

/** A 16-bit big-endian field. */
function u16(v: number): number[] {
  return [(v >> 8) & 0xff, v & 0xff];
}

/** A NAL unit: type, TID 1, then `fill` bytes. */
function nal(type: number, ...fill: number[]): Uint8Array {
  return bytes(type << 1, 0x01, fill.length === 0 ? [0xaa] : fill);
}

/** A single NAL unit packet with DONL (RFC 7798 §4.4.1). */
function single(don: number, nalu: Uint8Array): Uint8Array {
  return bytes(nalu.subarray(0, 2), u16(don), nalu.subarray(2));
}

/** An AP with DONL (§4.4.2): the first unit's DON, then [DOND, NAL unit] for the others. */
function ap(don: number, first: Uint8Array, ...rest: [number, Uint8Array][]): Uint8Array {
  return bytes(
    0x60,
    0x01,
    u16(don),
    u16(first.byteLength),
    first,
    ...rest.flatMap(([dond, u]) => [[dond], u16(u.byteLength), u]),
  );
}

function donl(options: H265DepacketizerOptions = {}): H265Depacketizer {
  return new H265Depacketizer({ maxDonDiff: 2, ...options });
}

/** Feeds payloads as [timestamp, payload] with consecutive sequence numbers, then flushes. */
function decode(d: H265Depacketizer, ...packets: [number, Uint8Array][]) {
  const out = packets.flatMap(([ts, payload], i) =>
    d.depacketize(rtpPacketAt(i, ts, false, payload))
  );
  return [...out, ...d.flush()];
}

/** An access unit of the given NAL units. */
function au(timestamp: number, ...nalUnits: Uint8Array[]) {
  return { timestamp, nalUnits };
}

const idr = nal(19, 1, 2, 3);
const b1 = nal(1, 4);
const p1 = nal(1, 5);
const p2 = nal(1, 6);

describe("H265Depacketizer with DONL (sprop-max-don-diff > 0)", () => {
  for (const c of H265_DONL_CASES) {
    it(`depacketize() decodes: ${c.name}`, () => {
      const d = donl();
      const out = c.payloads.flatMap((p, i) => d.depacketize(rtpPacketAt(i, 9, false, p)));
      assert.deepEqual([...out, ...d.flush()], [{ timestamp: 9, nalUnits: c.nalUnits }]);
      assert.equal(d.droppedAccessUnits + d.invalidPackets, 0);
    });
  }

  /** A stream in sequence order, as [timestamp, payload], and the access units it makes. */
  const streams: {
    name: string;
    maxDonDiff?: number;
    packets: [number, Uint8Array][];
    accessUnits: { timestamp: number; nalUnits: Uint8Array[] }[];
  }[] = [
    {
      // Decoding order I0 B1 P2; sent I0 P2 B1, as with hierarchical B frames.
      name: "puts NAL units sent out of decoding order back in DON order (RFC 7798 §6)",
      packets: [[0, single(0, idr)], [6000, single(2, p1)], [3000, single(1, b1)]],
      accessUnits: [au(0, idr), au(3000, b1), au(6000, p1)],
    },
    {
      // AP: DON 10 then DOND 2 (DON 13); DONs 11 and 12 come in the next packet.
      name: "reads DOND (RFC 7798 §4.4.2): an AP may leave DONs that another packet fills",
      maxDonDiff: 3,
      packets: [[0, ap(10, idr, [2, p2])], [0, ap(11, b1, [0, p1])]],
      accessUnits: [au(0, idr, b1, p1, p2)],
    },
    {
      name: "orders DONs across the wrap from 65535 to 0",
      packets: [[0, single(65535, idr)], [6000, single(1, p1)], [3000, single(0, b1)]],
      accessUnits: [au(0, idr), au(3000, b1), au(6000, p1)],
    },
    {
      // The fragmented IDR has DON 1 and is sent after P (DON 2).
      name: "keeps the DONL of the first fragment for the whole NAL unit (§4.4.3)",
      packets: [
        [6000, single(2, p1)],
        [0, bytes(0x62, 0x01, 0x80 | 19, u16(1), 1, 2)],
        [0, bytes(0x62, 0x01, 0x40 | 19, 3)],
      ],
      accessUnits: [au(0, idr), au(6000, p1)],
    },
    {
      name:
        "drops a fragmented NAL unit that another packet cuts short, and that packet's access unit",
      packets: [
        [0, bytes(0x62, 0x01, 0x80 | 19, u16(0), 1, 2)],
        [3000, single(1, p1)],
        [6000, single(2, p2)],
      ],
      accessUnits: [au(6000, p2)],
    },
    {
      name: "restarts when the DON jumps far back (a new sender)",
      packets: [[0, single(30000, idr)], [3000, single(5, p1)], [6000, single(6, p2)]],
      accessUnits: [au(0, idr), au(3000, p1), au(6000, p2)],
    },
  ];
  for (const c of streams) {
    it(`depacketize() ${c.name}`, () => {
      const d = donl({ maxDonDiff: c.maxDonDiff ?? 2 });
      assert.deepEqual(decode(d, ...c.packets), c.accessUnits);
    });
  }

  it("depacketize() lets the smallest DON out once the buffer's DONs span sprop-max-don-diff (§6)", () => {
    const d = donl({ maxDonDiff: 2 });
    assert.deepEqual(d.depacketize(rtpPacketAt(1, 0, false, single(0, idr))), []);
    assert.deepEqual(d.depacketize(rtpPacketAt(2, 3000, false, single(1, b1))), []); // span 1
    // Span 2: DON 0 leaves, its access unit waits for the next one to start leaving.
    assert.deepEqual(d.depacketize(rtpPacketAt(3, 6000, false, single(2, p1))), []);
    // Span 2 again: DON 1 leaves and completes the access unit of DON 0.
    assert.deepEqual(d.depacketize(rtpPacketAt(4, 9000, false, single(3, p2))), [
      { timestamp: 0, nalUnits: [idr] },
    ]);
    assert.deepEqual(d.flush().map((u) => u.timestamp), [3000, 6000, 9000]);
  });

  it("depacketize() lets a NAL unit out while the buffer holds more than sprop-depack-buf-nalus", () => {
    const d = donl({ maxDonDiff: 100, depackBufNalus: 1 });
    d.depacketize(rtpPacketAt(1, 0, false, single(0, idr)));
    d.depacketize(rtpPacketAt(2, 3000, false, single(1, b1))); // 2 > 1: DON 0 leaves
    const out = d.depacketize(rtpPacketAt(3, 6000, false, single(2, p1))); // DON 1 leaves
    assert.deepEqual(out, [{ timestamp: 0, nalUnits: [idr] }]);
  });

  it("depacketize() without sprop-depack-buf-nalus keeps NAL units by the DON span alone", () => {
    const d = donl({ maxDonDiff: 100 });
    for (let i = 0; i < 50; i++) {
      assert.deepEqual(d.depacketize(rtpPacketAt(i, i * 3000, false, single(i, p1))), []);
    }
    assert.equal(d.flush().length, 50);
  });

  it("depacketize() bounds the buffer by maxNalUnitsPerAccessUnit when the DON span allows more", () => {
    const d = donl({ maxDonDiff: 32767, maxNalUnitsPerAccessUnit: 4 });
    const out = Array.from(
      { length: 10 },
      (_, i) => d.depacketize(rtpPacketAt(i, i * 3000, false, single(i, p1))),
    ).flat();
    assert.deepEqual(out.map((u) => u.timestamp), [0, 3000, 6000, 9000, 12000]);
  });

  it("depacketize() drops the access units buffered when a packet is lost, then recovers", () => {
    const d = donl();
    d.depacketize(rtpPacketAt(1, 0, false, single(0, idr)));
    // Sequence number 2 is lost.
    d.depacketize(rtpPacketAt(3, 3000, false, single(2, p1)));
    d.depacketize(rtpPacketAt(4, 6000, false, single(3, p2)));
    d.depacketize(rtpPacketAt(5, 9000, false, single(4, nal(1, 7))));
    d.depacketize(rtpPacketAt(6, 12000, false, single(5, nal(1, 8))));
    // The access units with a NAL unit in the buffer when the loss showed (DONs 0 and 2) may
    // miss it: they are dropped.
    assert.deepEqual(d.flush().map((u) => u.timestamp), [6000, 9000, 12000]);
    assert.equal(d.droppedAccessUnits, 2);
  });

  const invalid: [string, Uint8Array][] = [
    ["a single NAL unit packet without room for DONL and data", bytes(0x02, 0x01, 0, 0)],
    ["an AP cut inside its DONL", bytes(0x60, 0x01, 0)],
    ["an AP cut inside a DOND and size", bytes(0x60, 0x01, 0, 0, 0, 3, 0x02, 0x01, 1, 0, 0)],
    ["an AP unit shorter than a NAL header", bytes(0x60, 0x01, 0, 0, 0, 1, 0x02)],
    ["an AP with no unit", bytes(0x60, 0x01, 0, 0)],
    ["an FU start without data after its DONL", bytes(0x62, 0x01, 0x93, 0, 0)],
    ["an FU with S and E", bytes(0x62, 0x01, 0xd3, 0, 0, 1)],
    ["an FU continuation without start", bytes(0x62, 0x01, 0x53, 1)],
    ["a PACI packet", bytes(0x64, 0x01, 0, 0, 0)],
  ];
  for (const [name, payload] of invalid) {
    it(`depacketize() drops and counts ${name}`, () => {
      const d = donl();
      d.depacketize(rtpPacketAt(1, 0, false, single(0, idr)));
      assert.deepEqual(d.depacketize(rtpPacketAt(2, 0, false, payload)), []);
      assert.equal(d.invalidPackets, 1);
      d.depacketize(rtpPacketAt(3, 3000, false, single(1, p1)));
      assert.deepEqual(d.flush(), [{ timestamp: 3000, nalUnits: [p1] }]);
      assert.equal(d.droppedAccessUnits, 1);
    });
  }

  it("depacketize() with DONL round-trips a stream sent out of decoding order", () => {
    // The packetizer sends in decoding order; a sender may reorder whole packets within
    // sprop-max-don-diff, numbering them in the order it sends them.
    const p = new H265Packetizer({ payloadType: 96, maxDonDiff: 3 });
    const rand = prng(7);
    const sent = Array.from({ length: 60 }, (_, i) => ({
      timestamp: i * 3000,
      nalUnits: [nal(i === 0 ? 19 : 1, i & 0xff, Math.floor(rand() * 256))],
    }));
    const packets = sent.flatMap((u) => p.packetize(u.nalUnits, u.timestamp));
    // Swap each pair: DONs 1 0 3 2 5 4 ...: each unit at most 1 DON away from its place.
    const reordered = packets.map((_, i) => packets[i ^ 1] ?? packets[i]!);
    const d = new H265Depacketizer({ maxDonDiff: 1 });
    const out = reordered.flatMap((pkt, i) => d.depacketize({ ...pkt, sequenceNumber: i }));
    assert.deepEqual([...out, ...d.flush()], sent);
  });

  it("depacketize() never throws on mutated DONL payloads, and decodes again afterwards", () => {
    const rand = prng(0x48323635);
    const d = donl({ maxDonDiff: 4, maxAccessUnitBytes: 20000 });
    const seeds = [
      ...H265_DONL_CASES.flatMap((c) => c.payloads),
      ap(3, idr, [1, p1]),
      single(9, b1),
    ];
    for (let i = 0; i < 5000; i++) {
      const base = seeds[Math.floor(rand() * seeds.length)]!;
      const payload = base.slice(0, Math.floor(rand() * (base.byteLength + 1)));
      for (let k = 0; k < 3 && payload.byteLength > 0; k++) {
        payload[Math.floor(rand() * payload.byteLength)] = Math.floor(rand() * 256);
      }
      const seq = rand() < 0.9 ? i : Math.floor(rand() * 65536);
      const pkt: RtpPacket = rtpPacketAt(seq, Math.floor(rand() * 4) * 3000, false, payload);
      assert.ok(Array.isArray(d.depacketize(pkt)));
    }
    d.reset();
    const out = decode(d, [0, single(0, idr)], [3000, single(1, p1)]);
    assert.deepEqual(out.map((u) => u.timestamp), [0, 3000]);
  });

  itReordersDonFragments({
    create: () => donl(),
    unit: (don, tag) => {
      const nalu = nal(1, tag);
      return { payload: single(don, nalu), nalu };
    },
    // FUs of an IDR_W_RADL slice, the DONL in the first (§4.4.3).
    fragments: (don, tag) => ({
      payloads: [
        bytes(0x62, 0x01, 0x80 | 19, u16(don), tag, 1),
        bytes(0x62, 0x01, 19, tag, 2),
        bytes(0x62, 0x01, 0x40 | 19, tag, 3),
      ],
      nalu: bytes(19 << 1, 0x01, tag, 1, tag, 2, tag, 3),
    }),
  });

  it("constructor throws RangeError for maxDonDiff or depackBufNalus outside 0-32767", () => {
    for (const v of [-1, 0.5, 32768]) {
      assert.throws(() => new H265Depacketizer({ maxDonDiff: v }), RangeError);
      assert.throws(() => new H265Depacketizer({ depackBufNalus: v }), RangeError);
    }
  });
});
