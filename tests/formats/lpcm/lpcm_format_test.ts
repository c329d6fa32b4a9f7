import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { LpcmFormat } from "../../../src/formats/lpcm/lpcm_format.ts";
import { formatFromSdp } from "../../../src/formats/format.ts";

describe("lpcm_format", () => {
  it("uses static payload types 10 and 11 for L16 at 44100 Hz (RFC 3551 §6)", () => {
    assert.equal(
      new LpcmFormat({ bitDepth: 16, sampleRate: 44100, channelCount: 2 }).payloadType,
      10,
    );
    assert.equal(new LpcmFormat({ bitDepth: 16, sampleRate: 44100 }).payloadType, 11);
    assert.equal(new LpcmFormat({ bitDepth: 24, sampleRate: 48000 }).payloadType, 96);
    const ten = formatFromSdp(10, undefined, undefined, "audio");
    assert.ok(ten instanceof LpcmFormat);
    assert.equal(ten.channelCount, 2);
    assert.equal(ten.clockRate, 44100);
  });

  it("round-trips rtpmap through formatFromSdp() for L8, L16 and L24", () => {
    for (const bitDepth of [8, 16, 24] as const) {
      const format = new LpcmFormat({
        bitDepth,
        sampleRate: 48000,
        channelCount: 2,
        payloadType: 97,
      });
      assert.equal(format.rtpMap(), `L${bitDepth}/48000/2`);
      const back = formatFromSdp(97, format.rtpMap(), format.fmtp(), "audio");
      assert.ok(back instanceof LpcmFormat);
      assert.equal(back.bitDepth, bitDepth);
      assert.equal(back.clockRate, 48000);
      assert.equal(back.channelCount, 2);
      assert.equal(back.rtpMap(), format.rtpMap());
    }
  });
});
