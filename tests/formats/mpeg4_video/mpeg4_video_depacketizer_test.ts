import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Mpeg4VideoDepacketizer } from "../../../src/formats/mpeg4_video/mpeg4_video_depacketizer.ts";
import { rtpPacket, rtpPacketAt } from "../_rtp.ts";
import { itReorders } from "../_reordering.ts";
import { MPEG4_VIDEO_CASES } from "./_cases.ts";

describe("Mpeg4VideoDepacketizer", () => {
  for (const c of MPEG4_VIDEO_CASES) {
    it(`depacketize() decodes: ${c.name}`, () => {
      const d = new Mpeg4VideoDepacketizer();
      const out = c.payloads.flatMap((p, i) =>
        d.depacketize(rtpPacket(i, i === c.payloads.length - 1, p))
      );
      assert.deepEqual(out, [{ timestamp: 90, frame: c.frame }]);
      assert.equal(d.droppedFrames, 0);
    });
  }

  it("depacketize() drops a frame whose timestamp changes before its marker", () => {
    const d = new Mpeg4VideoDepacketizer();
    assert.deepEqual(d.depacketize(rtpPacketAt(0, 0, false, [0, 0, 1, 0xb6, 1])), []);
    assert.deepEqual(d.depacketize(rtpPacketAt(1, 3600, true, [2])), []);
    assert.equal(d.droppedFrames, 1);
  });

  it("depacketize() waits for a start code when the first packet is the middle of a frame", () => {
    const d = new Mpeg4VideoDepacketizer();
    assert.deepEqual(d.depacketize(rtpPacketAt(5, 0, true, [7, 8])), []);
    assert.deepEqual(d.depacketize(rtpPacketAt(6, 3600, true, [0, 0, 1, 0xb6, 9])), [
      { timestamp: 3600, frame: new Uint8Array([0, 0, 1, 0xb6, 9]) },
    ]);
  });

  it("depacketize() ignores an empty payload and a duplicate", () => {
    const d = new Mpeg4VideoDepacketizer();
    const first = rtpPacketAt(0, 0, false, [0, 0, 1, 0xb6]);
    assert.deepEqual(d.depacketize(first), []);
    assert.deepEqual(d.depacketize(first), []);
    assert.deepEqual(d.depacketize(rtpPacketAt(1, 0, true, [1])), [
      { timestamp: 0, frame: new Uint8Array([0, 0, 1, 0xb6, 1]) },
    ]);
    assert.deepEqual(d.depacketize(rtpPacketAt(2, 3600, true, [])), []);
  });

  it("depacketize() drops a frame over maxFrameBytes", () => {
    const d = new Mpeg4VideoDepacketizer({ maxFrameBytes: 6 });
    d.depacketize(rtpPacketAt(0, 0, false, [0, 0, 1, 0xb6]));
    assert.deepEqual(d.depacketize(rtpPacketAt(1, 0, true, [1, 2, 3])), []);
    assert.equal(d.droppedFrames, 1);
  });

  itReorders({
    create: () => new Mpeg4VideoDepacketizer(),
    counts: (d) => ({ dropped: d.droppedFrames, invalid: 0 }),
    // Every frame begins with a VOP start code; the pieces after it have none.
    payload: (i, _count, tag) => i === 0 ? [0, 0, 1, 0xb6, tag] : [tag],
    reset: (d) => d.reset(),
    keepsFrameAfterLoss: true,
  });
});
