/**
 * One case table for the MP2T packetizer and depacketizer tests (RFC 2250 §2): TS packets and
 * the payloads they make, whole 188-byte TS packets each.
 */

/** `count` TS packets, each starting with 0x47 and numbered in its second byte. */
export function tsPackets(count: number, first = 0): Uint8Array {
  const out = new Uint8Array(count * 188);
  for (let i = 0; i < count; i++) {
    out[i * 188] = 0x47;
    out[i * 188 + 1] = (first + i) & 0xff;
    out.fill(i & 0xff, i * 188 + 4, (i + 1) * 188);
  }
  return out;
}

export interface Mp2tCase {
  name: string;
  maxPacketSize?: number;
  ts: Uint8Array;
  /** Payloads as [first TS packet, count] of `ts`. */
  payloads: [number, number][];
}

export const MP2T_CASES: Mp2tCase[] = [
  { name: "one TS packet", ts: tsPackets(1), payloads: [[0, 1]] },
  {
    name: "seven TS packets fill the default 1316-byte payload",
    ts: tsPackets(7),
    payloads: [[0, 7]],
  },
  {
    name: "fifteen TS packets: 7, 7 and 1",
    ts: tsPackets(15),
    payloads: [[0, 7], [7, 7], [14, 1]],
  },
  {
    name: "a maxPacketSize between multiples of 188 rounds the payload down",
    maxPacketSize: 12 + 3 * 188 + 187,
    ts: tsPackets(7),
    payloads: [[0, 3], [3, 3], [6, 1]],
  },
  {
    name: "the smallest maxPacketSize, one TS packet per RTP packet",
    maxPacketSize: 12 + 188,
    ts: tsPackets(3),
    payloads: [[0, 1], [1, 1], [2, 1]],
  },
  {
    name: "a larger MTU: 10 TS packets in one",
    maxPacketSize: 12 + 10 * 188,
    ts: tsPackets(12),
    payloads: [[0, 10], [10, 2]],
  },
];
