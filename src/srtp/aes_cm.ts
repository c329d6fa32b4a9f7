import type { Aes128 } from "./aes128.ts";

/**
 * Applies the AES counter-mode keystream of RFC 3711 §4.1.1 to `data[start, end)` in place:
 * block `j` of keystream is `AES(key, IV + j)`. Encryption and decryption are the same operation.
 *
 * The IV is given as four big-endian words whose low 16 bits are zero, as every SRTP IV is
 * (`salt·2^16 XOR SSRC·2^64 XOR index·2^16`), so adding the block counter is an OR into the last
 * word and a packet can hold at most 2^16 blocks (1 MiB), far above any RTP packet.
 *
 * @param aes The session encryption key.
 * @param iv The IV as four words (`iv[3] & 0xffff` must be 0).
 * @param data The bytes to transform.
 * @param start First byte.
 * @param end One past the last byte.
 *
 * @example RFC 3711 Appendix B.2, first keystream block
 * ```ts
 * import assert from "node:assert/strict";
 * import { Aes128 } from "./aes128.ts";
 * import { applyAesCm } from "./aes_cm.ts";
 * import { decodeHex, encodeHex } from "../bytes/mod.ts";
 * const aes = new Aes128(decodeHex("2B7E151628AED2A6ABF7158809CF4F3C"));
 * const data = new Uint8Array(16);
 * applyAesCm(aes, new Int32Array([0xf0f1f2f3, 0xf4f5f6f7, 0xf8f9fafb, 0xfcfd0000]), data, 0, 16);
 * assert.equal(encodeHex(data), "e03ead0935c95e80e166b16dd92b4eb4");
 * ```
 */
export function applyAesCm(
  aes: Aes128,
  iv: Int32Array,
  data: Uint8Array,
  start: number,
  end: number,
): void {
  const iv0 = iv[0];
  const iv1 = iv[1];
  const iv2 = iv[2];
  const iv3 = iv[3];
  const out = aes.out;
  let counter = 0;
  for (let p = start; p < end; p += 16) {
    aes.encryptWords(iv0, iv1, iv2, iv3 | counter);
    counter++;
    const n = end - p;
    if (n >= 16) {
      for (let w = 0; w < 4; w++) {
        const k = out[w];
        const q = p + 4 * w;
        data[q] ^= k >>> 24;
        data[q + 1] ^= (k >>> 16) & 0xff;
        data[q + 2] ^= (k >>> 8) & 0xff;
        data[q + 3] ^= k & 0xff;
      }
    } else {
      for (let i = 0; i < n; i++) data[p + i] ^= (out[i >>> 2] >>> (24 - 8 * (i & 3))) & 0xff;
    }
  }
}
