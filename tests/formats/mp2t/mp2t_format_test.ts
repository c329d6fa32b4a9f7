import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Mp2tFormat } from "../../../src/formats/mp2t/mp2t_format.ts";
import { formatFromSdp } from "../../../src/formats/format.ts";

describe("Mp2tFormat", () => {
  it("writes MP2T/90000 with static payload type 33 and no fmtp (RFC 3551 §6)", () => {
    const format = new Mp2tFormat();
    assert.deepEqual(
      [format.codec, format.payloadType, format.clockRate, format.rtpMap(), format.fmtp()],
      ["MP2T", 33, 90000, "MP2T/90000", undefined],
    );
  });

  it("round-trips rtpmap/fmtp through formatFromSdp()", () => {
    for (const payloadType of [33, 96]) {
      const format = new Mp2tFormat({ payloadType });
      const back = formatFromSdp(payloadType, format.rtpMap(), format.fmtp(), "video");
      assert.ok(back instanceof Mp2tFormat);
      assert.deepEqual([back.payloadType, back.clockRate, back.rtpMap(), back.fmtp()], [
        payloadType,
        90000,
        "MP2T/90000",
        undefined,
      ]);
    }
  });

  it("formatFromSdp() knows static payload type 33 without an rtpmap, and lower-case mp2t", () => {
    assert.ok(formatFromSdp(33, undefined, undefined, "video") instanceof Mp2tFormat);
    assert.ok(formatFromSdp(97, "mp2t/90000", undefined, "video") instanceof Mp2tFormat);
  });
});
