import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { G722Packetizer } from "../../../src/formats/g722/g722_packetizer.ts";
import { G722Depacketizer } from "../../../src/formats/g722/g722_depacketizer.ts";

interface G722Case {
  name: string;
  channelCount?: number;
  maxPacketSize?: number;
  bytes: number;
  /** Per packet: timestamp offset and payload bytes. */
  packets: [number, number][];
}

const data = Uint8Array.from({ length: 2000 }, (_, i) => (i * 7) & 0xff);

const CASES: G722Case[] = [
  {
    // 20 ms: 320 samples at 16 kHz, 160 bytes at 64 kbit/s, 160 ticks of the 8 kHz clock.
    name: "RFC 3551 §4.5.2 20 ms in one packet, 160 ticks",
    bytes: 160,
    packets: [[0, 160]],
  },
  {
    name: "RFC 3551 §4.5.2 one tick per byte across packets",
    maxPacketSize: 12 + 160,
    bytes: 400,
    packets: [[0, 160], [160, 160], [320, 80]],
  },
  {
    name: "stereo: one tick per pair of bytes, whole pairs in a packet",
    channelCount: 2,
    maxPacketSize: 12 + 161,
    bytes: 400,
    packets: [[0, 160], [80, 160], [160, 80]],
  },
  {
    name: "the default packet size",
    bytes: 2000,
    packets: [[0, 1460], [1460, 540]],
  },
];

describe("G722Packetizer", () => {
  for (const c of CASES) {
    it(`packetize() encodes: ${c.name}`, () => {
      const p = new G722Packetizer({
        payloadType: 9,
        channelCount: c.channelCount,
        maxPacketSize: c.maxPacketSize,
        initialSequenceNumber: 0xffff,
      });
      const packets = p.packetize(data.subarray(0, c.bytes), 0xffff_ff00);
      assert.deepEqual(
        packets.map((x) => [(x.timestamp - 0xffff_ff00 + 2 ** 32) % 2 ** 32, x.payload.byteLength]),
        c.packets,
      );
      assert.ok(packets.every((x) => !x.marker && x.payloadType === 9));
      assert.deepEqual(
        packets.map((x) => x.sequenceNumber),
        packets.map((_, i) => (0xffff + i) & 0xffff),
      );
      const d = new G722Depacketizer();
      const back = packets.flatMap((x) => d.depacketize(x));
      assert.deepEqual(back.map((x) => x.timestamp), packets.map((x) => x.timestamp));
      assert.deepEqual(back.flatMap((x) => [...x.samples]), [...data.subarray(0, c.bytes)]);
    });
  }

  it("packetize() refuses data that is not whole per channel", () => {
    const p = new G722Packetizer({ payloadType: 9, channelCount: 2 });
    assert.throws(() => p.packetize(new Uint8Array(3), 0), RangeError);
  });

  it("depacketize() returns nothing for an empty payload", () => {
    const out = new G722Depacketizer().depacketize({
      marker: false,
      payloadType: 9,
      sequenceNumber: 0,
      timestamp: 0,
      ssrc: 1,
      csrc: [],
      paddingSize: 0,
      payload: new Uint8Array(0),
    });
    assert.deepEqual(out, []);
  });
});
