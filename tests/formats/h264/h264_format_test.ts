import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { H264Format } from "../../../src/formats/h264/h264_format.ts";
import { formatFromSdp } from "../../../src/formats/format.ts";
import type { RtpPacket } from "../../../src/rtp/rtp_packet.ts";
import { ParseError } from "../../../src/errors.ts";

const SPS = new Uint8Array([0x67, 0x64, 0x00, 0x1f, 0xac, 0xd9, 0x40, 0x50]);
const PPS = new Uint8Array([0x68, 0xeb, 0xe3, 0xcb, 0x22, 0xc0]);

function pkt(payload: number[]): RtpPacket {
  return {
    marker: false,
    payloadType: 96,
    sequenceNumber: 0,
    timestamp: 0,
    ssrc: 0,
    csrc: [],
    paddingSize: 0,
    payload: new Uint8Array(payload),
  };
}

describe("h264_format", () => {
  it("fmtp() derives profile-level-id from SPS bytes 1..3 in upper case", () => {
    const format = new H264Format({ payloadType: 96, sps: SPS, pps: PPS });
    assert.equal(format.rtpMap(), "H264/90000");
    assert.equal(format.clockRate, 90000);
    assert.deepEqual(format.fmtp(), {
      "packetization-mode": "1",
      "profile-level-id": "64001F",
      "sprop-parameter-sets": "Z2QAH6zZQFA=,aOvjyyLA",
    });
  });

  it("fmtp() follows SPS/PPS set by the stream", () => {
    const format = new H264Format();
    assert.deepEqual(format.fmtp(), { "packetization-mode": "1" });
    format.sps = SPS;
    format.pps = PPS;
    assert.equal(format.fmtp()?.["sprop-parameter-sets"], "Z2QAH6zZQFA=,aOvjyyLA");
  });

  it("fromSdp() reads packetization-mode, profile-level-id and sprop-parameter-sets (RFC 6184 §8.1)", () => {
    const format = H264Format.fromSdp(97, {
      "packetization-mode": "1",
      "profile-level-id": "64001f",
      "sprop-parameter-sets": "Z2QAH6zZQFA=,aOvjyyLA",
    });
    assert.equal(format.payloadType, 97);
    assert.equal(format.packetizationMode, 1);
    assert.deepEqual(format.sps, SPS);
    assert.deepEqual(format.pps, PPS);
  });

  it("fromSdp() treats a missing packetization-mode as 0", () => {
    assert.equal(H264Format.fromSdp(96, undefined).packetizationMode, 0);
  });

  it("fromSdp() and fmtp() carry sprop-interleaving-depth in packetization mode 2", () => {
    const fmtp = { "packetization-mode": "2", "sprop-interleaving-depth": "4" };
    const format = H264Format.fromSdp(96, fmtp);
    assert.equal(format.packetizationMode, 2);
    assert.equal(format.interleavingDepth, 4);
    assert.deepEqual(format.fmtp(), fmtp);
    assert.deepEqual(new H264Format({ interleavingDepth: 4 }).fmtp(), {
      "packetization-mode": "1",
    });
  });

  it("fromSdp() rejects invalid packetization-mode and base64", () => {
    assert.throws(() => H264Format.fromSdp(96, { "packetization-mode": "x" }), ParseError);
    assert.throws(() => H264Format.fromSdp(96, { "sprop-interleaving-depth": "-1" }), ParseError);
    assert.throws(() => H264Format.fromSdp(96, { "sprop-parameter-sets": "*,*" }), ParseError);
  });

  it("round-trips rtpmap/fmtp through formatFromSdp()", () => {
    const format = new H264Format({ payloadType: 96, sps: SPS, pps: PPS });
    const back = formatFromSdp(96, format.rtpMap(), format.fmtp(), "video");
    assert.ok(back instanceof H264Format);
    assert.deepEqual(back.fmtp(), format.fmtp());
    const noSps = new H264Format({ payloadType: 98, profileLevelId: "42E01F" });
    assert.deepEqual(formatFromSdp(98, noSps.rtpMap(), noSps.fmtp(), "video").fmtp(), noSps.fmtp());
  });

  const cases: [string, number[], boolean][] = [
    ["an IDR single NAL", [0x65, 0x88], true],
    ["an SPS single NAL", [0x67, 0x64], true],
    ["a PPS single NAL", [0x68, 0xeb], true],
    ["a non-IDR slice", [0x41, 0x9a], false],
    ["an SEI", [0x06, 0x05], false],
    [
      "a STAP-A with SPS and PPS (RFC 6184 §5.7.1)",
      [0x78, 0, 2, 0x67, 0x64, 0, 2, 0x68, 0xeb],
      true,
    ],
    ["a STAP-A with SEI then IDR", [0x78, 0, 2, 0x06, 0x05, 0, 2, 0x65, 0x88], true],
    ["a STAP-A with SEI only", [0x78, 0, 2, 0x06, 0x05], false],
    ["a truncated STAP-A", [0x78, 0, 9, 0x65], false],
    ["an FU-A start of an IDR (RFC 6184 §5.8)", [0x7c, 0x85, 0x88], true],
    ["an FU-A middle of an IDR", [0x7c, 0x05, 0x88], false],
    ["an FU-A start of a non-IDR", [0x7c, 0x81, 0x88], false],
    ["an STAP-B with DON then an IDR (RFC 6184 §5.7.1)", [0x79, 0, 7, 0, 2, 0x65, 0x88], true],
    [
      "an MTAP16 with SEI then IDR (§5.7.2)",
      [0x7a, 0, 7, 0, 2, 0, 0, 0, 0x06, 0x05, 0, 2, 1, 0, 0, 0x65, 0x88],
      true,
    ],
    ["an MTAP24 with a P slice", [0x7b, 0, 7, 0, 2, 0, 0, 0, 0, 0x41, 0x88], false],
    ["an MTAP24 with an SPS", [0x7b, 0, 7, 0, 2, 0, 0, 0, 0, 0x67, 0x88], true],
    ["an FU-B start of an IDR (§5.8)", [0x7d, 0x85, 0, 7, 0x88], true],
    ["an empty payload", [], false],
  ];
  for (const [name, payload, expected] of cases) {
    it(`ptsEqualsDts() is ${expected} for ${name}`, () => {
      assert.equal(new H264Format().ptsEqualsDts(pkt(payload)), expected);
    });
  }
});
