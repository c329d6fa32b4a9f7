import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { MpegVideoFormat } from "../../../src/formats/mpeg_video/mpeg_video_format.ts";
import { formatFromSdp } from "../../../src/formats/format.ts";
import { rtpPacketAt } from "../_rtp.ts";

describe("MpegVideoFormat", () => {
  it("formatFromSdp() maps static payload type 32 and MPV/90000 to it", () => {
    for (const [pt, rtpMap] of [[32, undefined], [32, "MPV/90000"], [98, "MPV/90000"]] as const) {
      const format = formatFromSdp(pt, rtpMap, undefined, "video");
      assert.ok(format instanceof MpegVideoFormat, `${pt} ${rtpMap}`);
      assert.equal(format.payloadType, pt);
      assert.equal(format.clockRate, 90000);
      assert.equal(format.codec, "MPV");
    }
  });

  it("round-trips rtpmap/fmtp through formatFromSdp()", () => {
    const format = new MpegVideoFormat();
    assert.equal(format.rtpMap(), "MPV/90000");
    assert.equal(format.fmtp(), undefined);
    const back = formatFromSdp(format.payloadType, format.rtpMap(), format.fmtp(), "video");
    assert.ok(back instanceof MpegVideoFormat);
    assert.equal(back.rtpMap(), format.rtpMap());
  });

  it("ptsEqualsDts() is true for an I picture or a sequence header only", () => {
    const format = new MpegVideoFormat();
    const of = (b2: number) =>
      format.ptsEqualsDts(rtpPacketAt(0, 0, true, [0, 0, b2, 0, 0, 0, 1, 1]));
    assert.deepEqual([of(0x01), of(0x22), of(0x02), of(0x03), of(0x11)], [
      true,
      true,
      false,
      false,
      true,
    ]);
    assert.equal(format.ptsEqualsDts(rtpPacketAt(0, 0, true, [0, 0])), false);
  });
});
