/**
 * Case table for the H.264 interleaved mode (RFC 6184 packetization-mode 2): packets laid out
 * as in the RFC's figures, in transmission order, and the access units they make in decoding
 * order.
 */
import { bytes } from "./_cases.ts";

export interface InterleavedPacket {
  sequenceNumber: number;
  timestamp: number;
  payload: Uint8Array;
}

export interface InterleavedCase {
  name: string;
  /** sprop-interleaving-depth. */
  depth: number;
  packets: InterleavedPacket[];
  /** The access units, in decoding order, output by depacketize() and then flush(). */
  accessUnits: { timestamp: number; nalUnits: Uint8Array[] }[];
}

/** A 16-bit big-endian field. */
export function u16(v: number): number[] {
  return [(v >> 8) & 0xff, v & 0xff];
}

/** A NAL unit of `length` bytes with header byte `header`. */
export function nal(header: number, length: number, fill = 0): Uint8Array {
  const out = new Uint8Array(length).fill(fill);
  out[0] = header;
  return out;
}

/** STAP-B (§5.7.1, Figure 8): header, DON, then size-prefixed NAL units. */
export function stapB(don: number, ...units: Uint8Array[]): Uint8Array {
  return bytes(0x79, u16(don), ...units.flatMap((u) => [u16(u.byteLength), u]));
}

/** MTAP16 (§5.7.2, Figure 12): header, DONB, then size, DOND, 16-bit TS offset, NAL unit. */
export function mtap16(donb: number, ...units: [number, number, Uint8Array][]): Uint8Array {
  return bytes(
    0x7a,
    u16(donb),
    ...units.flatMap(([dond, tsOffset, u]) => [u16(u.byteLength), dond, u16(tsOffset), u]),
  );
}

/** MTAP24 (§5.7.2, Figure 13): as MTAP16 with a 24-bit TS offset. */
export function mtap24(donb: number, ...units: [number, number, Uint8Array][]): Uint8Array {
  return bytes(
    0x7b,
    u16(donb),
    ...units.flatMap(([dond, tsOffset, u]) => [
      u16(u.byteLength),
      dond,
      (tsOffset >> 16) & 0xff,
      u16(tsOffset),
      u,
    ]),
  );
}

const sps = bytes(0x67, 0x42, 0xc0, 0x28, 0xd9, 0x00, 0x78);
const pps = bytes(0x68, 0xcb, 0x83, 0xcb, 0x20);
const idr = nal(0x65, 40, 1);
const p1 = nal(0x41, 30, 2);
const b1 = nal(0x01, 20, 3);
const b2 = nal(0x01, 21, 4);
const big = Uint8Array.from({ length: 300 }, (_, i) => (i === 0 ? 0x65 : i & 0xff));

function pkts(...list: [number, Uint8Array][]): InterleavedPacket[] {
  return list.map(([timestamp, payload], i) => ({ sequenceNumber: 100 + i, timestamp, payload }));
}

export const INTERLEAVED_CASES: InterleavedCase[] = [
  {
    name: "RFC 6184 §5.7.1 STAP-B (Figure 8): DON for the first unit, +1 for each next",
    depth: 0,
    packets: pkts([3000, stapB(0x10, sps, pps)], [3000, stapB(0x12, idr)]),
    accessUnits: [{ timestamp: 3000, nalUnits: [sps, pps, idr] }],
  },
  {
    name: "RFC 6184 §5.7.2 MTAP16 (Figure 12): DON = DONB + DOND, NALU-time = RTP ts + TS offset",
    depth: 0,
    packets: pkts([3000, mtap16(0x100, [0, 0, idr], [1, 3000, p1])]),
    accessUnits: [
      { timestamp: 3000, nalUnits: [idr] },
      { timestamp: 6000, nalUnits: [p1] },
    ],
  },
  {
    name: "RFC 6184 §5.7.2 MTAP24 (Figure 13): a 24-bit TS offset",
    depth: 0,
    packets: pkts([0xfffffff0, mtap24(7, [0, 0, idr], [1, 0x012345, p1])]),
    accessUnits: [
      { timestamp: 0xfffffff0, nalUnits: [idr] },
      { timestamp: (0xfffffff0 + 0x012345) >>> 0, nalUnits: [p1] },
    ],
  },
  {
    name: "RFC 6184 §5.8 FU-B (Figure 15) starts a fragmented NAL unit, FU-As continue it",
    depth: 0,
    packets: pkts(
      [9000, bytes(0x7d, 0x85, u16(5), big.subarray(1, 100))], // FU-B: S, type 5, DON 5
      [9000, bytes(0x7c, 0x05, big.subarray(100, 200))], // FU-A
      [9000, bytes(0x7c, 0x45, big.subarray(200))], // FU-A: E
    ),
    accessUnits: [{ timestamp: 9000, nalUnits: [big] }],
  },
  {
    name: "RFC 6184 §7.2.2 units sent out of decoding order come out in DON order (depth 1)",
    depth: 1,
    // Decoding order: SPS (DON 0), IDR (1), P (2), B (3), B (4); the P and the second B are
    // each sent one VCL NAL unit early.
    packets: pkts(
      [9000, stapB(2, p1)],
      [0, stapB(0, sps, idr)],
      [6000, stapB(4, b2)],
      [3000, stapB(3, b1)],
    ),
    accessUnits: [
      { timestamp: 0, nalUnits: [sps, idr] },
      { timestamp: 9000, nalUnits: [p1] },
      { timestamp: 3000, nalUnits: [b1] },
      { timestamp: 6000, nalUnits: [b2] },
    ],
  },
  {
    name: "RFC 6184 §5.7.2 an MTAP need not list its units in decoding order",
    depth: 0,
    packets: pkts([3000, mtap16(40, [1, 3000, p1], [0, 0, idr])]),
    accessUnits: [
      { timestamp: 3000, nalUnits: [idr] },
      { timestamp: 6000, nalUnits: [p1] },
    ],
  },
  {
    name: "RFC 6184 §8.1 AbsDON: DON wraps from 65535 to 0 without changing the order",
    depth: 2,
    packets: pkts([0, stapB(0xffff, sps, idr)], [3000, stapB(1, p1)], [6000, stapB(2, b1)]),
    accessUnits: [
      { timestamp: 0, nalUnits: [sps, idr] },
      { timestamp: 3000, nalUnits: [p1] },
      { timestamp: 6000, nalUnits: [b1] },
    ],
  },
];
