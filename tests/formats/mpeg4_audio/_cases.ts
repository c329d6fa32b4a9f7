/** One case table for the MPEG-4 Audio (RFC 3640 AAC-hbr) packetizer and depacketizer tests. */
import { bytes } from "../_bytes.ts";

export { bytes };

export interface Mpeg4AudioCase {
  name: string;
  maxPacketSize?: number;
  accessUnits: Uint8Array[];
  packets: { timestamp: number; marker: boolean; payload: Uint8Array }[];
}

const big = Uint8Array.from({ length: 3000 }, (_, i) => i & 0xff);

export const MPEG4_AUDIO_CASES: Mpeg4AudioCase[] = [
  {
    name: "RFC 3640 §3.3.6 one AU: AU-headers-length 16, AU-size 3, AU-Index 0",
    accessUnits: [bytes(0x21, 0x10, 0x05)],
    packets: [{
      timestamp: 1000,
      marker: true,
      payload: bytes(0x00, 0x10, 0x00, 0x18, 0x21, 0x10, 0x05),
    }],
  },
  {
    name: "RFC 3640 §3.2.2 several AUs with AU-Index-delta 0 in one packet",
    accessUnits: [bytes(1, 2), bytes(3), bytes(4, 5, 6)],
    packets: [{
      timestamp: 1000,
      marker: true,
      payload: bytes(0x00, 0x30, 0x00, 0x10, 0x00, 0x08, 0x00, 0x18, 1, 2, 3, 4, 5, 6),
    }],
  },
  {
    name: "RFC 3640 §3.2.3 a fragmented AU carries its full size in every fragment",
    accessUnits: [big],
    packets: [
      {
        timestamp: 1000,
        marker: false,
        payload: bytes(0x00, 0x10, 0x5d, 0xc0, big.subarray(0, 1456)),
      },
      {
        timestamp: 1000,
        marker: false,
        payload: bytes(0x00, 0x10, 0x5d, 0xc0, big.subarray(1456, 2912)),
      },
      { timestamp: 1000, marker: true, payload: bytes(0x00, 0x10, 0x5d, 0xc0, big.subarray(2912)) },
    ],
  },
  {
    name: "AUs that do not fit together go in packets with advancing timestamps",
    maxPacketSize: 12 + 10,
    accessUnits: [bytes(1, 2, 3), bytes(4, 5, 6), bytes(7)],
    packets: [
      { timestamp: 1000, marker: true, payload: bytes(0x00, 0x10, 0x00, 0x18, 1, 2, 3) },
      {
        timestamp: 2024,
        marker: true,
        payload: bytes(0x00, 0x20, 0x00, 0x18, 0x00, 0x08, 4, 5, 6, 7),
      },
    ],
  },
];
