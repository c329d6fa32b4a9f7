import { Sha1 } from "./sha1.ts";

/**
 * HMAC-SHA1 (RFC 2104) with the keyed inner and outer states computed once per key, so that each
 * message costs only its own blocks plus one outer block: the SRTP authentication transform of
 * RFC 3711 §4.2.1.
 *
 * @example RFC 2202 test case 2
 * ```ts
 * import assert from "node:assert/strict";
 * import { HmacSha1 } from "./hmac_sha1.ts";
 * import { encodeHex } from "../bytes/mod.ts";
 * const text = new TextEncoder();
 * const mac = new HmacSha1(text.encode("Jefe"));
 * mac.update(text.encode("what do ya want for nothing?"));
 * assert.equal(encodeHex(mac.digest()), "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
 * ```
 */
export class HmacSha1 {
  #inner = new Int32Array(5);
  #outer = new Int32Array(5);
  #sha = new Sha1();
  #innerDigest = new Uint8Array(20);

  /** @param key The key, any length (longer than 64 bytes is hashed first). */
  constructor(key: Uint8Array) {
    let k = key;
    if (k.length > 64) {
      const h = new Sha1();
      h.update(k);
      k = h.digest();
    }
    const pad = new Uint8Array(64);
    const sha = this.#sha;
    pad.fill(0x36);
    for (let i = 0; i < k.length; i++) pad[i] ^= k[i];
    sha.reset();
    sha.update(pad);
    this.#inner.set(sha.state);
    pad.fill(0x5c);
    for (let i = 0; i < k.length; i++) pad[i] ^= k[i];
    sha.reset();
    sha.update(pad);
    this.#outer.set(sha.state);
    this.reset();
  }

  /** Starts a new message. */
  reset(): void {
    this.#sha.restore(this.#inner, 64);
  }

  /**
   * Adds `data[start, end)` to the message.
   *
   * @param data The bytes.
   * @param start First byte (default 0).
   * @param end One past the last byte (default `data.length`).
   */
  update(data: Uint8Array, start = 0, end: number = data.length): void {
    this.#sha.update(data, start, end);
  }

  /**
   * Finishes the MAC, writes its first `length` bytes to `out` at `offset`, and starts a new
   * message.
   *
   * @param out Receives the (truncated) tag.
   * @param offset Where to write.
   * @param length Tag length, at most 20.
   */
  digestInto(out: Uint8Array, offset = 0, length = 20): void {
    const sha = this.#sha;
    const inner = this.#innerDigest;
    sha.digestInto(inner);
    sha.restore(this.#outer, 64);
    sha.update(inner);
    sha.digestInto(out, offset, length);
    this.reset();
  }

  /** Finishes the MAC. @returns The 20-byte tag. */
  digest(): Uint8Array {
    const out = new Uint8Array(20);
    this.digestInto(out);
    return out;
  }
}
