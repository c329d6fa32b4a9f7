import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ParseError } from "../../src/errors.ts";
import { formatRtpInfo, parseRtpInfo, type RtpInfoEntry } from "../../src/rtsp/rtp_info.ts";
import { fuzzText } from "./_helpers.ts";

const CASES: [string, string, RtpInfoEntry[]][] = [
  [
    "one entry (SPEC §2.7)",
    "url=rtsp://srv:8554/cam/trackID=0;seq=1201;rtptime=480300",
    [{ url: "rtsp://srv:8554/cam/trackID=0", sequenceNumber: 1201, rtpTime: 480300 }],
  ],
  [
    "two entries, the second without seq and rtptime (scenario 32)",
    "url=rtsp://h/teststream/trackID=0;seq=557;rtptime=4294967295,url=rtsp://h/teststream/trackID=1",
    [
      { url: "rtsp://h/teststream/trackID=0", sequenceNumber: 557, rtpTime: 4294967295 },
      { url: "rtsp://h/teststream/trackID=1" },
    ],
  ],
  [
    "seq only and rtptime only",
    "url=rtsp://h/s/trackID=0;seq=0,url=rtsp://h/s/trackID=1;rtptime=0",
    [{ url: "rtsp://h/s/trackID=0", sequenceNumber: 0 }, {
      url: "rtsp://h/s/trackID=1",
      rtpTime: 0,
    }],
  ],
];

describe("rtp_info", () => {
  for (const [name, wire, entries] of CASES) {
    it(`parseRtpInfo() and formatRtpInfo() handle ${name}`, () => {
      assert.deepEqual(parseRtpInfo(wire), entries);
      assert.equal(formatRtpInfo(entries), wire);
    });
  }
  it("parseRtpInfo() accepts spaces, folded lines and a comma inside a URL", () => {
    assert.deepEqual(
      parseRtpInfo("url=rtsp://h/a,b/trackID=0; seq=5 ;rtptime=7 , url=rtsp://h/x"),
      [
        { url: "rtsp://h/a,b/trackID=0", sequenceNumber: 5, rtpTime: 7 },
        { url: "rtsp://h/x" },
      ],
    );
  });
  it("parseRtpInfo() rejects the 24-bit seq of the RFC 2326 §14.1 example (RTP seq is 16 bits)", () => {
    assert.throws(
      () =>
        parseRtpInfo("url=rtsp://video.example.com/twister/video; seq=12312232;rtptime=78712811"),
      (e) => e instanceof ParseError && e.code === "INVALID_RTP_INFO",
    );
  });
  it("formatRtpInfo() wraps seq to 16 and rtptime to 32 bits", () => {
    assert.equal(
      formatRtpInfo([{ url: "u", sequenceNumber: 65536 + 3, rtpTime: 2 ** 32 + 9 }]),
      "url=u;seq=3;rtptime=9",
    );
  });
  for (
    const value of [
      "",
      "seq=1",
      "url=;seq=1",
      "url=u;seq=x",
      "url=u;seq=65536",
      "url=u;rtptime=4294967296",
    ]
  ) {
    it(`parseRtpInfo() throws ParseError on "${value}"`, () => {
      assert.throws(
        () => parseRtpInfo(value),
        (e) => e instanceof ParseError && e.code === "INVALID_RTP_INFO",
      );
    });
  }
  it("parseRtpInfo() only throws ParseError on 2000 random inputs", () => {
    fuzzText(4, "url=rtsp:/h;seq=rtptime0129,", (t) => parseRtpInfo(t));
  });
});
