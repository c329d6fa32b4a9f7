import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Mpeg4VideoPacketizer } from "../../../src/formats/mpeg4_video/mpeg4_video_packetizer.ts";
import { Mpeg4VideoDepacketizer } from "../../../src/formats/mpeg4_video/mpeg4_video_depacketizer.ts";
import { assertPacketized } from "../_rtp.ts";
import { MPEG4_VIDEO_CASES } from "./_cases.ts";

describe("Mpeg4VideoPacketizer", () => {
  for (const c of MPEG4_VIDEO_CASES) {
    it(`packetize() encodes: ${c.name}`, () => {
      const p = new Mpeg4VideoPacketizer({
        payloadType: 96,
        initialSequenceNumber: 1,
        maxPacketSize: c.maxPacketSize,
      });
      const packets = p.packetize(c.frame, 90);
      assertPacketized(packets, c.payloads);
      assert.ok(packets.every((x) => x.timestamp === 90 && x.payloadType === 96));
    });
  }

  it("packetize() then depacketize() gives every frame back, for several packet sizes", () => {
    for (const maxPacketSize of [13, 14, 100, 1472]) {
      const p = new Mpeg4VideoPacketizer({ payloadType: 96, maxPacketSize });
      const d = new Mpeg4VideoDepacketizer();
      const frames = MPEG4_VIDEO_CASES.map((c) => c.frame);
      const out = frames.flatMap((f, i) =>
        p.packetize(f, 3600 * i).flatMap((x) => d.depacketize(x))
      );
      assert.deepEqual(out, frames.map((frame, i) => ({ timestamp: 3600 * i, frame })));
    }
  });

  it("numbers packets on across frames and wraps the sequence number", () => {
    const p = new Mpeg4VideoPacketizer({ payloadType: 96, initialSequenceNumber: 0xffff, ssrc: 7 });
    const a = p.packetize(new Uint8Array(2000), 0);
    const b = p.packetize(new Uint8Array(10), 3600);
    assert.deepEqual([...a, ...b].map((x) => x.sequenceNumber), [0xffff, 0, 1]);
    assert.equal(p.sequenceNumber, 2);
    assert.equal(p.ssrc, 7);
  });

  it("refuses an empty frame and a packet size with no room for data", () => {
    const p = new Mpeg4VideoPacketizer({ payloadType: 96 });
    assert.throws(() => p.packetize(new Uint8Array(0), 0), RangeError);
    assert.throws(
      () => new Mpeg4VideoPacketizer({ payloadType: 96, maxPacketSize: 12 }),
      RangeError,
    );
  });
});
