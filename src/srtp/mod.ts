/**
 * Secure RTP (RFC 3711) for the AES_CM_128_HMAC_SHA1_80 suite: AES-128, AES counter mode,
 * HMAC-SHA1, key derivation, and an SRTP/SRTCP context that protects and unprotects packets.
 * Pure and synchronous: no runtime APIs and no WebCrypto, so it can run on the packet path.
 *
 * @example Protect and unprotect an RTCP packet
 * ```ts
 * import assert from "node:assert/strict";
 * import { SrtpContext } from "./mod.ts";
 * const key = crypto.getRandomValues(new Uint8Array(30));
 * const rtcp = new Uint8Array([0x80, 201, 0, 1, 0, 0, 0, 9]);
 * const srtcp = new SrtpContext(key).protectRtcp(rtcp);
 * assert.deepEqual(new SrtpContext(key).unprotectRtcp(srtcp), rtcp);
 * ```
 *
 * @module
 */
export { Aes128 } from "./aes128.ts";
export { applyAesCm } from "./aes_cm.ts";
export { Sha1 } from "./sha1.ts";
export { HmacSha1 } from "./hmac_sha1.ts";
export {
  deriveSrtpKey,
  deriveSrtpSessionKeys,
  SRTP_MASTER_KEY_LENGTH,
  SRTP_MASTER_SALT_LENGTH,
} from "./key_derivation.ts";
export type { SrtpSessionKeys } from "./key_derivation.ts";
export {
  SRTCP_OVERHEAD,
  SRTP_AUTH_TAG_LENGTH,
  SRTP_MAX_MKI_LENGTH,
  SRTP_OVERHEAD,
  SrtpContext,
} from "./srtp_context.ts";
export type { SrtpContextOptions } from "./srtp_context.ts";
