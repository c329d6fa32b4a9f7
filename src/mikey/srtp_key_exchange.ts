import { ParseError } from "../errors.ts";
import type { MikeyKemacPayload, MikeyMessage, MikeySrtpCryptoSession } from "./mikey_message.ts";

/** Seconds between the NTP epoch (1900) and the Unix epoch (1970). */
const NTP_UNIX_OFFSET_S = 2208988800;
/** RFC 3830 §5.4 lets the receiver choose the allowed clock skew; one hour as gortsplib. */
const DEFAULT_MAX_CLOCK_SKEW_MS = 3600_000;
const SRTP_KEY_AND_SALT_LENGTH = 30;

/** SRTP security policy parameter types (RFC 3830 §6.10.1). */
const SP_ENCRYPTION_ALGORITHM = 0;
const SP_ENCRYPTION_KEY_LENGTH = 1;
const SP_AUTH_ALGORITHM = 2;
const SP_AUTH_KEY_LENGTH = 3;
const SP_SALT_KEY_LENGTH = 4;
const SP_KEY_DERIVATION_RATE = 6;
const SP_SRTP_ENCRYPTION = 7;
const SP_SRTCP_ENCRYPTION = 8;
const SP_SRTP_AUTHENTICATION = 10;
const SP_AUTH_TAG_LENGTH = 11;

/** SRTP keying material carried by a MIKEY message. */
export interface MikeySrtpKey {
  /** 30 bytes: 16-byte master key then 14-byte master salt. */
  keyAndSalt: Uint8Array;
  /** The MKI (SPI of the key data), when the key has one. */
  mki?: Uint8Array;
  /** SSRCs and rollover counters of the streams the key protects. */
  cryptoSessions: MikeySrtpCryptoSession[];
}

/** Options of {@linkcode createSrtpMikey}. */
export interface CreateSrtpMikeyOptions {
  /** 30 bytes: master key then master salt. */
  keyAndSalt: Uint8Array;
  /** SSRCs and rollover counters of the streams the key protects. */
  cryptoSessions: { ssrc: number; roc: number }[];
  /** MKI to advertise (0–4 bytes). */
  mki?: Uint8Array;
  /** Current time in Unix milliseconds (default `Date.now()`). */
  nowMs?: number;
}

/**
 * Builds the MIKEY message an RTSP peer sends to hand over an AES_CM_128_HMAC_SHA1_80 key, in
 * the shape GStreamer produces: HDR (pre-shared key, SRTP-ID map) · T (NTP-UTC) · RAND (16) ·
 * SP (SRTP) · KEMAC (NULL encryption, NULL MAC, one TEK). The key travels in clear, so this is
 * only safe inside RTSPS.
 *
 * @param options Key, crypto sessions, MKI and time.
 * @returns The message.
 *
 * @example Build a key message and read it back
 * ```ts
 * import assert from "node:assert/strict";
 * import { createSrtpMikey, srtpKeyFromMikey } from "./srtp_key_exchange.ts";
 * const keyAndSalt = new Uint8Array(30).fill(1);
 * const msg = createSrtpMikey({ keyAndSalt, cryptoSessions: [{ ssrc: 5, roc: 0 }] });
 * assert.deepEqual(srtpKeyFromMikey(msg).keyAndSalt, keyAndSalt);
 * ```
 */
export function createSrtpMikey(options: CreateSrtpMikeyOptions): MikeyMessage {
  if (options.keyAndSalt.length !== SRTP_KEY_AND_SALT_LENGTH) {
    throw new RangeError(`Invalid SRTP key length: ${options.keyAndSalt.length}`);
  }
  const ntpMs = (options.nowMs ?? Date.now()) + NTP_UNIX_OFFSET_S * 1000;
  const seconds = Math.floor(ntpMs / 1000);
  const fraction = Math.floor(((ntpMs - seconds * 1000) / 1000) * 0x100000000);
  const csb = new Uint32Array(1);
  crypto.getRandomValues(csb);
  const mki = options.mki;
  return {
    dataType: 0,
    verify: false,
    prf: 0,
    csbId: csb[0],
    cryptoSessions: options.cryptoSessions.map((c) => ({ policyNo: 0, ssrc: c.ssrc, roc: c.roc })),
    payloads: [
      { kind: "timestamp", tsType: 0, seconds: seconds >>> 0, fraction: fraction >>> 0 },
      { kind: "rand", data: crypto.getRandomValues(new Uint8Array(16)) },
      {
        kind: "sp",
        policyNo: 0,
        protType: 0,
        params: [
          { type: SP_ENCRYPTION_ALGORITHM, value: new Uint8Array([1]) }, // AES-CM
          { type: SP_ENCRYPTION_KEY_LENGTH, value: new Uint8Array([16]) },
          { type: SP_AUTH_ALGORITHM, value: new Uint8Array([1]) }, // HMAC-SHA-1
          // Interop: GStreamer reads this as the tag length (10 ⇒ hmac-sha1-80), not the
          // 20-byte key length RFC 3830 means; sending 20 would make it pick no tag at all.
          { type: SP_AUTH_KEY_LENGTH, value: new Uint8Array([10]) },
          { type: SP_SRTP_ENCRYPTION, value: new Uint8Array([1]) },
          { type: SP_SRTCP_ENCRYPTION, value: new Uint8Array([1]) },
          { type: SP_SRTP_AUTHENTICATION, value: new Uint8Array([1]) },
        ],
      },
      {
        kind: "kemac",
        encrAlg: 0,
        keys: [{
          type: 2, // TEK: 30 bytes of key and salt, as GStreamer sends them
          key: options.keyAndSalt.slice(),
          kv: mki !== undefined && mki.length > 0 ? 1 : 0,
          ...(mki !== undefined && mki.length > 0 ? { spi: mki.slice() } : {}),
        }],
        macAlg: 0,
        mac: new Uint8Array(0),
      },
    ],
  };
}

/**
 * Extracts an AES_CM_128_HMAC_SHA1_80 key from a MIKEY message and checks that the message is
 * usable: a T payload within the allowed clock skew, a security policy this library implements,
 * and a readable KEMAC with a 30-byte TEK (or a 16-byte TEK with a 14-byte salt) and an MKI of at
 * most 4 bytes.
 *
 * @param msg The decoded message.
 * @param nowMs Current time in Unix milliseconds (default `Date.now()`).
 * @param maxClockSkewMs Allowed distance of the message timestamp (default one hour).
 * @returns The key.
 * @throws {ParseError} `INVALID_MIKEY` when the message cannot be used.
 *
 * @example A message older than one hour is refused
 * ```ts
 * import assert from "node:assert/strict";
 * import { createSrtpMikey, srtpKeyFromMikey } from "./srtp_key_exchange.ts";
 * const msg = createSrtpMikey({ keyAndSalt: new Uint8Array(30), cryptoSessions: [], nowMs: 0 });
 * assert.throws(() => srtpKeyFromMikey(msg, 2 * 3600_000));
 * ```
 */
export function srtpKeyFromMikey(
  msg: MikeyMessage,
  nowMs: number = Date.now(),
  maxClockSkewMs: number = DEFAULT_MAX_CLOCK_SKEW_MS,
): MikeySrtpKey {
  const t = msg.payloads.find((p) => p.kind === "timestamp");
  if (t === undefined) throw invalid("missing timestamp");
  if (t.tsType !== 2) {
    const ms = (t.seconds - NTP_UNIX_OFFSET_S) * 1000 + (t.fraction / 0x100000000) * 1000;
    if (Math.abs(ms - nowMs) > maxClockSkewMs) throw invalid("timestamp too far from now");
  }
  for (const p of msg.payloads) {
    if (p.kind !== "sp") continue;
    if (p.protType !== 0) throw invalid(`unsupported protocol type ${p.protType}`);
    for (const param of p.params) checkPolicyParam(param.type, param.value);
  }
  const kemac = msg.payloads.find((p): p is MikeyKemacPayload => p.kind === "kemac");
  if (kemac === undefined) throw invalid("missing KEMAC");
  const tek = kemac.keys.find((k) => k.type === 2 || k.type === 3);
  if (tek === undefined) throw invalid("missing TEK");
  let keyAndSalt: Uint8Array;
  if (tek.type === 2 && tek.key.length === SRTP_KEY_AND_SALT_LENGTH) {
    keyAndSalt = tek.key;
  } else if (tek.type === 3 && tek.key.length === 16 && tek.salt?.length === 14) {
    keyAndSalt = new Uint8Array(SRTP_KEY_AND_SALT_LENGTH);
    keyAndSalt.set(tek.key);
    keyAndSalt.set(tek.salt, 16);
  } else {
    throw invalid("unsupported TEK length");
  }
  const out: MikeySrtpKey = { keyAndSalt, cryptoSessions: msg.cryptoSessions };
  if (tek.kv === 1 && tek.spi !== undefined && tek.spi.length > 0) {
    if (tek.spi.length > 4) throw invalid("MKI longer than 4 bytes");
    out.mki = tek.spi;
  }
  return out;
}

function checkPolicyParam(type: number, value: Uint8Array): void {
  if (!policyParamOk(type, value)) throw invalid(`unsupported security policy parameter ${type}`);
}

/** Whether a security policy parameter asks for what this library implements (unknown ones pass). */
function policyParamOk(type: number, value: Uint8Array): boolean {
  const v = value.length === 1 ? value[0] : -1;
  switch (type) {
    case SP_ENCRYPTION_ALGORITHM:
    case SP_AUTH_ALGORITHM:
      return v === 1;
    case SP_ENCRYPTION_KEY_LENGTH:
      return v === 16;
    case SP_AUTH_KEY_LENGTH:
      // 20 per RFC 3830; 10 from GStreamer and Axis (who mean the 80-bit tag).
      return v === 20 || v === 10;
    case SP_SALT_KEY_LENGTH:
      return v === 14;
    case SP_KEY_DERIVATION_RATE:
      return value.every((b) => b === 0);
    case SP_SRTP_ENCRYPTION:
    case SP_SRTCP_ENCRYPTION:
    case SP_SRTP_AUTHENTICATION:
      return v === 1;
    case SP_AUTH_TAG_LENGTH:
      return v === 10;
    default:
      return true;
  }
}

function invalid(reason: string): ParseError {
  return new ParseError("INVALID_MIKEY", `Cannot use MIKEY message: ${reason}`, { fatal: false });
}
