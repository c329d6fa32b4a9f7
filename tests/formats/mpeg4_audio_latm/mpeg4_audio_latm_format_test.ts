import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Mpeg4AudioLatmFormat } from "../../../src/formats/mpeg4_audio_latm/mpeg4_audio_latm_format.ts";
import { formatFromSdp } from "../../../src/formats/format.ts";
import { GenericFormat } from "../../../src/formats/generic/generic_format.ts";
import { ParseError } from "../../../src/errors.ts";

describe("Mpeg4AudioLatmFormat", () => {
  it("formatFromSdp() reads the RFC 6416 §7.3 example", () => {
    const format = formatFromSdp(96, "MP4A-LATM/24000/2", {
      "profile-level-id": "1",
      bitrate: "64000",
      cpresent: "0",
      object: "2",
      config: "400026203fc0",
    }, "audio");
    assert.ok(format instanceof Mpeg4AudioLatmFormat);
    assert.equal(format.codec, "MP4A-LATM");
    assert.equal(format.payloadType, 96);
    assert.equal(format.clockRate, 24000);
    assert.equal(format.channelCount, 2);
    assert.equal(format.profileLevelId, 1);
    assert.equal(format.bitrate, 64000);
    assert.deepEqual(
      [format.config.audioObjectType, format.config.sampleRate, format.config.channelConfiguration],
      [2, 24000, 2],
    );
    assert.equal(format.rtpMap(), "MP4A-LATM/24000/2");
    assert.deepEqual(format.fmtp(), {
      "profile-level-id": "1",
      bitrate: "64000",
      cpresent: "0",
      object: "2",
      config: "400026203fc0",
    });
  });

  it("formatFromSdp() reads ffmpeg's SDP (upper-case keys are lowered first)", () => {
    const format = formatFromSdp(97, "MP4A-LATM/48000/2", {
      "profile-level-id": "41",
      CPRESENT: "0",
      config: "400023203FC0",
    }, "audio");
    assert.ok(format instanceof Mpeg4AudioLatmFormat);
    assert.equal(format.config.sampleRate, 48000);
    assert.equal(format.fmtp().config, "400023203fc0");
  });

  it("round-trips rtpmap/fmtp through formatFromSdp()", () => {
    const format = new Mpeg4AudioLatmFormat({
      payloadType: 101,
      config: { audioObjectType: 2, sampleRate: 44100, channelConfiguration: 1, frameLength: 1024 },
    });
    assert.equal(format.rtpMap(), "MP4A-LATM/44100/1");
    assert.deepEqual(format.fmtp(), {
      "profile-level-id": "30",
      object: "2",
      cpresent: "0",
      config: "400024103fc0",
    });
    const back = formatFromSdp(101, format.rtpMap(), format.fmtp(), "audio");
    assert.ok(back instanceof Mpeg4AudioLatmFormat);
    assert.equal(back.rtpMap(), format.rtpMap());
    assert.deepEqual(back.fmtp(), format.fmtp());
    assert.equal(back.ptsEqualsDts({} as never), true);
  });

  it("formatFromSdp() leaves the config in band (cpresent 1 or absent) to GenericFormat", () => {
    for (
      const fmtp of [undefined, { cpresent: "1" }, {
        object: "2",
      }] as (Record<string, string> | undefined)[]
    ) {
      const format = formatFromSdp(96, "MP4A-LATM/90000", fmtp, "audio");
      assert.ok(format instanceof GenericFormat, JSON.stringify(fmtp));
      assert.equal(format.rtpMap(), "MP4A-LATM/90000");
    }
  });

  it("fromSdp() throws a ParseError on a missing or unreadable config", () => {
    for (
      const fmtp of [
        { cpresent: "0" },
        { cpresent: "0", config: "zz" },
        { cpresent: "0", config: "c00023203fc0" },
        { cpresent: "0", config: "4000" },
        { cpresent: "0", config: "400023203fc0", bitrate: "fast" },
        { cpresent: "1", config: "400023203fc0" },
      ] as Record<string, string>[]
    ) {
      assert.throws(
        () => Mpeg4AudioLatmFormat.fromSdp(96, 48000, 2, fmtp),
        (e: unknown) => e instanceof ParseError && e.code === "SDP_INVALID_FORMAT",
        JSON.stringify(fmtp),
      );
    }
  });
});
