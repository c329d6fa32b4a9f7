import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { OpusFormat } from "../../../src/formats/opus/opus_format.ts";
import { formatFromSdp } from "../../../src/formats/format.ts";

describe("opus_format", () => {
  it("writes opus/48000/2 and sprop-stereo (RFC 7587 §7)", () => {
    const format = new OpusFormat({ payloadType: 111, isStereo: true });
    assert.equal(format.rtpMap(), "opus/48000/2");
    assert.equal(format.clockRate, 48000);
    assert.deepEqual(format.fmtp(), { "sprop-stereo": "1" });
  });

  it("round-trips rtpmap/fmtp through formatFromSdp()", () => {
    for (const isStereo of [true, false]) {
      const format = new OpusFormat({ payloadType: 97, isStereo });
      const back = formatFromSdp(97, format.rtpMap(), format.fmtp(), "audio");
      assert.ok(back instanceof OpusFormat);
      assert.equal(back.isStereo, isStereo);
      assert.deepEqual(back.fmtp(), format.fmtp());
    }
  });

  it("accepts GStreamer's upper-case OPUS and extra parameters", () => {
    const back = formatFromSdp(97, "OPUS/48000/2", {
      "sprop-maxcapturerate": "48000",
      "sprop-stereo": "0",
    }, "audio");
    assert.ok(back instanceof OpusFormat);
    assert.equal(back.isStereo, false);
  });
});
