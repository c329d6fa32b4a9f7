import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { KlvFormat } from "../../../src/formats/klv/klv_format.ts";
import { formatFromSdp } from "../../../src/formats/format.ts";

describe("KlvFormat", () => {
  it("formatFromSdp() reads smpte336m/<rate> (RFC 6597 §6.1), any case, on application media", () => {
    for (const [rtpMap, rate] of [["smpte336m/90000", 90000], ["SMPTE336M/1000", 1000]] as const) {
      const format = formatFromSdp(97, rtpMap, undefined, "application");
      assert.ok(format instanceof KlvFormat, rtpMap);
      assert.equal(format.clockRate, rate);
      assert.equal(format.payloadType, 97);
      assert.equal(format.codec, "smpte336m");
    }
  });

  it("round-trips rtpmap/fmtp through formatFromSdp()", () => {
    const format = new KlvFormat({ payloadType: 100, clockRate: 48000 });
    assert.equal(format.rtpMap(), "smpte336m/48000");
    assert.equal(format.fmtp(), undefined);
    const back = formatFromSdp(100, format.rtpMap(), format.fmtp(), "application");
    assert.ok(back instanceof KlvFormat);
    assert.equal(back.rtpMap(), format.rtpMap());
    assert.equal(back.ptsEqualsDts({} as never), true);
  });

  it("defaults to payload type 96 and the 90 kHz clock", () => {
    const format = new KlvFormat();
    assert.deepEqual([format.payloadType, format.clockRate], [96, 90000]);
  });
});
