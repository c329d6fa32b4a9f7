import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Vp9Format } from "../../../src/formats/vp9/vp9_format.ts";
import { formatFromSdp } from "../../../src/formats/format.ts";
import { ParseError } from "../../../src/errors.ts";

const FMTP: Record<string, string> = { "max-fr": "30", "max-fs": "3600", "profile-id": "2" };

describe("vp9_format", () => {
  it("writes VP9/90000 and its parameters", () => {
    const format = new Vp9Format({ payloadType: 98, ...{ maxFr: 30, maxFs: 3600, profileId: 2 } });
    assert.equal(format.rtpMap(), "VP9/90000");
    assert.equal(format.clockRate, 90000);
    assert.deepEqual(format.fmtp(), FMTP);
    assert.equal(new Vp9Format().fmtp(), undefined);
  });

  it("round-trips rtpmap/fmtp through formatFromSdp()", () => {
    const format = new Vp9Format({ payloadType: 98, ...{ maxFr: 30, maxFs: 3600, profileId: 2 } });
    const back = formatFromSdp(98, format.rtpMap(), format.fmtp(), "video");
    assert.ok(back instanceof Vp9Format);
    assert.deepEqual(back, format);
    assert.ok(formatFromSdp(98, "VP9/90000", undefined, "video") instanceof Vp9Format);
  });

  it("rejects a non-numeric parameter", () => {
    for (const key of Object.keys(FMTP)) {
      assert.throws(() => Vp9Format.fromSdp(98, { [key]: "x" }), ParseError);
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
    assert.equal(new Vp9Format().ptsEqualsDts(pkt), true);
  });
});
