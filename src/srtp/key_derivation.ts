import { readUint32 } from "../bytes/big_endian.ts";
import { Aes128 } from "./aes128.ts";
import { applyAesCm } from "./aes_cm.ts";

/** Length of an AES-128 SRTP master key. */
export const SRTP_MASTER_KEY_LENGTH = 16;
/** Length of an SRTP master salt. */
export const SRTP_MASTER_SALT_LENGTH = 14;

/** Session keys of one direction (RTP or RTCP) derived from a master key (RFC 3711 §4.3). */
export interface SrtpSessionKeys {
  /** 16-byte AES-128 encryption key. */
  encryptionKey: Uint8Array;
  /** 20-byte HMAC-SHA1 key. */
  authenticationKey: Uint8Array;
  /** 14-byte salt for the counter-mode IV. */
  salt: Uint8Array;
}

/** Key derivation labels (RFC 3711 §4.3.2 and §4.3.1). */
const LABEL_RTP_ENCRYPTION = 0x00;
const LABEL_RTP_AUTHENTICATION = 0x01;
const LABEL_RTP_SALT = 0x02;
const LABEL_RTCP_ENCRYPTION = 0x03;
const LABEL_RTCP_AUTHENTICATION = 0x04;
const LABEL_RTCP_SALT = 0x05;

/**
 * Derives one session key with the AES-CM PRF of RFC 3711 §4.3.1, with key derivation rate 0
 * (the only rate MIKEY clients use): `x = label·2^48 XOR master_salt`, keystream from IV `x·2^16`.
 *
 * @param masterKey 16-byte master key.
 * @param masterSalt 14-byte master salt.
 * @param label Key derivation label (0–5).
 * @param length Bytes to derive.
 * @returns The session key.
 *
 * @example RFC 3711 Appendix B.3, the cipher key
 * ```ts
 * import assert from "node:assert/strict";
 * import { deriveSrtpKey } from "./key_derivation.ts";
 * import { decodeHex, encodeHex } from "../bytes/mod.ts";
 * const key = deriveSrtpKey(
 *   decodeHex("E1F97A0D3E018BE0D64FA32C06DE4139"),
 *   decodeHex("0EC675AD498AFEEBB6960B3AABE6"),
 *   0,
 *   16,
 * );
 * assert.equal(encodeHex(key), "c61e7a93744f39ee10734afe3ff7a087");
 * ```
 */
export function deriveSrtpKey(
  masterKey: Uint8Array,
  masterSalt: Uint8Array,
  label: number,
  length: number,
): Uint8Array {
  if (masterSalt.length !== SRTP_MASTER_SALT_LENGTH) {
    throw new RangeError(`Invalid SRTP master salt length: ${masterSalt.length}`);
  }
  const x = new Uint8Array(16);
  x.set(masterSalt);
  // key_id = label || r (48 bits, 0) is right-aligned under the 112-bit salt: label hits byte 7.
  x[7] ^= label;
  const iv = new Int32Array(4);
  for (let i = 0; i < 4; i++) iv[i] = readUint32(x, 4 * i);
  const out = new Uint8Array(length);
  applyAesCm(new Aes128(masterKey), iv, out, 0, length);
  return out;
}

/**
 * Derives the SRTP and SRTCP session keys of AES_CM_128_HMAC_SHA1_80 from a master key and salt.
 *
 * @param masterKey 16-byte master key.
 * @param masterSalt 14-byte master salt.
 * @returns RTP and RTCP session keys.
 * @throws {RangeError} When a length is wrong.
 *
 * @example Derive the keys of a random master key
 * ```ts
 * import assert from "node:assert/strict";
 * import { deriveSrtpSessionKeys } from "./key_derivation.ts";
 * const keys = deriveSrtpSessionKeys(new Uint8Array(16), new Uint8Array(14));
 * assert.equal(keys.rtcp.authenticationKey.length, 20);
 * ```
 */
export function deriveSrtpSessionKeys(
  masterKey: Uint8Array,
  masterSalt: Uint8Array,
): { rtp: SrtpSessionKeys; rtcp: SrtpSessionKeys } {
  if (masterKey.length !== SRTP_MASTER_KEY_LENGTH) {
    throw new RangeError(`Invalid SRTP master key length: ${masterKey.length}`);
  }
  return {
    rtp: {
      encryptionKey: deriveSrtpKey(masterKey, masterSalt, LABEL_RTP_ENCRYPTION, 16),
      authenticationKey: deriveSrtpKey(masterKey, masterSalt, LABEL_RTP_AUTHENTICATION, 20),
      salt: deriveSrtpKey(masterKey, masterSalt, LABEL_RTP_SALT, 14),
    },
    rtcp: {
      encryptionKey: deriveSrtpKey(masterKey, masterSalt, LABEL_RTCP_ENCRYPTION, 16),
      authenticationKey: deriveSrtpKey(masterKey, masterSalt, LABEL_RTCP_AUTHENTICATION, 20),
      salt: deriveSrtpKey(masterKey, masterSalt, LABEL_RTCP_SALT, 14),
    },
  };
}
