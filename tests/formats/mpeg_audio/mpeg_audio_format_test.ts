import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { MpegAudioFormat } from "../../../src/formats/mpeg_audio/mpeg_audio_format.ts";
import { formatFromSdp } from "../../../src/formats/format.ts";

describe("MpegAudioFormat", () => {
  it("writes MPA/90000 with static payload type 14 and no fmtp (RFC 3551 §6)", () => {
    const format = new MpegAudioFormat();
    assert.deepEqual(
      [format.codec, format.payloadType, format.clockRate, format.rtpMap(), format.fmtp()],
      ["MPA", 14, 90000, "MPA/90000", undefined],
    );
  });

  it("round-trips rtpmap/fmtp through formatFromSdp()", () => {
    for (const payloadType of [14, 97]) {
      const format = new MpegAudioFormat({ payloadType });
      const back = formatFromSdp(payloadType, format.rtpMap(), format.fmtp(), "audio");
      assert.ok(back instanceof MpegAudioFormat);
      assert.deepEqual([back.payloadType, back.clockRate, back.rtpMap(), back.fmtp()], [
        payloadType,
        90000,
        "MPA/90000",
        undefined,
      ]);
    }
  });

  it("formatFromSdp() knows static payload type 14 without an rtpmap, and lower-case mpa", () => {
    assert.ok(formatFromSdp(14, undefined, undefined, "audio") instanceof MpegAudioFormat);
    assert.ok(formatFromSdp(96, "mpa/90000", undefined, "audio") instanceof MpegAudioFormat);
  });

  it("ptsEqualsDts() is always true", () => {
    const format = new MpegAudioFormat();
    assert.equal(
      format.ptsEqualsDts({
        marker: false,
        payloadType: 14,
        sequenceNumber: 0,
        timestamp: 0,
        ssrc: 0,
        csrc: [],
        paddingSize: 0,
        payload: new Uint8Array(0),
      }),
      true,
    );
  });
});
