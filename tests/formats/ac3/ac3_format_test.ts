import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Ac3Format } from "../../../src/formats/ac3/ac3_format.ts";
import { formatFromSdp } from "../../../src/formats/format.ts";
import { rtpPacketAt } from "../_rtp.ts";

describe("ac3_format", () => {
  const rtpMaps: [string, string, number, number | undefined][] = [
    ["RFC 4184 §4.1.3 48 kHz 5.1", "AC3/48000/6", 48000, 6],
    ["44.1 kHz stereo", "AC3/44100/2", 44100, 2],
    ["32 kHz, no channel count", "AC3/32000", 32000, undefined],
  ];
  for (const [name, rtpMap, rate, channels] of rtpMaps) {
    it(`round-trips rtpmap through formatFromSdp(): ${name}`, () => {
      const format = formatFromSdp(97, rtpMap, undefined, "audio");
      assert.ok(format instanceof Ac3Format);
      assert.equal(format.codec, "AC3");
      assert.equal(format.clockRate, rate);
      assert.equal(format.channelCount, channels);
      assert.equal(format.rtpMap(), rtpMap);
      assert.equal(format.fmtp(), undefined);
      assert.deepEqual(formatFromSdp(97, format.rtpMap(), format.fmtp(), "audio"), format);
    });
  }

  it("defaults to payload type 96 at 48 kHz, and recognises the name in any case", () => {
    const format = new Ac3Format();
    assert.equal(format.payloadType, 96);
    assert.equal(format.rtpMap(), "AC3/48000");
    assert.ok(formatFromSdp(96, "ac3/48000", undefined, "audio") instanceof Ac3Format);
  });

  it("ptsEqualsDts() is always true", () => {
    assert.equal(new Ac3Format().ptsEqualsDts(rtpPacketAt(0, 0, true, [0, 1])), true);
  });
});
