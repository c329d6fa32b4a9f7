/**
 * MIKEY (RFC 3830) as RTSP peers use it to exchange SRTP keys: the message codec, the
 * pre-shared-key message that carries an AES_CM_128_HMAC_SHA1_80 key in clear (safe only inside
 * RTSPS), and the `KeyMgmt` header of RFC 4567.
 *
 * @example Hand an SRTP key over
 * ```ts
 * import assert from "node:assert/strict";
 * import { createSrtpMikey, decodeMikey, encodeMikey, srtpKeyFromMikey } from "./mod.ts";
 * const keyAndSalt = crypto.getRandomValues(new Uint8Array(30));
 * const bytes = encodeMikey(createSrtpMikey({ keyAndSalt, cryptoSessions: [{ ssrc: 1, roc: 0 }] }));
 * assert.deepEqual(srtpKeyFromMikey(decodeMikey(bytes)).keyAndSalt, keyAndSalt);
 * ```
 *
 * @module
 */
export { decodeMikey, encodeMikey } from "./mikey_message.ts";
export type {
  MikeyKemacPayload,
  MikeyKeyData,
  MikeyMessage,
  MikeyPayload,
  MikeyPolicyParam,
  MikeyRandPayload,
  MikeySecurityPolicyPayload,
  MikeySrtpCryptoSession,
  MikeyTimestampPayload,
} from "./mikey_message.ts";
export { createSrtpMikey, srtpKeyFromMikey } from "./srtp_key_exchange.ts";
export type { CreateSrtpMikeyOptions, MikeySrtpKey } from "./srtp_key_exchange.ts";
export { formatKeyMgmt, parseKeyMgmt } from "./key_mgmt_header.ts";
export type { KeyMgmtHeader } from "./key_mgmt_header.ts";
