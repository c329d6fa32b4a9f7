/** One case table for the Opus packetizer and depacketizer tests (RFC 7587 §4.2). */
export const OPUS_CASES: { name: string; packet: Uint8Array; timestamp: number }[] = [
  { name: "a 20 ms CELT packet", packet: new Uint8Array([0xfc, 0xff, 0xfe]), timestamp: 960 },
  {
    name: "a code 3 packet of 120 ms",
    packet: new Uint8Array([0x0b, 0x86, 1, 2, 3]),
    timestamp: 0xffffffff,
  },
  { name: "a packet filling maxPacketSize", packet: new Uint8Array(1460).fill(0x78), timestamp: 0 },
];
