/**
 * AES-128 block encryption (FIPS-197), synchronous and table driven. Only the forward direction
 * exists: SRTP uses AES in counter mode, which never decrypts a block.
 *
 * The four round tables are built once at module load; a key schedule is 44 words, computed once
 * per key.
 */

const SBOX = new Uint8Array(256);
const T0 = new Int32Array(256);
const T1 = new Int32Array(256);
const T2 = new Int32Array(256);
const T3 = new Int32Array(256);

buildTables();

function buildTables(): void {
  // GF(2^8) exp/log tables with generator 3, then the S-box as inverse + affine map (FIPS-197 §5.1.1).
  const exp = new Uint8Array(256);
  const log = new Uint8Array(256);
  let x = 1;
  for (let i = 0; i < 255; i++) {
    exp[i] = x;
    log[x] = i;
    x ^= (x << 1) ^ ((x & 0x80) !== 0 ? 0x11b : 0);
    x &= 0xff;
  }
  for (let i = 0; i < 256; i++) {
    const inv = i === 0 ? 0 : exp[(255 - log[i]) % 255];
    let s = inv;
    let r = inv;
    for (let k = 0; k < 4; k++) {
      r = ((r << 1) | (r >>> 7)) & 0xff;
      s ^= r;
    }
    SBOX[i] = s ^ 0x63;
  }
  for (let i = 0; i < 256; i++) {
    const s = SBOX[i];
    const s2 = ((s << 1) ^ ((s & 0x80) !== 0 ? 0x11b : 0)) & 0xff;
    const s3 = s2 ^ s;
    // MixColumns column (2s, s, s, 3s) as one big-endian word, and its byte rotations.
    const t = (s2 << 24) | (s << 16) | (s << 8) | s3;
    T0[i] = t;
    T1[i] = (t >>> 8) | (t << 24);
    T2[i] = (t >>> 16) | (t << 16);
    T3[i] = (t >>> 24) | (t << 8);
  }
}

/**
 * An AES-128 key schedule that encrypts 16-byte blocks.
 *
 * @example FIPS-197 Appendix C.1
 * ```ts
 * import assert from "node:assert/strict";
 * import { Aes128 } from "./aes128.ts";
 * import { decodeHex, encodeHex } from "../bytes/mod.ts";
 * const aes = new Aes128(decodeHex("000102030405060708090a0b0c0d0e0f"));
 * const out = new Uint8Array(16);
 * aes.encryptBlock(decodeHex("00112233445566778899aabbccddeeff"), out);
 * assert.equal(encodeHex(out), "69c4e0d86a7b0430d8cdb78070b4c55a");
 * ```
 */
export class Aes128 {
  #rk = new Int32Array(44);
  /** Output words of the last {@linkcode Aes128.encryptWords} call. @internal */
  readonly out: Int32Array = new Int32Array(4);

  /**
   * @param key The 16-byte key.
   * @throws {RangeError} When the key is not 16 bytes long.
   */
  constructor(key: Uint8Array) {
    if (key.length !== 16) throw new RangeError(`Invalid AES-128 key length: ${key.length}`);
    const rk = this.#rk;
    for (let i = 0; i < 4; i++) {
      rk[i] = (key[4 * i] << 24) | (key[4 * i + 1] << 16) | (key[4 * i + 2] << 8) | key[4 * i + 3];
    }
    let rcon = 1;
    for (let i = 4; i < 44; i++) {
      let t = rk[i - 1];
      if (i % 4 === 0) {
        t = (SBOX[(t >>> 16) & 0xff] << 24) | (SBOX[(t >>> 8) & 0xff] << 16) |
          (SBOX[t & 0xff] << 8) | SBOX[t >>> 24];
        t ^= rcon << 24;
        rcon = ((rcon << 1) ^ ((rcon & 0x80) !== 0 ? 0x11b : 0)) & 0xff;
      }
      rk[i] = rk[i - 4] ^ t;
    }
  }

  /**
   * Encrypts one block given as four big-endian words; the result is left in `out`.
   * @internal The allocation-free form used by counter mode.
   */
  encryptWords(w0: number, w1: number, w2: number, w3: number): void {
    const rk = this.#rk;
    let s0 = w0 ^ rk[0];
    let s1 = w1 ^ rk[1];
    let s2 = w2 ^ rk[2];
    let s3 = w3 ^ rk[3];
    let k = 4;
    for (let round = 1; round < 10; round++) {
      const t0 = T0[s0 >>> 24] ^ T1[(s1 >>> 16) & 0xff] ^ T2[(s2 >>> 8) & 0xff] ^ T3[s3 & 0xff] ^
        rk[k];
      const t1 = T0[s1 >>> 24] ^ T1[(s2 >>> 16) & 0xff] ^ T2[(s3 >>> 8) & 0xff] ^ T3[s0 & 0xff] ^
        rk[k + 1];
      const t2 = T0[s2 >>> 24] ^ T1[(s3 >>> 16) & 0xff] ^ T2[(s0 >>> 8) & 0xff] ^ T3[s1 & 0xff] ^
        rk[k + 2];
      const t3 = T0[s3 >>> 24] ^ T1[(s0 >>> 16) & 0xff] ^ T2[(s1 >>> 8) & 0xff] ^ T3[s2 & 0xff] ^
        rk[k + 3];
      s0 = t0;
      s1 = t1;
      s2 = t2;
      s3 = t3;
      k += 4;
    }
    const out = this.out;
    out[0] = ((SBOX[s0 >>> 24] << 24) | (SBOX[(s1 >>> 16) & 0xff] << 16) |
      (SBOX[(s2 >>> 8) & 0xff] << 8) | SBOX[s3 & 0xff]) ^ rk[40];
    out[1] = ((SBOX[s1 >>> 24] << 24) | (SBOX[(s2 >>> 16) & 0xff] << 16) |
      (SBOX[(s3 >>> 8) & 0xff] << 8) | SBOX[s0 & 0xff]) ^ rk[41];
    out[2] = ((SBOX[s2 >>> 24] << 24) | (SBOX[(s3 >>> 16) & 0xff] << 16) |
      (SBOX[(s0 >>> 8) & 0xff] << 8) | SBOX[s1 & 0xff]) ^ rk[42];
    out[3] = ((SBOX[s3 >>> 24] << 24) | (SBOX[(s0 >>> 16) & 0xff] << 16) |
      (SBOX[(s1 >>> 8) & 0xff] << 8) | SBOX[s2 & 0xff]) ^ rk[43];
  }

  /**
   * Encrypts one 16-byte block.
   *
   * @param input 16 bytes of plaintext.
   * @param output Receives 16 bytes of ciphertext (may be `input`).
   */
  encryptBlock(input: Uint8Array, output: Uint8Array): void {
    this.encryptWords(
      readWord(input, 0),
      readWord(input, 4),
      readWord(input, 8),
      readWord(input, 12),
    );
    for (let i = 0; i < 4; i++) {
      const w = this.out[i];
      output[4 * i] = w >>> 24;
      output[4 * i + 1] = (w >>> 16) & 0xff;
      output[4 * i + 2] = (w >>> 8) & 0xff;
      output[4 * i + 3] = w & 0xff;
    }
  }
}

function readWord(b: Uint8Array, i: number): number {
  return (b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3];
}
