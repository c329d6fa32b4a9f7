import { decodeBase64, encodeBase64 } from "../bytes/mod.ts";
import { ParseError } from "../errors.ts";
import {
  createSrtpMikey,
  decodeMikey,
  encodeMikey,
  parseKeyMgmt,
  srtpKeyFromMikey,
} from "../mikey/mod.ts";
import { SrtpContext } from "../srtp/mod.ts";

/** A fresh random AES_CM_128_HMAC_SHA1_80 master key and salt. @internal */
export function newSrtpKey(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(30));
}

/**
 * The base64 MIKEY message that hands `keyAndSalt` to the peer, for SDP `a=key-mgmt:mikey` and
 * the `KeyMgmt` header (SPEC §7.2). MIKEY timestamps are wall-clock: they are checked by the peer
 * against its own clock. @internal
 */
export function mikeyBase64(
  keyAndSalt: Uint8Array,
  streams: { ssrc: number; roc: number }[],
): string {
  return encodeBase64(encodeMikey(createSrtpMikey({ keyAndSalt, cryptoSessions: streams })));
}

/**
 * The SRTP context that unprotects what a client sends, from its `KeyMgmt` header value.
 *
 * @throws {ParseError} When the header or its MIKEY message is unusable.
 * @internal
 */
export function srtpContextFromKeyMgmt(value: string): SrtpContext {
  const header = parseKeyMgmt(value);
  let bytes: Uint8Array;
  try {
    bytes = decodeBase64(header.data);
  } catch {
    throw new ParseError("INVALID_KEY_MGMT", "Cannot parse KeyMgmt header: invalid base64", {
      fatal: false,
    });
  }
  const key = srtpKeyFromMikey(decodeMikey(bytes));
  const rocs = new Map(key.cryptoSessions.map((c) => [c.ssrc, c.roc]));
  return new SrtpContext(key.keyAndSalt, { mki: key.mki, roc: (ssrc) => rocs.get(ssrc) ?? 0 });
}
