import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ParseError } from "../../src/errors.ts";
import { formatRange, parseRange } from "../../src/rtsp/range.ts";
import { fuzzText } from "./_helpers.ts";

describe("range", () => {
  const cases: [string, { startSeconds?: number; endSeconds?: number }][] = [
    ["npt=0.000-", { startSeconds: 0 }], // ffmpeg
    ["npt=0-", { startSeconds: 0 }], // GStreamer, RFC 2326 §14.2
    ["npt=now-", {}],
    ["npt=-20", { endSeconds: 20 }],
    ["npt=10-20.5", { startSeconds: 10, endSeconds: 20.5 }],
    ["npt=1:02:03.5-", { startSeconds: 3723.5 }],
    ["npt=0:00:00-0:10:00", { startSeconds: 0, endSeconds: 600 }],
    ["NPT = 5 - 6 ;time=19970123T143720Z", { startSeconds: 5, endSeconds: 6 }],
  ];
  for (const [value, expected] of cases) {
    it(`parseRange() parses "${value}"`, () => {
      assert.deepEqual(parseRange(value), expected);
    });
  }
  it("formatRange() writes milliseconds and round-trips", () => {
    const table: [{ startSeconds?: number; endSeconds?: number }, string][] = [
      [{ startSeconds: 0 }, "npt=0.000-"],
      [{}, "npt=0.000-"],
      [{ startSeconds: 1.5, endSeconds: 10 }, "npt=1.500-10.000"],
      [{ endSeconds: 20 }, "npt=-20.000"],
    ];
    for (const [range, text] of table) {
      assert.equal(formatRange(range), text);
      assert.deepEqual(
        parseRange(text),
        range.startSeconds === undefined && range.endSeconds === undefined
          ? { startSeconds: 0 }
          : range,
      );
    }
    assert.throws(() => formatRange({ startSeconds: -1 }), RangeError);
    assert.throws(() => formatRange({ endSeconds: Infinity }), RangeError);
  });
  for (
    const value of [
      "",
      "npt",
      "npt=",
      "npt=-",
      "npt=abc-",
      "npt=1:99:00-",
      "smpte=0:10:00-",
      "clock=19961110T1925-",
      "npt=5",
    ]
  ) {
    it(`parseRange() throws ParseError on "${value}"`, () => {
      assert.throws(
        () => parseRange(value),
        (e) => e instanceof ParseError && e.code === "INVALID_RANGE",
      );
    });
  }
  it("parseRange() only throws ParseError on 2000 random inputs", () => {
    fuzzText(5, "npt=0123456789.:-now;", (t) => parseRange(t));
  });
});
