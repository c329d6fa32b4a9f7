import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Ac3Packetizer } from "../../../src/formats/ac3/ac3_packetizer.ts";
import { Ac3Depacketizer } from "../../../src/formats/ac3/ac3_depacketizer.ts";
import { FRAMES_44K, FRAMES_48K, smallFrame } from "./_frames.ts";

interface PacketizeCase {
  name: string;
  frames: Uint8Array[];
  maxPacketSize?: number;
  /** Per packet: FT, NF, payload bytes after the header, marker, timestamp offset. */
  packets: [ft: number, nf: number, bytes: number, marker: boolean, ts: number][];
}

const CASES: PacketizeCase[] = [
  {
    name:
      "RFC 4184 §4.2 three 384-byte frames fit in 1458 bytes, the fourth goes in a second packet",
    frames: FRAMES_48K,
    packets: [[0, 3, 1152, true, 0], [0, 1, 384, true, 3 * 1536]],
  },
  {
    name: "RFC 4184 §4.2 one frame per packet when two do not fit",
    frames: FRAMES_48K.slice(0, 2),
    maxPacketSize: 12 + 2 + 700,
    packets: [[0, 1, 384, true, 0], [0, 1, 384, true, 1536]],
  },
  {
    name: "RFC 4184 §4.2 FT 1: the first fragment holds the first 5/8 (240 of 384 bytes)",
    frames: FRAMES_48K.slice(0, 1),
    maxPacketSize: 12 + 2 + 240,
    packets: [[1, 2, 240, false, 0], [3, 2, 144, true, 0]],
  },
  {
    name: "RFC 4184 §4.2 FT 2: the first fragment is shorter than 5/8 of the frame",
    frames: FRAMES_48K.slice(0, 1),
    maxPacketSize: 12 + 2 + 239,
    packets: [[2, 2, 239, false, 0], [3, 2, 145, true, 0]],
  },
  {
    name: "RFC 4184 §4.2 FT 2 then two FT 3, all with the frame's timestamp, marker on the last",
    frames: FRAMES_48K.slice(0, 2),
    maxPacketSize: 12 + 2 + 150,
    packets: [
      [2, 3, 150, false, 0],
      [3, 3, 150, false, 0],
      [3, 3, 84, true, 0],
      [2, 3, 150, false, 1536],
      [3, 3, 150, false, 1536],
      [3, 3, 84, true, 1536],
    ],
  },
  {
    name: "44.1 kHz frames of 138 and 140 bytes, three to a packet",
    frames: FRAMES_44K,
    maxPacketSize: 12 + 2 + 420,
    packets: [[0, 3, 418, true, 0], [0, 2, 278, true, 3 * 1536]],
  },
];

describe("Ac3Packetizer", () => {
  for (const c of CASES) {
    it(`packetize() encodes: ${c.name}`, () => {
      const p = new Ac3Packetizer({
        payloadType: 96,
        initialSequenceNumber: 1,
        maxPacketSize: c.maxPacketSize,
      });
      const packets = p.packetize(c.frames, 1000);
      assert.deepEqual(
        packets.map((
          x,
        ) => [x.payload[0], x.payload[1], x.payload.byteLength - 2, x.marker, x.timestamp - 1000]),
        c.packets,
      );
      assert.deepEqual(packets.map((x) => x.sequenceNumber), packets.map((_, i) => 1 + i));
      // The data after the headers is the frames, in order.
      const data = packets.flatMap((x) => [...x.payload.subarray(2)]);
      assert.deepEqual(data, c.frames.flatMap((f) => [...f]));
    });

    it(`depacketize() gives the frames back: ${c.name}`, () => {
      const p = new Ac3Packetizer({ payloadType: 96, maxPacketSize: c.maxPacketSize });
      const d = new Ac3Depacketizer();
      const out = p.packetize(c.frames, 0xffff_f000).flatMap((x) => d.depacketize(x));
      assert.deepEqual(
        out,
        c.frames.map((frame, i) => ({ timestamp: (0xffff_f000 + i * 1536) >>> 0, frame })),
      );
      assert.equal(d.droppedFrames + d.invalidPackets, 0);
    });
  }

  it("packetize() puts at most 255 frames in a packet (NF is 8 bits)", () => {
    const frames = Array.from({ length: 300 }, () => smallFrame(1));
    const p = new Ac3Packetizer({ payloadType: 96, maxPacketSize: 12 + 2 + 300 * 128 });
    assert.deepEqual(p.packetize(frames, 0).map((x) => x.payload[1]), [255, 45]);
  });

  it("packetize() refuses what is not a whole sync frame, or needs over 255 fragments", () => {
    const p = new Ac3Packetizer({ payloadType: 96 });
    assert.throws(() => p.packetize([new Uint8Array(128)], 0), RangeError);
    assert.throws(() => p.packetize([smallFrame(1).subarray(0, 127)], 0), RangeError);
    const tiny = new Ac3Packetizer({ payloadType: 96, maxPacketSize: 12 + 2 + 1 });
    assert.throws(() => tiny.packetize([FRAMES_48K[0]!], 0), RangeError);
    assert.throws(() => new Ac3Packetizer({ payloadType: 96, maxPacketSize: 14 }), RangeError);
  });
});
