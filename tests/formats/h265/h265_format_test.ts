import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { H265Format } from "../../../src/formats/h265/h265_format.ts";
import { formatFromSdp } from "../../../src/formats/format.ts";
import type { RtpPacket } from "../../../src/rtp/rtp_packet.ts";
import { ParseError } from "../../../src/errors.ts";

const VPS = new Uint8Array([0x40, 0x01, 0x0c, 0x01]);
const SPS = new Uint8Array([0x42, 0x01, 0x01, 0x01]);
const PPS = new Uint8Array([0x44, 0x01, 0xc1, 0x72]);

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

// NAL header byte 0 for a type: type << 1 (F=0, layer id high bit 0), byte 1: TID=1.
const nal = (type: number) => [type << 1, 0x01];

describe("h265_format", () => {
  it("fmtp() writes sprop-vps/sps/pps (RFC 7798 §7.1)", () => {
    const format = new H265Format({ payloadType: 96, vps: VPS, sps: SPS, pps: PPS });
    assert.equal(format.rtpMap(), "H265/90000");
    assert.deepEqual(format.fmtp(), {
      "sprop-vps": "QAEMAQ==",
      "sprop-sps": "QgEBAQ==",
      "sprop-pps": "RAHBcg==",
    });
  });

  it("round-trips rtpmap/fmtp through formatFromSdp()", () => {
    const format = new H265Format({ payloadType: 96, vps: VPS, sps: SPS, pps: PPS, maxDonDiff: 2 });
    const back = formatFromSdp(96, format.rtpMap(), format.fmtp(), "video");
    assert.ok(back instanceof H265Format);
    assert.deepEqual(back.fmtp(), format.fmtp());
    assert.equal(new H265Format().fmtp(), undefined);
  });

  it("fromSdp() rejects invalid base64 and sprop-max-don-diff", () => {
    assert.throws(() => H265Format.fromSdp(96, { "sprop-vps": "!!" }), ParseError);
    assert.throws(() => H265Format.fromSdp(96, { "sprop-max-don-diff": "a" }), ParseError);
  });

  it("fromSdp() reads sprop-max-don-diff and sprop-depack-buf-nalus (RFC 7798 §7.1)", () => {
    const format = H265Format.fromSdp(96, {
      "sprop-max-don-diff": "32767",
      "sprop-depack-buf-nalus": " 0 ",
    });
    assert.equal(format.maxDonDiff, 32767);
    assert.equal(format.depackBufNalus, 0);
    assert.deepEqual(format.fmtp(), {
      "sprop-max-don-diff": "32767",
      "sprop-depack-buf-nalus": "0",
    });
    const plain = H265Format.fromSdp(96, {});
    assert.equal(plain.maxDonDiff, 0);
    assert.equal(plain.depackBufNalus, undefined);
  });

  for (const key of ["sprop-max-don-diff", "sprop-depack-buf-nalus"]) {
    for (const value of ["32768", "-1", "1.5", "", "99999"]) {
      it(`fromSdp() rejects ${key}="${value}": RFC 7798 §7.1 allows 0 to 32767`, () => {
        assert.throws(() => H265Format.fromSdp(96, { [key]: value }), ParseError);
      });
    }
  }

  it("round-trips sprop-depack-buf-nalus through formatFromSdp()", () => {
    const format = new H265Format({ payloadType: 97, maxDonDiff: 3, depackBufNalus: 5 });
    const back = formatFromSdp(97, format.rtpMap(), format.fmtp(), "video");
    assert.ok(back instanceof H265Format);
    assert.deepEqual([back.maxDonDiff, back.depackBufNalus], [3, 5]);
  });

  const cases: [string, number[], boolean, number?][] = [
    ["an IDR_W_RADL (19)", [...nal(19), 0xaa], true],
    ["a CRA (21)", [...nal(21), 0xaa], true],
    ["a BLA (16)", [...nal(16), 0xaa], true],
    ["a VPS (32)", [...nal(32), 0xaa], true],
    ["an SPS (33)", [...nal(33), 0xaa], true],
    ["a PPS (34)", [...nal(34), 0xaa], true],
    ["a TRAIL_R (1)", [...nal(1), 0xaa], false],
    ["an AP with VPS (RFC 7798 §4.4.2)", [...nal(48), 0, 3, ...nal(32), 0xaa], true],
    ["an AP with TRAIL_R only", [...nal(48), 0, 3, ...nal(1), 0xaa], false],
    ["an AP with DONL then IDR", [...nal(48), 0, 0, 0, 3, ...nal(19), 0xaa], true, 1],
    [
      "an AP with DONL, then DOND before a VPS",
      [...nal(48), 0, 0, 0, 3, ...nal(1), 0xaa, 0, 0, 3, ...nal(32), 0xaa],
      true,
      1,
    ],
    [
      "an AP with DONL and TRAIL_R only",
      [...nal(48), 0, 0, 0, 3, ...nal(1), 0xaa, 0, 0, 3, ...nal(1), 0xaa],
      false,
      1,
    ],
    ["a single IDR with DONL (RFC 7798 §4.4.1)", [...nal(19), 0, 7, 0xaa], true, 1],
    ["an FU start of an IDR with DONL", [...nal(49), 0x80 | 19, 0, 7, 0xaa], true, 1],
    ["an FU start of an IDR (RFC 7798 §4.4.3)", [...nal(49), 0x80 | 19, 0xaa], true],
    ["an FU middle of an IDR", [...nal(49), 19, 0xaa], false],
    ["a one-byte payload", [0x26], false],
  ];
  for (const [name, payload, expected, maxDonDiff] of cases) {
    it(`ptsEqualsDts() is ${expected} for ${name}`, () => {
      assert.equal(new H265Format({ maxDonDiff }).ptsEqualsDts(pkt(payload)), expected);
    });
  }
});
