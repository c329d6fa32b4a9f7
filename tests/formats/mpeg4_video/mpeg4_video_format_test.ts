import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Mpeg4VideoFormat } from "../../../src/formats/mpeg4_video/mpeg4_video_format.ts";
import { formatFromSdp } from "../../../src/formats/format.ts";
import { ParseError } from "../../../src/errors.ts";
import { rtpPacketAt } from "../_rtp.ts";
import { RFC_CONFIG } from "./_cases.ts";

describe("mpeg4_video_format", () => {
  it("reads the SDP example of RFC 6416 §7.3 and writes it back", () => {
    const format = formatFromSdp(98, "MP4V-ES/90000", {
      "profile-level-id": "1",
      config: RFC_CONFIG,
    }, "video");
    assert.ok(format instanceof Mpeg4VideoFormat);
    assert.equal(format.codec, "MP4V-ES");
    assert.equal(format.clockRate, 90000);
    assert.equal(format.profileLevelId, 1);
    assert.equal(format.config?.byteLength, RFC_CONFIG.length / 2);
    assert.deepEqual([...format.config!.subarray(0, 4)], [0x00, 0x00, 0x01, 0xb0]);
    assert.equal(format.rtpMap(), "MP4V-ES/90000");
    assert.deepEqual(format.fmtp(), {
      "profile-level-id": "1",
      config: RFC_CONFIG.toLowerCase(),
    });
  });

  const roundTrips: [string, Mpeg4VideoFormat][] = [
    ["defaults (profile-level-id 1, no config)", new Mpeg4VideoFormat()],
    [
      "Advanced Simple Profile L5 with config",
      new Mpeg4VideoFormat({
        payloadType: 97,
        profileLevelId: 245,
        config: new Uint8Array([0, 0, 1, 0xb0, 0xf5]),
      }),
    ],
    ["another clock rate", new Mpeg4VideoFormat({ payloadType: 100, clockRate: 30000 })],
  ];
  for (const [name, format] of roundTrips) {
    it(`round-trips rtpmap/fmtp through formatFromSdp(): ${name}`, () => {
      const back = formatFromSdp(format.payloadType, format.rtpMap(), format.fmtp(), "video");
      assert.ok(back instanceof Mpeg4VideoFormat);
      assert.deepEqual(back, format);
    });
  }

  it("formatFromSdp() takes the defaults without fmtp and keys in any case", () => {
    const plain = formatFromSdp(96, "mp4v-es/90000", undefined, "video");
    assert.ok(plain instanceof Mpeg4VideoFormat);
    assert.equal(plain.profileLevelId, 1);
    assert.equal(plain.config, undefined);
    const upper = formatFromSdp(96, "MP4V-ES/90000", { "Profile-Level-Id": "3" }, "video");
    assert.ok(upper instanceof Mpeg4VideoFormat);
    assert.equal(upper.profileLevelId, 3);
  });

  for (
    const fmtp of <Record<string, string>[]> [
      { "profile-level-id": "x" },
      { "profile-level-id": "256" },
      { "profile-level-id": "-1" },
      { config: "0001b" },
      { config: "zz" },
    ]
  ) {
    it(`fromSdp() rejects ${JSON.stringify(fmtp)}`, () => {
      assert.throws(() => Mpeg4VideoFormat.fromSdp(96, 90000, fmtp), ParseError);
    });
  }

  const access: [string, number[], boolean][] = [
    ["a VOS header", [0, 0, 1, 0xb0, 0x01], true],
    ["a VOL header", [0, 0, 1, 0x20, 0x00], true],
    ["a GOV header", [0, 0, 1, 0xb3, 0x00], true],
    ["an I-VOP (vop_coding_type 00)", [0, 0, 1, 0xb6, 0x10], true],
    ["a P-VOP (01)", [0, 0, 1, 0xb6, 0x50], false],
    ["a B-VOP (10)", [0, 0, 1, 0xb6, 0x90], false],
    ["the middle of a frame", [0x12, 0x34, 0x56, 0x78], false],
    ["a payload too short for a start code", [0, 0, 1], false],
  ];
  for (const [name, payload, expected] of access) {
    it(`ptsEqualsDts() is ${expected} for ${name}`, () => {
      assert.equal(new Mpeg4VideoFormat().ptsEqualsDts(rtpPacketAt(0, 0, true, payload)), expected);
    });
  }
});
