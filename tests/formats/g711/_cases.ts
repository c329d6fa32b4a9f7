/** One case table for the G.711 packetizer and depacketizer tests (RFC 3551 §4.5.14). */
export interface G711Case {
  name: string;
  maxPacketSize?: number;
  channelCount?: number;
  samples: Uint8Array;
  packets: [number, Uint8Array][];
}

const s = Uint8Array.from({ length: 400 }, (_, i) => i & 0xff);

export const G711_CASES: G711Case[] = [
  {
    name: "20 ms of mono in one packet",
    samples: s.subarray(0, 160),
    packets: [[8000, s.subarray(0, 160)]],
  },
  {
    name: "a split at maxPacketSize with timestamps advancing by samples",
    maxPacketSize: 12 + 160,
    samples: s,
    packets: [[8000, s.subarray(0, 160)], [8160, s.subarray(160, 320)], [8320, s.subarray(320)]],
  },
  {
    name: "stereo splits on whole sample frames",
    maxPacketSize: 12 + 5,
    channelCount: 2,
    samples: s.subarray(0, 10),
    packets: [[8000, s.subarray(0, 4)], [8002, s.subarray(4, 8)], [8004, s.subarray(8, 10)]],
  },
];
