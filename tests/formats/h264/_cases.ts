/**
 * One case table for the H.264 packetizer and depacketizer tests (STYLE §8): each case is an
 * access unit and the RTP payloads RFC 6184 makes of it.
 */
import { bytes } from "../_bytes.ts";

export { bytes };

export interface H264Case {
  name: string;
  maxPacketSize?: number;
  nalUnits: Uint8Array[];
  payloads: Uint8Array[];
}

function ramp(length: number, first: number): Uint8Array {
  const out = new Uint8Array(length);
  out[0] = first;
  for (let i = 1; i < length; i++) out[i] = i & 0xff;
  return out;
}

const sps = bytes(0x67, 0x42, 0xc0, 0x28, 0xd9, 0x00, 0x78, 0x02, 0x27, 0xe5, 0x84, 0x00);
const pps = bytes(0x68, 0xcb, 0x83, 0xcb, 0x20);
const idrBig = ramp(3000, 0x65);
const nonIdrBig = ramp(1461, 0x41);

export const H264_CASES: H264Case[] = [
  {
    name: "RFC 6184 §5.6 single NAL unit packet",
    nalUnits: [bytes(0x41, 0x9a, 0x02, 0x03)],
    payloads: [bytes(0x41, 0x9a, 0x02, 0x03)],
  },
  {
    name: "RFC 6184 §5.7.1 STAP-A with two aggregation units (Figure 7)",
    nalUnits: [sps, pps],
    payloads: [bytes(0x78, 0x00, sps.length, sps, 0x00, pps.length, pps)],
  },
  {
    // F is the OR of the F bits and NRI the largest NRI of the aggregated NAL units.
    name: "RFC 6184 §5.7.1 STAP-A header takes F = OR and NRI = max",
    nalUnits: [bytes(0x06, 0x05), bytes(0x80 | 0x20 | 0x01, 0x01), bytes(0x41, 0x02)],
    payloads: [bytes(0x80 | 0x40 | 24, 0, 2, 0x06, 0x05, 0, 2, 0xa1, 0x01, 0, 2, 0x41, 0x02)],
  },
  {
    name: "RFC 6184 §5.8 FU-A fragments with S and E bits (Figures 14, 15)",
    nalUnits: [idrBig],
    payloads: [
      bytes(0x7c, 0x85, idrBig.subarray(1, 1459)),
      bytes(0x7c, 0x05, idrBig.subarray(1459, 2917)),
      bytes(0x7c, 0x45, idrBig.subarray(2917)),
    ],
  },
  {
    name: "a NAL unit of exactly the payload size is a single NAL unit packet",
    nalUnits: [ramp(1460, 0x41)],
    payloads: [ramp(1460, 0x41)],
  },
  {
    name: "one byte over the payload size makes two FU-A packets",
    nalUnits: [nonIdrBig],
    payloads: [
      bytes(0x5c, 0x81, nonIdrBig.subarray(1, 1459)),
      bytes(0x5c, 0x41, nonIdrBig.subarray(1459)),
    ],
  },
  {
    name: "aggregation stops before a NAL unit that does not fit, then fragments it",
    nalUnits: [sps, pps, idrBig],
    payloads: [
      bytes(0x78, 0x00, sps.length, sps, 0x00, pps.length, pps),
      bytes(0x7c, 0x85, idrBig.subarray(1, 1459)),
      bytes(0x7c, 0x05, idrBig.subarray(1459, 2917)),
      bytes(0x7c, 0x45, idrBig.subarray(2917)),
    ],
  },
  {
    name: "small NAL units after a fragmented one are aggregated again",
    maxPacketSize: 12 + 10,
    nalUnits: [bytes(0x65, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), bytes(0x06, 1), bytes(0x06, 2)],
    payloads: [
      bytes(0x7c, 0x85, 1, 2, 3, 4, 5, 6, 7, 8),
      bytes(0x7c, 0x45, 9, 10, 11),
      bytes(0x18, 0, 2, 0x06, 1, 0, 2, 0x06, 2),
    ],
  },
  {
    name: "a NAL unit too large for a STAP-A of one but within the payload size is sent alone",
    maxPacketSize: 12 + 10,
    nalUnits: [bytes(0x06, 1), bytes(0x41, 1, 2, 3, 4, 5, 6, 7, 8, 9)],
    payloads: [bytes(0x06, 1), bytes(0x41, 1, 2, 3, 4, 5, 6, 7, 8, 9)],
  },
];
