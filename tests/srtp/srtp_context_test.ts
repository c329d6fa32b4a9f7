import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createCipheriv, createHmac, randomBytes } from "node:crypto";
import { SrtpContext } from "../../src/srtp/srtp_context.ts";
import { ParseError } from "../../src/errors.ts";

/** RFC 3711 done with node:crypto only: AES-CTR for the PRF and the cipher, HMAC-SHA1 for tags. */
function referenceKeys(master: Uint8Array, label: number, length: number): Buffer {
  const iv = Buffer.alloc(16);
  Buffer.from(master.subarray(16)).copy(iv);
  iv[7] ^= label;
  return createCipheriv("aes-128-ctr", master.subarray(0, 16), iv).update(Buffer.alloc(length));
}

function referenceProtectRtp(
  master: Uint8Array,
  packet: Uint8Array,
  roc: number,
  mki = new Uint8Array(0),
): Uint8Array {
  const encKey = referenceKeys(master, 0, 16);
  const authKey = referenceKeys(master, 1, 20);
  const salt = referenceKeys(master, 2, 14);
  const iv = Buffer.alloc(16);
  salt.copy(iv);
  for (let i = 0; i < 4; i++) iv[4 + i] ^= packet[8 + i];
  const index = Buffer.alloc(6);
  index.writeUInt32BE(roc, 0);
  index[4] = packet[2];
  index[5] = packet[3];
  for (let i = 0; i < 6; i++) iv[8 + i] ^= index[i];
  const headerLength = 12 + 4 * (packet[0] & 0x0f);
  const enc = createCipheriv("aes-128-ctr", encKey, iv).update(packet.subarray(headerLength));
  const body = Buffer.concat([packet.subarray(0, headerLength), enc]);
  const rocBytes = Buffer.alloc(4);
  rocBytes.writeUInt32BE(roc);
  const tag = createHmac("sha1", authKey).update(body).update(rocBytes).digest().subarray(0, 10);
  return new Uint8Array(Buffer.concat([body, mki, tag]));
}

function referenceProtectRtcp(master: Uint8Array, packet: Uint8Array, index: number): Uint8Array {
  const encKey = referenceKeys(master, 3, 16);
  const authKey = referenceKeys(master, 4, 20);
  const salt = referenceKeys(master, 5, 14);
  const iv = Buffer.alloc(16);
  salt.copy(iv);
  for (let i = 0; i < 4; i++) iv[4 + i] ^= packet[4 + i];
  const idx = Buffer.alloc(6);
  idx.writeUInt32BE(index, 2);
  for (let i = 0; i < 6; i++) iv[8 + i] ^= idx[i];
  const enc = createCipheriv("aes-128-ctr", encKey, iv).update(packet.subarray(8));
  const e = Buffer.alloc(4);
  e.writeUInt32BE((0x80000000 | index) >>> 0);
  const body = Buffer.concat([packet.subarray(0, 8), enc, e]);
  const tag = createHmac("sha1", authKey).update(body).digest().subarray(0, 10);
  return new Uint8Array(Buffer.concat([body, tag]));
}

function rtp(seq: number, ssrc = 0x11223344, payloadLength = 100, csrcs = 0): Uint8Array {
  const p = new Uint8Array(12 + 4 * csrcs + payloadLength);
  p[0] = 0x80 | csrcs;
  p[1] = 96;
  p[2] = seq >>> 8;
  p[3] = seq & 0xff;
  p[4] = 0x12;
  new DataView(p.buffer).setUint32(8, ssrc);
  for (let i = 12; i < p.length; i++) p[i] = i & 0xff;
  return p;
}

const MASTER = new Uint8Array(randomBytes(30));

describe("SrtpContext", () => {
  it("protectRtp() agrees with a node:crypto implementation of RFC 3711", () => {
    const ctx = new SrtpContext(MASTER);
    for (const [seq, len, cc] of [[1, 0, 0], [2, 1, 0], [3, 160, 2], [4, 1400, 0]]) {
      const p = rtp(seq, 0x11223344, len, cc);
      assert.deepEqual(ctx.protectRtp(p), referenceProtectRtp(MASTER, p, 0));
    }
  });

  it("protectRtp() increments the ROC when the sequence number wraps", () => {
    const ctx = new SrtpContext(MASTER);
    ctx.protectRtp(rtp(65534));
    ctx.protectRtp(rtp(65535));
    assert.deepEqual(ctx.protectRtp(rtp(0)), referenceProtectRtp(MASTER, rtp(0), 1));
    assert.equal(ctx.roc(0x11223344), 1);
    // A late packet from before the wrap still uses ROC 0.
    assert.deepEqual(ctx.protectRtp(rtp(65533)), referenceProtectRtp(MASTER, rtp(65533), 0));
  });

  it("advanceRtp() keeps the ROC counting while packets go out unprotected", () => {
    const ctx = new SrtpContext(MASTER);
    ctx.protectRtp(rtp(10));
    for (let seq = 20000; seq < 65536 + 40000; seq += 20000) ctx.advanceRtp(0x11223344, seq);
    assert.equal(ctx.roc(0x11223344), 1);
    assert.deepEqual(ctx.protectRtp(rtp(50000)), referenceProtectRtp(MASTER, rtp(50000), 1));
  });

  it("protectRtp() writes in place when `into` starts at the packet", () => {
    const buf = new Uint8Array(4 + 112 + 10);
    buf.set(rtp(9, 1, 100), 4);
    const expected = referenceProtectRtp(MASTER, rtp(9, 1, 100), 0);
    const out = new SrtpContext(MASTER).protectRtp(buf.subarray(4, 116), buf.subarray(4));
    assert.deepEqual(out, expected);
    assert.equal(out.buffer, buf.buffer);
  });

  it("unprotectRtp() recovers the packet across a wrap, with MKI", () => {
    const mki = new Uint8Array([1, 2, 3, 4]);
    const tx = new SrtpContext(MASTER, { mki });
    const rx = new SrtpContext(MASTER, { mki });
    for (const seq of [65530, 65535, 0, 1, 65534, 2]) {
      const p = rtp(seq);
      const s = tx.protectRtp(p);
      assert.equal(s.length, p.length + 14);
      assert.deepEqual(s.subarray(p.length, p.length + 4), mki);
      assert.deepEqual(rx.unprotectRtp(s), p);
    }
    assert.equal(rx.roc(0x11223344), 1);
  });

  it("unprotectRtp() rejects replays, forged tags, wrong MKIs and short packets", () => {
    const tx = new SrtpContext(MASTER);
    const rx = new SrtpContext(MASTER);
    const s = tx.protectRtp(rtp(100));
    rx.unprotectRtp(s);
    assert.throws(
      () => rx.unprotectRtp(s),
      (e) => e instanceof ParseError && e.code === "SRTP_REPLAYED",
    );
    const forged = tx.protectRtp(rtp(101)).slice();
    forged[20] ^= 1;
    assert.throws(
      () => rx.unprotectRtp(forged),
      (e) => e instanceof ParseError && e.code === "SRTP_AUTH_FAILED",
    );
    const other = new SrtpContext(new Uint8Array(30)).protectRtp(rtp(102));
    assert.throws(
      () => rx.unprotectRtp(other),
      (e) => e instanceof ParseError && e.code === "SRTP_AUTH_FAILED",
    );
    assert.throws(
      () => rx.unprotectRtp(new Uint8Array(15)),
      (e) => e instanceof ParseError && e.code === "SRTP_INVALID",
    );
    const withMki = new SrtpContext(MASTER, { mki: new Uint8Array([9]) });
    assert.throws(() => withMki.unprotectRtp(tx.protectRtp(rtp(103))), ParseError);
    // An older packet inside the window that was never seen is fine.
    assert.deepEqual(rx.unprotectRtp(tx.protectRtp(rtp(90))), rtp(90));
  });

  it("protectRtcp() agrees with node:crypto and counts the SRTCP index", () => {
    const ctx = new SrtpContext(MASTER);
    const rr = new Uint8Array([0x80, 201, 0, 1, 0xca, 0xfe, 0xba, 0xbe]);
    assert.deepEqual(ctx.protectRtcp(rr), referenceProtectRtcp(MASTER, rr, 0));
    assert.deepEqual(ctx.protectRtcp(rr), referenceProtectRtcp(MASTER, rr, 1));
  });

  it("unprotectRtcp() recovers the packet and rejects replays and forgeries", () => {
    const tx = new SrtpContext(MASTER);
    const rx = new SrtpContext(MASTER);
    const sr = new Uint8Array(28);
    sr.set([0x80, 200, 0, 6, 1, 2, 3, 4]);
    sr.fill(0x55, 8);
    const s = tx.protectRtcp(sr);
    assert.equal(s.length, 28 + 14);
    assert.deepEqual(rx.unprotectRtcp(s), sr);
    assert.throws(
      () => rx.unprotectRtcp(s),
      (e) => e instanceof ParseError && e.code === "SRTP_REPLAYED",
    );
    const forged = tx.protectRtcp(sr).slice();
    forged[9] ^= 0x80;
    assert.throws(
      () => rx.unprotectRtcp(forged),
      (e) => e instanceof ParseError && e.code === "SRTP_AUTH_FAILED",
    );
    assert.throws(() => rx.unprotectRtcp(new Uint8Array(21)), ParseError);
  });

  it("unprotectRtp() still accepts a new SSRC after forged packets from 64 other SSRCs", () => {
    // Regression (parsers fuzz): the state of an SSRC was kept before its packet authenticated,
    // so 64 forged SSRCs locked every genuine one out with SRTP_TOO_MANY_SSRCS.
    const tx = new SrtpContext(MASTER);
    const rx = new SrtpContext(MASTER);
    const forger = new SrtpContext(new Uint8Array(30));
    for (let i = 0; i < 200; i++) {
      assert.throws(
        () => rx.unprotectRtp(forger.protectRtp(rtp(1, 0x10000 + i, 16))),
        (e) => e instanceof ParseError && e.code === "SRTP_AUTH_FAILED",
      );
    }
    assert.deepEqual(rx.unprotectRtp(tx.protectRtp(rtp(7, 0xabcd, 16))), rtp(7, 0xabcd, 16));
  });

  it("unprotectRtcp() still accepts a new SSRC after forged packets from 64 other SSRCs", () => {
    const tx = new SrtpContext(MASTER);
    const rx = new SrtpContext(MASTER);
    const forger = new SrtpContext(new Uint8Array(30));
    const rr = (ssrc: number) => {
      const p = new Uint8Array([0x80, 201, 0, 1, 0, 0, 0, 0]);
      new DataView(p.buffer).setUint32(4, ssrc);
      return p;
    };
    for (let i = 0; i < 200; i++) {
      assert.throws(
        () => rx.unprotectRtcp(forger.protectRtcp(rr(0x10000 + i))),
        (e) => e instanceof ParseError && e.code === "SRTP_AUTH_FAILED",
      );
    }
    assert.deepEqual(rx.unprotectRtcp(tx.protectRtcp(rr(0xabcd))), rr(0xabcd));
  });

  // One case per path: how a sender protects a packet of `ssrc`, and how a receiver unprotects.
  const paths = [
    {
      name: "unprotectRtp()",
      protect: (ctx: SrtpContext, ssrc: number, seq: number) => ctx.protectRtp(rtp(seq, ssrc, 16)),
      unprotect: (ctx: SrtpContext, p: Uint8Array) => ctx.unprotectRtp(p),
    },
    {
      name: "unprotectRtcp()",
      protect: (ctx: SrtpContext, ssrc: number, _seq: number) => {
        const rr = new Uint8Array([0x80, 201, 0, 1, 0, 0, 0, 0]);
        new DataView(rr.buffer).setUint32(4, ssrc);
        return ctx.protectRtcp(rr);
      },
      unprotect: (ctx: SrtpContext, p: Uint8Array) => ctx.unprotectRtcp(p),
    },
  ];
  for (const { name, protect, unprotect } of paths) {
    it(`${name} counts only authenticated SSRCs towards the cap of 64`, () => {
      // Every packet of these SSRCs carries sequence number 1 except where given.
      const tx = new SrtpContext(MASTER);
      const rx = new SrtpContext(MASTER);
      const forger = new SrtpContext(new Uint8Array(30));
      const isCode = (code: string) => (e: unknown) => e instanceof ParseError && e.code === code;
      for (let ssrc = 1; ssrc <= 63; ssrc++) unprotect(rx, protect(tx, ssrc, 1));
      // Forged packets of new SSRCs, interleaved with the genuine ones, take no slot...
      for (let ssrc = 1000; ssrc < 1100; ssrc++) {
        assert.throws(() => unprotect(rx, protect(forger, ssrc, 1)), isCode("SRTP_AUTH_FAILED"));
      }
      // ...so the 64th genuine SSRC still fits, and a 65th is refused before any crypto.
      unprotect(rx, protect(tx, 64, 1));
      assert.throws(() => unprotect(rx, protect(tx, 65, 1)), isCode("SRTP_TOO_MANY_SSRCS"));
      assert.throws(() => unprotect(rx, protect(forger, 66, 1)), isCode("SRTP_TOO_MANY_SSRCS"));
      // Known SSRCs keep working at the cap.
      assert.equal(unprotect(rx, protect(tx, 64, 2)).length > 0, true);
    });
  }

  it("constructor rejects a wrong key length or an MKI over 4 bytes", () => {
    assert.throws(() => new SrtpContext(new Uint8Array(16)), RangeError);
    assert.throws(() => new SrtpContext(MASTER, { mki: new Uint8Array(5) }), RangeError);
  });
});
