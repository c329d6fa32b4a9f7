import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Av1Format } from "../../../src/formats/av1/av1_format.ts";
import { formatFromSdp } from "../../../src/formats/format.ts";
import { ParseError } from "../../../src/errors.ts";

const FMTP: Record<string, string> = { "level-idx": "8", profile: "0", tier: "1" };

describe("av1_format", () => {
  it("writes AV1/90000 and its parameters", () => {
    const format = new Av1Format({ payloadType: 98, ...{ levelIdx: 8, profile: 0, tier: 1 } });
    assert.equal(format.rtpMap(), "AV1/90000");
    assert.equal(format.clockRate, 90000);
    assert.deepEqual(format.fmtp(), FMTP);
    assert.equal(new Av1Format().fmtp(), undefined);
  });

  it("round-trips rtpmap/fmtp through formatFromSdp()", () => {
    const format = new Av1Format({ payloadType: 98, ...{ levelIdx: 8, profile: 0, tier: 1 } });
    const back = formatFromSdp(98, format.rtpMap(), format.fmtp(), "video");
    assert.ok(back instanceof Av1Format);
    assert.deepEqual(back, format);
    assert.ok(formatFromSdp(98, "AV1/90000", undefined, "video") instanceof Av1Format);
  });

  it("rejects a non-numeric parameter", () => {
    for (const key of Object.keys(FMTP)) {
      assert.throws(() => Av1Format.fromSdp(98, { [key]: "x" }), ParseError);
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
    assert.equal(new Av1Format().ptsEqualsDts(pkt), true);
  });
});
