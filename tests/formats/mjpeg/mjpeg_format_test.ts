import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { MjpegFormat } from "../../../src/formats/mjpeg/mjpeg_format.ts";
import { formatFromSdp } from "../../../src/formats/format.ts";

describe("mjpeg_format", () => {
  it("uses static payload type 26 at 90000 Hz (RFC 2435, RFC 3551 §6)", () => {
    const format = new MjpegFormat();
    assert.equal(format.payloadType, 26);
    assert.equal(format.clockRate, 90000);
    assert.equal(format.rtpMap(), "JPEG/90000");
    assert.equal(format.fmtp(), undefined);
  });

  it("round-trips through formatFromSdp(), with and without rtpmap", () => {
    assert.ok(formatFromSdp(26, undefined, undefined, "video") instanceof MjpegFormat);
    const back = formatFromSdp(26, "JPEG/90000", undefined, "video");
    assert.ok(back instanceof MjpegFormat);
    assert.equal(back.rtpMap(), "JPEG/90000");
  });
});
