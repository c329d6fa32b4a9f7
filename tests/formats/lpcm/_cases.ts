/** One case table for the LPCM packetizer and depacketizer tests (RFC 3551 §4.5.11, RFC 3190 §4). */
export interface LpcmCase {
  name: string;
  bitDepth: 8 | 16 | 24;
  channelCount: number;
  maxPacketSize: number;
  samples: Uint8Array;
  packets: [number, Uint8Array][];
}

const s = Uint8Array.from({ length: 48 }, (_, i) => i);

export const LPCM_CASES: LpcmCase[] = [
  {
    name: "L16 stereo splits on 4-byte frames",
    bitDepth: 16,
    channelCount: 2,
    maxPacketSize: 12 + 10,
    samples: s.subarray(0, 12),
    packets: [[100, s.subarray(0, 8)], [102, s.subarray(8, 12)]],
  },
  {
    name: "L24 mono splits on 3-byte frames",
    bitDepth: 24,
    channelCount: 1,
    maxPacketSize: 12 + 10,
    samples: s.subarray(0, 15),
    packets: [[100, s.subarray(0, 9)], [103, s.subarray(9, 15)]],
  },
  {
    name: "L8 mono in one packet",
    bitDepth: 8,
    channelCount: 1,
    maxPacketSize: 1472,
    samples: s,
    packets: [[100, s]],
  },
];
