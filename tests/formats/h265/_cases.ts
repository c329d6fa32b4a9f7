/** One case table for the H.265 packetizer and depacketizer tests (STYLE §8). */
import { bytes } from "../_bytes.ts";

export { bytes };

export interface H265Case {
  name: string;
  maxPacketSize?: number;
  nalUnits: Uint8Array[];
  payloads: Uint8Array[];
}

function ramp(length: number, h0: number, h1: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 2; i < length; i++) out[i] = i & 0xff;
  out[0] = h0;
  out[1] = h1;
  return out;
}

const vps = bytes(0x40, 0x01, 0x0c, 0x01, 0xff, 0xff);
const sps = bytes(0x42, 0x01, 0x01, 0x01, 0x60, 0x00);
const pps = bytes(0x44, 0x01, 0xc1, 0x72);
const idr = ramp(3000, 0x26, 0x01); // IDR_W_RADL, LayerId 0, TID 1

export const H265_CASES: H265Case[] = [
  {
    name: "RFC 7798 §4.4.1 single NAL unit packet",
    nalUnits: [bytes(0x02, 0x01, 0xd0, 0x09)],
    payloads: [bytes(0x02, 0x01, 0xd0, 0x09)],
  },
  {
    name: "RFC 7798 §4.4.2 aggregation packet of three NAL units (Figure 7)",
    nalUnits: [vps, sps, pps],
    payloads: [bytes(0x60, 0x01, 0, vps.length, vps, 0, sps.length, sps, 0, pps.length, pps)],
  },
  {
    name: "RFC 7798 §4.4.2 AP header takes F = OR and the lowest LayerId and TID",
    nalUnits: [bytes(0x80 | 0x02, 0x0a, 1), bytes(0x02, 0x03, 2)],
    payloads: [bytes(0x80 | 0x60, 0x02, 0, 3, 0x82, 0x0a, 1, 0, 3, 0x02, 0x03, 2)],
  },
  {
    name: "RFC 7798 §4.4.3 fragmentation units with S and E bits (Figure 9)",
    nalUnits: [idr],
    payloads: [
      bytes(0x62, 0x01, 0x80 | 19, idr.subarray(2, 1459)),
      bytes(0x62, 0x01, 19, idr.subarray(1459, 2916)),
      bytes(0x62, 0x01, 0x40 | 19, idr.subarray(2916)),
    ],
  },
  {
    name: "a NAL unit of exactly the payload size is a single NAL unit packet",
    nalUnits: [ramp(1460, 0x02, 0x01)],
    payloads: [ramp(1460, 0x02, 0x01)],
  },
  {
    name: "aggregation stops before a NAL unit that must be fragmented",
    maxPacketSize: 12 + 12,
    nalUnits: [bytes(0x02, 0x01, 1), bytes(0x02, 0x01, 2), ramp(14, 0x26, 0x01)],
    payloads: [
      bytes(0x60, 0x01, 0, 3, 0x02, 0x01, 1, 0, 3, 0x02, 0x01, 2),
      bytes(0x62, 0x01, 0x80 | 19, 2, 3, 4, 5, 6, 7, 8, 9, 10),
      bytes(0x62, 0x01, 0x40 | 19, 11, 12, 13),
    ],
  },
];

/**
 * Streams with sprop-max-don-diff > 0 (RFC 7798 §4.4): one access unit, its NAL units numbered
 * by DON from 0, as the packetizer sends them in decoding order.
 */
export const H265_DONL_CASES: H265Case[] = [
  {
    name: "RFC 7798 §4.4.1 single NAL unit packet: PayloadHdr, DONL, NAL unit payload data",
    nalUnits: [bytes(0x02, 0x01, 0xd0, 0x09)],
    payloads: [bytes(0x02, 0x01, 0x00, 0x00, 0xd0, 0x09)],
  },
  {
    name: "RFC 7798 §4.4.2 aggregation packet: DONL before the first unit, DOND before the others",
    nalUnits: [vps, sps, pps],
    payloads: [
      bytes(
        [0x60, 0x01], // PayloadHdr: type 48
        [0x00, 0x00], // DONL: 0
        [0, vps.length], // NALU 1 size
        vps,
        [0x00], // DOND: 0 (DON 1)
        [0, sps.length],
        sps,
        [0x00], // DOND: 0 (DON 2)
        [0, pps.length],
        pps,
      ),
    ],
  },
  {
    name: "RFC 7798 §4.4.3 fragmentation units: DONL in the first fragment only",
    nalUnits: [idr],
    payloads: [
      bytes(0x62, 0x01, 0x80 | 19, 0x00, 0x00, idr.subarray(2, 1457)),
      bytes(0x62, 0x01, 19, idr.subarray(1457, 2914)),
      bytes(0x62, 0x01, 0x40 | 19, idr.subarray(2914)),
    ],
  },
  {
    name: "RFC 7798 §4.4 DONs go on across the packets of an access unit",
    maxPacketSize: 12 + 16,
    nalUnits: [bytes(0x02, 0x01, 1), bytes(0x02, 0x01, 2), ramp(20, 0x26, 0x01)],
    payloads: [
      bytes(0x60, 0x01, 0x00, 0x00, 0, 3, 0x02, 0x01, 1, 0x00, 0, 3, 0x02, 0x01, 2),
      bytes(0x62, 0x01, 0x80 | 19, 0x00, 0x02, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12),
      bytes(0x62, 0x01, 0x40 | 19, 13, 14, 15, 16, 17, 18, 19),
    ],
  },
];
