import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { decodeRtcp, encodeRtcp } from "../../src/rtp/rtcp_packet.ts";
import type { RtcpPacket } from "../../src/rtp/rtcp_packet.ts";
import { ParseError } from "../../src/errors.ts";
import { assertOnlyParseError, assertPrefixesOnlyParseError, prng } from "../_helpers/fuzz.ts";

// RFC 3550 §6.4.1: SR with two report blocks.
// deno-fmt-ignore
const SR = new Uint8Array([
  0x82, 200, 0x00, 0x12, // V=2 P=0 RC=2, PT=200, length 18 words (76 bytes)
  0x11, 0x22, 0x33, 0x44, // SSRC of sender
  0xe9, 0x4c, 0x80, 0x00, // NTP msw
  0x80, 0x00, 0x00, 0x00, // NTP lsw (0.5 s)
  0x00, 0x01, 0x5f, 0x90, // RTP timestamp 90000
  0x00, 0x00, 0x00, 0x64, // packet count 100
  0x00, 0x01, 0x00, 0x00, // octet count 65536
  // report block 1
  0xaa, 0xbb, 0xcc, 0xdd, // SSRC_1
  0x40, // fraction lost 64/256
  0x00, 0x01, 0x02, // cumulative lost 258
  0x00, 0x01, 0x00, 0x05, // extended highest seq: cycles 1, seq 5
  0x00, 0x00, 0x00, 0x20, // jitter 32
  0x4c, 0x80, 0x00, 0x00, // LSR
  0x00, 0x01, 0x80, 0x00, // DLSR 1.5 s
  // report block 2
  0x00, 0x00, 0x00, 0x01, // SSRC_2
  0x00, // fraction lost 0
  0xff, 0xff, 0xff, // cumulative lost 0xffffff
  0x00, 0x00, 0xff, 0xff, // extended highest seq 65535
  0x00, 0x00, 0x00, 0x00, // jitter 0
  0x00, 0x00, 0x00, 0x00, // LSR none
  0x00, 0x00, 0x00, 0x00, // DLSR none
]);
const SR_PACKET: RtcpPacket = {
  type: "sr",
  ssrc: 0x11223344,
  ntpMsw: 0xe94c8000,
  ntpLsw: 0x80000000,
  rtpTime: 90000,
  packetCount: 100,
  octetCount: 65536,
  reports: [
    {
      ssrc: 0xaabbccdd,
      fractionLost: 64,
      totalLost: 258,
      highestSequenceNumber: 0x10005,
      jitter: 32,
      lastSenderReport: 0x4c800000,
      delaySinceLastSenderReport: 0x18000,
    },
    {
      ssrc: 1,
      fractionLost: 0,
      totalLost: 0xffffff,
      highestSequenceNumber: 65535,
      jitter: 0,
      lastSenderReport: 0,
      delaySinceLastSenderReport: 0,
    },
  ],
};

// RFC 3550 §6.4.2: RR with one report block.
// deno-fmt-ignore
const RR = new Uint8Array([
  0x81, 201, 0x00, 0x07, // V=2 RC=1, PT=201, length 7 (32 bytes)
  0x01, 0x02, 0x03, 0x04, // SSRC of packet sender
  0x05, 0x06, 0x07, 0x08, // SSRC_1
  0x00, 0x00, 0x00, 0x45, // fraction 0, cumulative lost 69
  0x00, 0x00, 0x00, 0x64, // extended highest seq 100
  0x00, 0x00, 0x01, 0x00, // jitter 256
  0x12, 0x34, 0x56, 0x78, // LSR
  0x00, 0x00, 0x00, 0x10, // DLSR
]);
const RR_PACKET: RtcpPacket = {
  type: "rr",
  ssrc: 0x01020304,
  reports: [{
    ssrc: 0x05060708,
    fractionLost: 0,
    totalLost: 69,
    highestSequenceNumber: 100,
    jitter: 256,
    lastSenderReport: 0x12345678,
    delaySinceLastSenderReport: 16,
  }],
};

// RFC 3550 §6.5.1: SDES with one chunk holding a CNAME.
// deno-fmt-ignore
const SDES = new Uint8Array([
  0x81, 202, 0x00, 0x04, // V=2 SC=1, PT=202, length 4 (20 bytes)
  0x11, 0x22, 0x33, 0x44, // SSRC
  0x01, 0x09, // CNAME, 9 bytes
  0x75, 0x73, 0x65, 0x72, 0x40, 0x68, 0x6f, 0x73, 0x74, // "user@host"
  0x00, // null item, which ends exactly on a 32-bit boundary
]);
const SDES_PACKET: RtcpPacket = {
  type: "sdes",
  chunks: [{ ssrc: 0x11223344, items: [{ type: 1, text: "user@host" }] }],
};

// RFC 3550 §6.6: BYE with one SSRC and a reason.
// deno-fmt-ignore
const BYE = new Uint8Array([
  0x81, 203, 0x00, 0x03, // V=2 SC=1, PT=203, length 3 (16 bytes)
  0x11, 0x22, 0x33, 0x44, // SSRC
  0x06, 0x63, 0x61, 0x6d, 0x65, 0x72, 0x61, // length 6, "camera"
  0x00, // padding to 32 bits
]);
const BYE_PACKET: RtcpPacket = { type: "bye", ssrcs: [0x11223344], reason: "camera" };

// RFC 4585 §6.3.1 PLI (PT=206 FMT=1): not decoded, passed through.
// deno-fmt-ignore
const PLI = new Uint8Array([
  0x81, 206, 0x00, 0x02, // V=2 FMT=1, PT=206, length 2 (12 bytes)
  0x00, 0x00, 0x00, 0x01, // sender SSRC
  0x00, 0x00, 0x00, 0x02, // media SSRC
]);

function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const CASES: [string, Uint8Array, RtcpPacket[]][] = [
  ["SR with report blocks (RFC 3550 §6.4.1)", SR, [SR_PACKET]],
  ["RR (RFC 3550 §6.4.2)", RR, [RR_PACKET]],
  ["SDES CNAME (RFC 3550 §6.5.1)", SDES, [SDES_PACKET]],
  ["BYE with reason (RFC 3550 §6.6)", BYE, [BYE_PACKET]],
  ["compound SR+SDES (RFC 3550 §6.1)", concatBytes(SR, SDES), [SR_PACKET, SDES_PACKET]],
  ["compound RR+SDES+BYE", concatBytes(RR, SDES, BYE), [RR_PACKET, SDES_PACKET, BYE_PACKET]],
];

describe("rtcp_packet", () => {
  for (const [name, bytes, packets] of CASES) {
    it(`decodeRtcp() decodes ${name}`, () => {
      assert.deepEqual(decodeRtcp(bytes), packets);
    });
    it(`encodeRtcp() encodes ${name}`, () => {
      assert.deepEqual(encodeRtcp(packets), bytes);
    });
  }

  it("decodeRtcp() passes unknown packet types through as views", () => {
    const bytes = concatBytes(RR, PLI);
    const packets = decodeRtcp(bytes);
    assert.equal(packets.length, 2);
    const pli = packets[1];
    assert.equal(pli.type, "unknown");
    if (pli.type !== "unknown") return;
    assert.equal(pli.packetType, 206);
    assert.deepEqual(pli.bytes, PLI);
    assert.equal(pli.bytes.buffer, bytes.buffer);
    assert.deepEqual(encodeRtcp(packets), bytes);
  });

  it("decodeRtcp() tolerates an SDES chunk without the null item", () => {
    // deno-fmt-ignore
    const bytes = new Uint8Array([
      0x81, 202, 0x00, 0x03, // SC=1, length 3 (16 bytes)
      0x11, 0x22, 0x33, 0x44, // SSRC
      0x01, 0x06, 0x63, 0x61, 0x6d, 0x65, 0x72, 0x61, // CNAME "camera", no end item
    ]);
    assert.deepEqual(decodeRtcp(bytes), [{
      type: "sdes",
      chunks: [{ ssrc: 0x11223344, items: [{ type: 1, text: "camera" }] }],
    }]);
  });

  it("decodeRtcp() decodes SDES with two chunks and several items", () => {
    const packet: RtcpPacket = {
      type: "sdes",
      chunks: [
        { ssrc: 1, items: [{ type: 1, text: "a" }, { type: 6, text: "rtspkit" }] },
        { ssrc: 2, items: [] },
      ],
    };
    const bytes = encodeRtcp([packet]);
    assert.equal(bytes.length % 4, 0);
    assert.deepEqual(decodeRtcp(bytes), [packet]);
  });

  it("decodeRtcp() decodes a BYE without reason and honours padding", () => {
    // deno-fmt-ignore
    const bytes = new Uint8Array([
      0xa1, 203, 0x00, 0x02, // P=1 SC=1, length 2 (12 bytes)
      0x00, 0x00, 0x00, 0x07, // SSRC 7
      0x00, 0x00, 0x00, 0x04, // 4 bytes of padding
    ]);
    assert.deepEqual(decodeRtcp(bytes), [{ type: "bye", ssrcs: [7] }]);
  });

  it("decodeRtcp() rejects empty input, wrong version and overruns", () => {
    const isParse = (code: string) => (e: unknown) => e instanceof ParseError && e.code === code;
    assert.throws(() => decodeRtcp(new Uint8Array(0)), isParse("RTCP_EMPTY"));
    const v1 = RR.slice();
    v1[0] = 0x41;
    assert.throws(() => decodeRtcp(v1), isParse("RTCP_BAD_VERSION"));
    const long = RR.slice();
    long[3] = 8;
    assert.throws(() => decodeRtcp(long), isParse("RTCP_TOO_SHORT"));
    const count = RR.slice();
    count[0] = 0x82; // two report blocks announced, one present
    assert.throws(() => decodeRtcp(count), isParse("RTCP_TOO_SHORT"));
  });

  it("decodeRtcp() throws only ParseError on every truncation of a compound packet", () => {
    assertPrefixesOnlyParseError(concatBytes(SR, SDES, BYE, PLI), decodeRtcp);
  });

  it("decodeRtcp() throws only ParseError on random bytes (fixed seed)", () => {
    const rnd = prng(0x6000);
    for (let i = 0; i < 20000; i++) {
      const bytes = new Uint8Array(4 * Math.floor(rnd() * 20));
      for (let j = 0; j < bytes.length; j++) bytes[j] = Math.floor(rnd() * 256);
      if (bytes.length > 0) {
        bytes[0] = (bytes[0] & 0x3f) | 0x80;
        if (rnd() < 0.7) bytes[1] = 200 + Math.floor(rnd() * 4);
        if (rnd() < 0.7) bytes[2] = 0;
        if (rnd() < 0.7) bytes[3] = bytes.length / 4 - 1;
      }
      assertOnlyParseError(() => decodeRtcp(bytes));
    }
  });

  it("encodeRtcp() rejects more than 31 report blocks", () => {
    const report = (SR_PACKET as { reports: unknown[] }).reports[0];
    assert.throws(
      () => encodeRtcp([{ type: "rr", ssrc: 1, reports: new Array(32).fill(report) }]),
      RangeError,
    );
  });
});
