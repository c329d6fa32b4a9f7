/**
 * SHA-1 (FIPS 180-4 §6.1), synchronous. SRTP authenticates with HMAC-SHA1; SHA-1 is not used for
 * anything where collision resistance matters.
 */

/**
 * An incremental SHA-1 computation with an exposed, copyable state so that HMAC can precompute
 * its inner and outer key blocks once per key.
 *
 * @example FIPS 180-2 Appendix A.1 ("abc")
 * ```ts
 * import assert from "node:assert/strict";
 * import { Sha1 } from "./sha1.ts";
 * import { encodeHex } from "../bytes/mod.ts";
 * const h = new Sha1();
 * h.update(new TextEncoder().encode("abc"));
 * assert.equal(encodeHex(h.digest()), "a9993e364706816aba3e25717850c26c9cd0d89d");
 * ```
 */
export class Sha1 {
  /** The five chaining words. */
  readonly state: Int32Array = new Int32Array(5);
  #block = new Uint8Array(64);
  #w = new Int32Array(80);
  #blockLength = 0;
  #totalLength = 0;

  constructor() {
    this.reset();
  }

  /** Restarts from the SHA-1 initial value. */
  reset(): void {
    const s = this.state;
    s[0] = 0x67452301;
    s[1] = 0xefcdab89;
    s[2] = 0x98badcfe;
    s[3] = 0x10325476;
    s[4] = 0xc3d2e1f0;
    this.#blockLength = 0;
    this.#totalLength = 0;
  }

  /**
   * Restarts from saved chaining words, as if `length` bytes (a multiple of 64) had been hashed.
   *
   * @param state Five chaining words.
   * @param length Bytes already hashed.
   */
  restore(state: Int32Array, length: number): void {
    this.state.set(state);
    this.#blockLength = 0;
    this.#totalLength = length;
  }

  /**
   * Hashes `data[start, end)`.
   *
   * @param data The bytes.
   * @param start First byte (default 0).
   * @param end One past the last byte (default `data.length`).
   */
  update(data: Uint8Array, start = 0, end: number = data.length): void {
    this.#totalLength += end - start;
    const block = this.#block;
    let p = start;
    if (this.#blockLength > 0) {
      while (p < end && this.#blockLength < 64) block[this.#blockLength++] = data[p++];
      if (this.#blockLength < 64) return;
      this.#compress(block, 0);
      this.#blockLength = 0;
    }
    while (end - p >= 64) {
      this.#compress(data, p);
      p += 64;
    }
    while (p < end) block[this.#blockLength++] = data[p++];
  }

  /**
   * Finishes the hash into `out` (20 bytes from `offset`).
   *
   * @param out Receives the digest.
   * @param offset Where to write.
   * @param length How many digest bytes to write (default 20).
   */
  digestInto(out: Uint8Array, offset = 0, length = 20): void {
    const bits = this.#totalLength * 8;
    const block = this.#block;
    let n = this.#blockLength;
    block[n++] = 0x80;
    if (n > 56) {
      block.fill(0, n);
      this.#compress(block, 0);
      n = 0;
    }
    block.fill(0, n, 56);
    const high = Math.floor(bits / 0x100000000);
    block[56] = high >>> 24;
    block[57] = (high >>> 16) & 0xff;
    block[58] = (high >>> 8) & 0xff;
    block[59] = high & 0xff;
    block[60] = (bits >>> 24) & 0xff;
    block[61] = (bits >>> 16) & 0xff;
    block[62] = (bits >>> 8) & 0xff;
    block[63] = bits & 0xff;
    this.#compress(block, 0);
    this.#blockLength = 0;
    const s = this.state;
    for (let i = 0; i < length; i++) {
      out[offset + i] = (s[i >>> 2] >>> (24 - 8 * (i & 3))) & 0xff;
    }
  }

  /** Finishes the hash. @returns The 20-byte digest. */
  digest(): Uint8Array {
    const out = new Uint8Array(20);
    this.digestInto(out);
    return out;
  }

  #compress(data: Uint8Array, p: number): void {
    const w = this.#w;
    for (let i = 0; i < 16; i++, p += 4) {
      w[i] = (data[p] << 24) | (data[p + 1] << 16) | (data[p + 2] << 8) | data[p + 3];
    }
    for (let i = 16; i < 80; i++) {
      const x = w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16];
      w[i] = (x << 1) | (x >>> 31);
    }
    const s = this.state;
    let a = s[0];
    let b = s[1];
    let c = s[2];
    let d = s[3];
    let e = s[4];
    // Four loops, one per round function, so the hot loop has no per-step branch.
    let i = 0;
    for (; i < 20; i++) {
      const t = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + 0x5a827999 + w[i]) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = t;
    }
    for (; i < 40; i++) {
      const t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0x6ed9eba1 + w[i]) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = t;
    }
    for (; i < 60; i++) {
      const t = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + 0x8f1bbcdc + w[i]) |
        0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = t;
    }
    for (; i < 80; i++) {
      const t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0xca62c1d6 + w[i]) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = t;
    }
    s[0] = (s[0] + a) | 0;
    s[1] = (s[1] + b) | 0;
    s[2] = (s[2] + c) | 0;
    s[3] = (s[3] + d) | 0;
    s[4] = (s[4] + e) | 0;
  }
}
