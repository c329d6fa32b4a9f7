import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  decodeRtp,
  encodeRtp,
  isRtcpPacketType,
  RTP_HEADER_SIZE,
  rtpEncodedSize,
} from "../../src/rtp/rtp_packet.ts";
import type { RtpPacket } from "../../src/rtp/rtp_packet.ts";
import { ParseError } from "../../src/errors.ts";
import { assertOnlyParseError, assertPrefixesOnlyParseError, prng } from "../_helpers/fuzz.ts";

// RFC 3550 §5.1 fixed header + §5.3.1 extension + padding, built by hand.
// deno-fmt-ignore
const FULL = new Uint8Array([
  0xb2, // V=2 (10), P=1, X=1, CC=2  -> 1011 0010
  0xe0, // M=1, PT=96
  0x12, 0x34, // sequence number 0x1234
  0xde, 0xad, 0xbe, 0xef, // timestamp 0xdeadbeef
  0x01, 0x02, 0x03, 0x04, // SSRC 0x01020304
  0x11, 0x11, 0x11, 0x11, // CSRC 1 0x11111111
  0xff, 0xff, 0xff, 0xfe, // CSRC 2 0xfffffffe
  0xbe, 0xde, // extension profile 0xBEDE (RFC 8285 one-byte header)
  0x00, 0x01, // extension length: 1 word
  0x10, 0xaa, 0x00, 0x00, // extension data
  0x01, 0x02, 0x03, // payload
  0x00, 0x00, 0x03, // padding: 2 zero bytes + count 3
]);

const FULL_PACKET: RtpPacket = {
  marker: true,
  payloadType: 96,
  sequenceNumber: 0x1234,
  timestamp: 0xdeadbeef,
  ssrc: 0x01020304,
  csrc: [0x11111111, 0xfffffffe],
  extension: { profile: 0xbede, data: new Uint8Array([0x10, 0xaa, 0x00, 0x00]) },
  paddingSize: 3,
  payload: new Uint8Array([1, 2, 3]),
};

// RFC 3550 §5.1 minimal header, PCMU (PT 0), no marker.
// deno-fmt-ignore
const MINIMAL = new Uint8Array([
  0x80, // V=2, P=0, X=0, CC=0
  0x00, // M=0, PT=0
  0xff, 0xff, // sequence number 65535
  0x00, 0x00, 0x00, 0xa0, // timestamp 160
  0xff, 0xff, 0xff, 0xff, // SSRC 0xffffffff
  0x55, 0x55, // payload
]);

function plain(pkt: RtpPacket): unknown {
  return {
    ...pkt,
    csrc: [...pkt.csrc],
    payload: [...pkt.payload],
    extension: pkt.extension && { profile: pkt.extension.profile, data: [...pkt.extension.data] },
  };
}

describe("rtp_packet", () => {
  it("decodeRtp() decodes CSRC, extension and padding (RFC 3550 §5.1, §5.3.1)", () => {
    assert.deepEqual(plain(decodeRtp(FULL)), plain(FULL_PACKET));
  });

  it("decodeRtp() returns the payload as a view, not a copy", () => {
    const pkt = decodeRtp(FULL);
    assert.equal(pkt.payload.buffer, FULL.buffer);
    assert.equal(pkt.payload.byteOffset, 28);
    assert.equal(pkt.extension?.data.buffer, FULL.buffer);
  });

  it("decodeRtp() decodes a minimal header (RFC 3550 §5.1)", () => {
    const pkt = decodeRtp(MINIMAL);
    assert.equal(pkt.marker, false);
    assert.equal(pkt.payloadType, 0);
    assert.equal(pkt.sequenceNumber, 65535);
    assert.equal(pkt.timestamp, 160);
    assert.equal(pkt.ssrc, 0xffffffff);
    assert.deepEqual(pkt.csrc, []);
    assert.equal(pkt.extension, undefined);
    assert.equal(pkt.paddingSize, 0);
    assert.deepEqual([...pkt.payload], [0x55, 0x55]);
  });

  it("encodeRtp() reproduces the RFC 3550 vectors", () => {
    assert.deepEqual(encodeRtp(FULL_PACKET), FULL);
    assert.deepEqual(encodeRtp(decodeRtp(MINIMAL)), MINIMAL);
    assert.equal(rtpEncodedSize(FULL_PACKET), FULL.length);
  });

  it("encodeRtp() writes into a caller's buffer at an offset", () => {
    const out = new Uint8Array(100).fill(0x77);
    const view = encodeRtp(FULL_PACKET, out, 10);
    assert.equal(view.buffer, out.buffer);
    assert.equal(view.byteOffset, 10);
    assert.deepEqual(view, FULL);
    assert.equal(out[9], 0x77);
    assert.equal(out[10 + FULL.length], 0x77);
  });

  it("encodeRtp() rejects a buffer that is too small", () => {
    assert.throws(() => encodeRtp(FULL_PACKET, new Uint8Array(FULL.length), 1), RangeError);
  });

  it("encodeRtp() rejects an extension that is not whole words and >15 CSRCs", () => {
    assert.throws(
      () => encodeRtp({ ...FULL_PACKET, extension: { profile: 1, data: new Uint8Array(3) } }),
      RangeError,
    );
    assert.throws(() => encodeRtp({ ...FULL_PACKET, csrc: new Array(16).fill(1) }), RangeError);
    assert.throws(() => encodeRtp({ ...FULL_PACKET, paddingSize: 256 }), RangeError);
  });

  it("decodeRtp() rejects a header shorter than 12 bytes", () => {
    assert.throws(() => decodeRtp(new Uint8Array(RTP_HEADER_SIZE - 1).fill(0x80)), (e) => {
      return e instanceof ParseError && e.code === "RTP_TOO_SHORT";
    });
  });

  it("decodeRtp() rejects version 1", () => {
    const bad = MINIMAL.slice();
    bad[0] = 0x40;
    assert.throws(
      () => decodeRtp(bad),
      (e) => e instanceof ParseError && e.code === "RTP_BAD_VERSION",
    );
  });

  it("decodeRtp() rejects a zero or oversized padding count", () => {
    const zero = FULL.slice();
    zero[zero.length - 1] = 0;
    assert.throws(
      () => decodeRtp(zero),
      (e) => e instanceof ParseError && e.code === "RTP_BAD_PADDING",
    );
    const big = FULL.slice();
    big[big.length - 1] = 7; // payload+padding area is only 6 bytes
    assert.throws(
      () => decodeRtp(big),
      (e) => e instanceof ParseError && e.code === "RTP_BAD_PADDING",
    );
  });

  it("decodeRtp() accepts padding that covers the whole payload", () => {
    const bytes = FULL.slice();
    bytes[bytes.length - 1] = 6; // 3 payload bytes + 3 padding bytes
    const pkt = decodeRtp(bytes);
    assert.equal(pkt.payload.length, 0);
    assert.equal(pkt.paddingSize, 6);
  });

  it("decodeRtp() throws only ParseError on every truncation", () => {
    assertPrefixesOnlyParseError(FULL, decodeRtp);
  });

  it("decodeRtp() throws only ParseError on random bytes (fixed seed)", () => {
    const rnd = prng(0x3550);
    for (let i = 0; i < 20000; i++) {
      const bytes = new Uint8Array(Math.floor(rnd() * 64));
      for (let j = 0; j < bytes.length; j++) bytes[j] = Math.floor(rnd() * 256);
      if (bytes.length > 0 && rnd() < 0.7) bytes[0] = (bytes[0] & 0x3f) | 0x80;
      assertOnlyParseError(() => {
        const pkt = decodeRtp(bytes);
        assert.deepEqual(encodeRtp(pkt).length, rtpEncodedSize(pkt));
      });
    }
  });

  it("encodeRtp() and decodeRtp() round-trip random packets (fixed seed)", () => {
    const rnd = prng(42);
    for (let i = 0; i < 2000; i++) {
      const payload = new Uint8Array(Math.floor(rnd() * 40));
      for (let j = 0; j < payload.length; j++) payload[j] = Math.floor(rnd() * 256);
      const pkt: RtpPacket = {
        marker: rnd() < 0.5,
        payloadType: Math.floor(rnd() * 128),
        sequenceNumber: Math.floor(rnd() * 65536),
        timestamp: Math.floor(rnd() * 4294967296),
        ssrc: Math.floor(rnd() * 4294967296),
        csrc: Array.from({ length: Math.floor(rnd() * 16) }, () => Math.floor(rnd() * 4294967296)),
        extension: rnd() < 0.5
          ? {
            profile: Math.floor(rnd() * 65536),
            data: new Uint8Array(4 * Math.floor(rnd() * 4)).fill(9),
          }
          : undefined,
        paddingSize: rnd() < 0.5 ? 0 : 1 + Math.floor(rnd() * 255),
        payload,
      };
      assert.deepEqual(plain(decodeRtp(encodeRtp(pkt))), plain(pkt));
    }
  });

  it("isRtcpPacketType() separates RTP from RTCP (RFC 5761 §4)", () => {
    assert.equal(isRtcpPacketType(200), true);
    assert.equal(isRtcpPacketType(192), true);
    assert.equal(isRtcpPacketType(223), true);
    assert.equal(isRtcpPacketType(96), false);
    assert.equal(isRtcpPacketType(0xe0), false); // M=1 PT=96
  });
});
