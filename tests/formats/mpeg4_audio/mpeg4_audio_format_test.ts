import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Mpeg4AudioFormat } from "../../../src/formats/mpeg4_audio/mpeg4_audio_format.ts";
import { formatFromSdp } from "../../../src/formats/format.ts";
import { ParseError } from "../../../src/errors.ts";

describe("mpeg4_audio_format", () => {
  it("reads an RFC 3640 §4.1 AAC-hbr fmtp as ffmpeg writes it", () => {
    const format = formatFromSdp(97, "MPEG4-GENERIC/44100/2", {
      "profile-level-id": "1",
      mode: "AAC-hbr",
      sizelength: "13",
      indexlength: "3",
      indexdeltalength: "3",
      config: "1210",
    }, "audio");
    assert.ok(format instanceof Mpeg4AudioFormat);
    assert.equal(format.clockRate, 44100);
    assert.equal(format.channelCount, 2);
    assert.deepEqual(format.config, new Uint8Array([0x12, 0x10]));
    assert.equal(format.sizeLength, 13);
    assert.equal(format.indexLength, 3);
    assert.equal(format.indexDeltaLength, 3);
    assert.equal(format.rtpMap(), "mpeg4-generic/44100/2");
  });

  it("round-trips rtpmap/fmtp through formatFromSdp()", () => {
    const format = new Mpeg4AudioFormat({
      payloadType: 96,
      clockRate: 48000,
      channelCount: 2,
      config: new Uint8Array([0x11, 0x90]),
    });
    assert.deepEqual(format.fmtp(), {
      "profile-level-id": "1",
      mode: "AAC-hbr",
      streamtype: "5",
      config: "1190",
      sizelength: "13",
      indexlength: "3",
      indexdeltalength: "3",
    });
    const back = formatFromSdp(96, format.rtpMap(), format.fmtp(), "audio");
    assert.ok(back instanceof Mpeg4AudioFormat);
    assert.equal(back.rtpMap(), format.rtpMap());
    assert.deepEqual(back.fmtp(), format.fmtp());
  });

  it("rejects another mode, a missing config and a missing sizelength", () => {
    const base = { mode: "AAC-hbr", config: "1190", sizelength: "13" };
    assert.throws(
      () => formatFromSdp(96, "mpeg4-generic/48000", { ...base, mode: "CELP-cbr" }, "audio"),
      ParseError,
    );
    assert.throws(
      () => formatFromSdp(96, "mpeg4-generic/48000", { ...base, config: "" }, "audio"),
      ParseError,
    );
    assert.throws(
      () => formatFromSdp(96, "mpeg4-generic/48000", { ...base, config: "zz" }, "audio"),
      ParseError,
    );
    assert.throws(
      () => formatFromSdp(96, "mpeg4-generic/48000", { mode: "AAC-hbr", config: "1190" }, "audio"),
      ParseError,
    );
  });

  it("ptsEqualsDts() is always true", () => {
    const format = new Mpeg4AudioFormat({ clockRate: 8000, config: new Uint8Array([0x15, 0x88]) });
    assert.equal(
      format.ptsEqualsDts({
        marker: true,
        payloadType: 96,
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
