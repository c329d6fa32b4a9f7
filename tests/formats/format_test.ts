import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { formatFromSdp } from "../../src/formats/format.ts";
import { GenericFormat } from "../../src/formats/generic/generic_format.ts";
import { H264Format } from "../../src/formats/h264/h264_format.ts";
import { ParseError } from "../../src/errors.ts";

describe("format", () => {
  // SPEC §1.8, RFC 3551 §6 tables 4 and 5.
  const staticRates: [number, number][] = [
    [0, 8000],
    [3, 8000],
    [4, 8000],
    [5, 8000],
    [6, 16000],
    [7, 8000],
    [8, 8000],
    [9, 8000],
    [10, 44100],
    [11, 44100],
    [12, 8000],
    [13, 8000],
    [14, 90000],
    [15, 8000],
    [16, 11025],
    [17, 22050],
    [18, 8000],
    [25, 90000],
    [26, 90000],
    [28, 90000],
    [31, 90000],
    [32, 90000],
    [33, 90000],
    [34, 90000],
  ];
  for (const [pt, rate] of staticRates) {
    it(`formatFromSdp() gives static payload type ${pt} clock rate ${rate}`, () => {
      assert.equal(
        formatFromSdp(pt, undefined, undefined, pt < 24 ? "audio" : "video").clockRate,
        rate,
      );
    });
  }

  it("formatFromSdp() takes the clock rate of dynamic types from the rtpmap", () => {
    const format = formatFromSdp(100, "x-custom/12345/1", { a: "b" }, "audio");
    assert.ok(format instanceof GenericFormat);
    assert.equal(format.clockRate, 12345);
    assert.equal(format.rtpMap(), "x-custom/12345/1");
  });

  it("formatFromSdp() rejects a dynamic type without clock rate unless the media is application", () => {
    assert.throws(() => formatFromSdp(96, undefined, undefined, "video"), (e) => {
      return e instanceof ParseError && e.code === "SDP_NO_CLOCK_RATE" && e.status === 400;
    });
    assert.throws(() => formatFromSdp(96, "H264", undefined, "video"), ParseError);
    const app = formatFromSdp(107, undefined, undefined, "application");
    assert.equal(app.clockRate, 0);
  });

  it("formatFromSdp() rejects malformed rtpmaps and payload types", () => {
    assert.throws(() => formatFromSdp(96, "H264/abc", undefined, "video"), ParseError);
    assert.throws(() => formatFromSdp(96, "H264/0", undefined, "video"), ParseError);
    assert.throws(() => formatFromSdp(96, "/90000", undefined, "video"), ParseError);
    assert.throws(() => formatFromSdp(128, "H264/90000", undefined, "video"), ParseError);
    assert.throws(() => formatFromSdp(-1, "H264/90000", undefined, "video"), ParseError);
  });

  it("formatFromSdp() matches codec names and fmtp keys case-insensitively", () => {
    const format = formatFromSdp(96, "h264/90000", { "Packetization-Mode": "1" }, "video");
    assert.ok(format instanceof H264Format);
    assert.equal(format.packetizationMode, 1);
  });
});
