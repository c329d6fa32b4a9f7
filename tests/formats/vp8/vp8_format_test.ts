import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Vp8Format } from "../../../src/formats/vp8/vp8_format.ts";
import { formatFromSdp } from "../../../src/formats/format.ts";
import { ParseError } from "../../../src/errors.ts";

const FMTP: Record<string, string> = { "max-fr": "30", "max-fs": "3600" };

describe("vp8_format", () => {
  it("writes VP8/90000 and its parameters", () => {
    const format = new Vp8Format({ payloadType: 98, ...{ maxFr: 30, maxFs: 3600 } });
    assert.equal(format.rtpMap(), "VP8/90000");
    assert.equal(format.clockRate, 90000);
    assert.deepEqual(format.fmtp(), FMTP);
    assert.equal(new Vp8Format().fmtp(), undefined);
  });

  it("round-trips rtpmap/fmtp through formatFromSdp()", () => {
    const format = new Vp8Format({ payloadType: 98, ...{ maxFr: 30, maxFs: 3600 } });
    const back = formatFromSdp(98, format.rtpMap(), format.fmtp(), "video");
    assert.ok(back instanceof Vp8Format);
    assert.deepEqual(back, format);
    assert.ok(formatFromSdp(98, "VP8/90000", undefined, "video") instanceof Vp8Format);
  });

  it("rejects a non-numeric parameter", () => {
    for (const key of Object.keys(FMTP)) {
      assert.throws(() => Vp8Format.fromSdp(98, { [key]: "x" }), ParseError);
    }
  });

  it("ptsEqualsDts() is always true", () => {
    const pkt = {
      marker: false,
      payloadType: 98,
      sequenceNumber: 0,
      timestamp: 0,
      ssrc: 0,
      csrc: [],
      paddingSize: 0,
      payload: new Uint8Array(1),
    };
    assert.equal(new Vp8Format().ptsEqualsDts(pkt), true);
  });
});
