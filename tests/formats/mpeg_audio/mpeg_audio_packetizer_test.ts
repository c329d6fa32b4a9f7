import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { MpegAudioPacketizer } from "../../../src/formats/mpeg_audio/mpeg_audio_packetizer.ts";
import { MPEG_AUDIO_CASES } from "./_cases.ts";
import { frameOf } from "./_frames.ts";

describe("MpegAudioPacketizer", () => {
  for (const c of MPEG_AUDIO_CASES) {
    it(`packetize() encodes: ${c.name}`, () => {
      const p = new MpegAudioPacketizer({
        ssrc: 5,
        initialSequenceNumber: 65535,
        maxPacketSize: c.maxPacketSize,
      });
      const packets = p.packetize(c.frames, 90000);
      assert.deepEqual(
        packets.map((x) => ({ timestamp: x.timestamp, payload: x.payload })),
        c.packets,
      );
      assert.deepEqual(
        packets.map((x) => [x.payloadType, x.ssrc, x.sequenceNumber, x.marker]),
        packets.map((_, i) => [14, 5, (65535 + i) & 0xffff, false]),
      );
      assert.equal(p.sequenceNumber, (65535 + packets.length) & 0xffff);
    });
  }

  it("packetize() throws TypeError for a frame without a valid header", () => {
    const p = new MpegAudioPacketizer();
    assert.throws(() => p.packetize([new Uint8Array(100)], 0), TypeError);
    assert.throws(() => p.packetize([new Uint8Array([0xff, 0xfb])], 0), TypeError);
  });

  it("packetize() throws RangeError for a frame of another length than its header's", () => {
    const p = new MpegAudioPacketizer();
    assert.throws(() => p.packetize([frameOf([0xff, 0xf3, 0x40, 0xc4], 103)], 0), RangeError);
    assert.throws(() => p.packetize([frameOf([0xff, 0xf3, 0x40, 0xc4], 105)], 0), RangeError);
  });

  it("packetize() sends a free-format frame alone, and refuses one larger than a payload", () => {
    const free = frameOf([0xff, 0xfb, 0x00, 0x00], 200);
    const small = frameOf([0xff, 0xf3, 0x40, 0xc4], 104);
    const p = new MpegAudioPacketizer({ maxPacketSize: 12 + 4 + 300 });
    const packets = p.packetize([small, free, small], 0);
    assert.deepEqual(packets.map((x) => x.payload.byteLength), [4 + 104, 4 + 200, 4 + 104]);
    assert.throws(() => p.packetize([frameOf([0xff, 0xfb, 0x00, 0x00], 301)], 0), RangeError);
  });

  it("refuses a maxPacketSize that cannot hold the two headers", () => {
    assert.throws(() => new MpegAudioPacketizer({ maxPacketSize: 12 + 7 }), RangeError);
    new MpegAudioPacketizer({ maxPacketSize: 12 + 8 });
  });
});
