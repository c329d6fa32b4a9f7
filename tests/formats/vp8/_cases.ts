/** One case table for the VP8 packetizer and depacketizer tests (RFC 7741 §4.2). */
export interface Vp8Case {
  name: string;
  maxPacketSize?: number;
  frame: Uint8Array;
  payloads: Uint8Array[];
}

const frame = Uint8Array.from({ length: 3000 }, (_, i) => i & 0xff);

function withHeader(header: number, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + data.byteLength);
  out[0] = header;
  out.set(data, 1);
  return out;
}

export const VP8_CASES: Vp8Case[] = [
  {
    name: "RFC 7741 §4.2 a frame in one packet with S=1, PID=0",
    frame: frame.subarray(0, 100),
    payloads: [withHeader(0x10, frame.subarray(0, 100))],
  },
  {
    name: "RFC 7741 §4.2 a frame split in three packets, S only on the first",
    frame,
    payloads: [
      withHeader(0x10, frame.subarray(0, 1459)),
      withHeader(0x00, frame.subarray(1459, 2918)),
      withHeader(0x00, frame.subarray(2918)),
    ],
  },
];
