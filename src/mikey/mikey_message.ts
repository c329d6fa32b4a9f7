import { readUint16, readUint32 } from "../bytes/big_endian.ts";
import { ParseError } from "../errors.ts";

/** MIKEY payload type numbers (RFC 3830 §6.1, "next payload"). */
const PAYLOAD_LAST = 0;
const PAYLOAD_KEMAC = 1;
const PAYLOAD_T = 5;
const PAYLOAD_SP = 10;
const PAYLOAD_RAND = 11;
/** Key data sub-payload inside KEMAC (RFC 3830 §6.13). */
const PAYLOAD_KEY_DATA = 20;

/** Longest message decoded: far above the ~150 bytes of an SRTP key message. */
const MAX_MESSAGE_LENGTH = 8192;

/** One crypto session of the SRTP-ID CS ID map (RFC 3830 §6.1.1). */
export interface MikeySrtpCryptoSession {
  /** Index of the security policy (SP payload) that applies. */
  policyNo: number;
  /** SSRC of the RTP stream, 0 when unknown. */
  ssrc: number;
  /** Rollover counter of the stream at the time of the message. */
  roc: number;
}

/** The T payload: when the message was made (RFC 3830 §6.6). */
export interface MikeyTimestampPayload {
  kind: "timestamp";
  /** 0 NTP-UTC, 1 NTP (64 bits each), 2 COUNTER (32 bits). */
  tsType: number;
  /** NTP seconds since 1900 (or the counter value). */
  seconds: number;
  /** NTP fraction of a second in 1/2^32 (0 for a counter). */
  fraction: number;
}

/** The RAND payload (RFC 3830 §6.11). */
export interface MikeyRandPayload {
  kind: "rand";
  data: Uint8Array;
}

/** One parameter of a security policy. */
export interface MikeyPolicyParam {
  /** Parameter type (RFC 3830 §6.10.1: 0 encryption algorithm, 1 key length, …). */
  type: number;
  value: Uint8Array;
}

/** The SP payload: a security policy (RFC 3830 §6.10). */
export interface MikeySecurityPolicyPayload {
  kind: "sp";
  policyNo: number;
  /** Protocol type: 0 = SRTP. */
  protType: number;
  params: MikeyPolicyParam[];
}

/** A key data sub-payload (RFC 3830 §6.13). */
export interface MikeyKeyData {
  /** 0 TGK, 1 TGK+SALT, 2 TEK, 3 TEK+SALT. */
  type: number;
  key: Uint8Array;
  /** Present for types 1 and 3. */
  salt?: Uint8Array;
  /** Key validity: 0 none, 1 SPI/MKI, 2 interval. */
  kv: number;
  /** SPI (the SRTP MKI) when `kv` is 1. */
  spi?: Uint8Array;
  /** Valid-from and valid-to when `kv` is 2. */
  interval?: [Uint8Array, Uint8Array];
}

/** The KEMAC payload, with NULL encryption so that its key data is readable (RFC 3830 §6.2). */
export interface MikeyKemacPayload {
  kind: "kemac";
  /** Encryption algorithm: only 0 (NULL) can be decoded, which is what RTSP over TLS uses. */
  encrAlg: number;
  keys: MikeyKeyData[];
  /** MAC algorithm: 0 NULL, 1 HMAC-SHA-1-160. */
  macAlg: number;
  /** The MAC (empty for NULL). */
  mac: Uint8Array;
}

/** A payload this library understands. */
export type MikeyPayload =
  | MikeyTimestampPayload
  | MikeyRandPayload
  | MikeySecurityPolicyPayload
  | MikeyKemacPayload;

/**
 * A MIKEY message (RFC 3830) as RTSP clients and servers exchange it to carry SRTP keys:
 * a common header, then T, RAND, SP and KEMAC payloads.
 *
 * ```text
 * HDR:  version(8)=1 | data type(8) | next payload(8) | V(1) PRF(7) | CSB ID(32) | #CS(8) |
 *       CS ID map type(8)=0 SRTP-ID | #CS × { policy no(8) | SSRC(32) | ROC(32) }
 * T:    next(8) | TS type(8) | TS value (64 or 32)
 * RAND: next(8) | length(8) | RAND
 * SP:   next(8) | policy no(8) | prot type(8) | params length(16) | { type(8) | length(8) | value }
 * KEMAC: next(8) | encr alg(8) | encr data length(16) | key data sub-payloads | MAC alg(8) | MAC
 * key data: next(8) | type(4) KV(4) | key length(16) | key | [salt length(16) | salt] | [KV data]
 * ```
 *
 * @see {@link https://www.rfc-editor.org/rfc/rfc3830#section-6 RFC 3830 §6}
 */
export interface MikeyMessage {
  /** Data type: 0 = initiator's pre-shared key message, what RTSP uses. */
  dataType: number;
  /** V flag: a verification message is requested. */
  verify: boolean;
  /** PRF function: 0 = MIKEY-1. */
  prf: number;
  /** Crypto session bundle ID. */
  csbId: number;
  /** The SRTP crypto sessions of the bundle. */
  cryptoSessions: MikeySrtpCryptoSession[];
  /** Payloads in wire order. */
  payloads: MikeyPayload[];
}

/**
 * Decodes a MIKEY message. Bounded and total: any malformed, truncated, oversized or unsupported
 * input (other CS ID map types, encrypted KEMAC, unknown payloads) is a ParseError.
 *
 * @param bytes The message.
 * @returns The message.
 * @throws {ParseError} `INVALID_MIKEY`.
 *
 * @example Round trip
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeMikey, encodeMikey } from "./mikey_message.ts";
 * const msg = {
 *   dataType: 0, verify: false, prf: 0, csbId: 1,
 *   cryptoSessions: [{ policyNo: 0, ssrc: 0x1234, roc: 0 }],
 *   payloads: [{ kind: "rand" as const, data: new Uint8Array(16) }],
 * };
 * assert.deepEqual(decodeMikey(encodeMikey(msg)), msg);
 * ```
 */
export function decodeMikey(bytes: Uint8Array): MikeyMessage {
  if (bytes.length > MAX_MESSAGE_LENGTH) throw invalid("message too long", 0);
  const r = new Reader(bytes);
  if (r.u8() !== 1) throw invalid("unsupported version", 0);
  const dataType = r.u8();
  let next = r.u8();
  const vPrf = r.u8();
  const csbId = r.u32();
  const count = r.u8();
  const mapType = r.u8();
  if (mapType !== 0) throw invalid(`unsupported CS ID map type ${mapType}`, r.offset - 1);
  const cryptoSessions: MikeySrtpCryptoSession[] = [];
  for (let i = 0; i < count; i++) {
    cryptoSessions.push({ policyNo: r.u8(), ssrc: r.u32(), roc: r.u32() });
  }
  const payloads: MikeyPayload[] = [];
  while (next !== PAYLOAD_LAST) {
    const at = r.offset;
    const type = next;
    next = r.u8();
    switch (type) {
      case PAYLOAD_T: {
        const tsType = r.u8();
        if (tsType === 0 || tsType === 1) {
          payloads.push({ kind: "timestamp", tsType, seconds: r.u32(), fraction: r.u32() });
        } else if (tsType === 2) {
          payloads.push({ kind: "timestamp", tsType, seconds: r.u32(), fraction: 0 });
        } else {
          throw invalid(`unsupported timestamp type ${tsType}`, at);
        }
        break;
      }
      case PAYLOAD_RAND:
        payloads.push({ kind: "rand", data: r.bytes(r.u8()) });
        break;
      case PAYLOAD_SP: {
        const policyNo = r.u8();
        const protType = r.u8();
        const length = r.u16();
        const end = r.offset + length;
        const params: MikeyPolicyParam[] = [];
        while (r.offset < end) params.push({ type: r.u8(), value: r.bytes(r.u8()) });
        if (r.offset !== end) throw invalid("policy parameters overrun their length", at);
        payloads.push({ kind: "sp", policyNo, protType, params });
        break;
      }
      case PAYLOAD_KEMAC:
        payloads.push(decodeKemac(r, at));
        break;
      default:
        throw invalid(`unsupported payload type ${type}`, at);
    }
  }
  if (r.offset !== bytes.length) {
    throw invalid(`${bytes.length - r.offset} bytes after the last payload`, r.offset);
  }
  return {
    dataType,
    verify: (vPrf & 0x80) !== 0,
    prf: vPrf & 0x7f,
    csbId,
    cryptoSessions,
    payloads,
  };
}

function decodeKemac(r: Reader, at: number): MikeyKemacPayload {
  const encrAlg = r.u8();
  const length = r.u16();
  if (encrAlg !== 0) throw invalid(`unsupported KEMAC encryption ${encrAlg}`, at);
  const end = r.offset + length;
  const keys: MikeyKeyData[] = [];
  let next = PAYLOAD_KEY_DATA;
  while (r.offset < end) {
    if (next !== PAYLOAD_KEY_DATA) throw invalid(`unsupported KEMAC sub-payload ${next}`, r.offset);
    next = r.u8();
    const typeKv = r.u8();
    const type = typeKv >>> 4;
    const kv = typeKv & 0x0f;
    if (type > 3) throw invalid(`unsupported key data type ${type}`, r.offset - 1);
    const key: MikeyKeyData = { type, key: r.bytes(r.u16()), kv };
    if (type === 1 || type === 3) key.salt = r.bytes(r.u16());
    if (kv === 1) key.spi = r.bytes(r.u8());
    else if (kv === 2) key.interval = [r.bytes(r.u8()), r.bytes(r.u8())];
    else if (kv !== 0) throw invalid(`unsupported key validity ${kv}`, r.offset);
    keys.push(key);
  }
  if (r.offset !== end || next !== PAYLOAD_LAST) {
    throw invalid("key data overruns the KEMAC length", at);
  }
  const macAlg = r.u8();
  let mac: Uint8Array;
  if (macAlg === 0) mac = new Uint8Array(0);
  else if (macAlg === 1) mac = r.bytes(20);
  else throw invalid(`unsupported KEMAC MAC algorithm ${macAlg}`, r.offset - 1);
  return { kind: "kemac", encrAlg, keys, macAlg, mac };
}

/**
 * Encodes a MIKEY message.
 *
 * @param msg The message.
 * @returns The bytes.
 * @throws {RangeError} When a field does not fit its wire width.
 *
 * @example A RAND payload after the header
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeMikey } from "./mikey_message.ts";
 * const bytes = encodeMikey({
 *   dataType: 0, verify: false, prf: 0, csbId: 0, cryptoSessions: [],
 *   payloads: [{ kind: "rand", data: new Uint8Array([7]) }],
 * });
 * assert.deepEqual([...bytes], [1, 0, 11, 0, 0, 0, 0, 0, 0, 0, 0, 1, 7]);
 * ```
 */
export function encodeMikey(msg: MikeyMessage): Uint8Array {
  const w = new Writer();
  w.u8(1);
  w.u8(msg.dataType);
  w.u8(payloadType(msg.payloads[0]));
  w.u8((msg.verify ? 0x80 : 0) | (msg.prf & 0x7f));
  w.u32(msg.csbId);
  w.u8(msg.cryptoSessions.length);
  w.u8(0);
  for (const cs of msg.cryptoSessions) {
    w.u8(cs.policyNo);
    w.u32(cs.ssrc);
    w.u32(cs.roc);
  }
  msg.payloads.forEach((p, i) => {
    w.u8(payloadType(msg.payloads[i + 1]));
    switch (p.kind) {
      case "timestamp":
        w.u8(p.tsType);
        w.u32(p.seconds);
        if (p.tsType !== 2) w.u32(p.fraction);
        break;
      case "rand":
        w.u8(p.data.length);
        w.bytes(p.data);
        break;
      case "sp":
        w.u8(p.policyNo);
        w.u8(p.protType);
        w.u16(p.params.reduce((n, q) => n + 2 + q.value.length, 0));
        for (const q of p.params) {
          w.u8(q.type);
          w.u8(q.value.length);
          w.bytes(q.value);
        }
        break;
      case "kemac": {
        w.u8(p.encrAlg);
        const sub = new Writer();
        p.keys.forEach((k, j) => {
          sub.u8(j + 1 < p.keys.length ? PAYLOAD_KEY_DATA : PAYLOAD_LAST);
          sub.u8((k.type << 4) | k.kv);
          sub.u16(k.key.length);
          sub.bytes(k.key);
          if (k.type === 1 || k.type === 3) {
            sub.u16(k.salt?.length ?? 0);
            sub.bytes(k.salt ?? new Uint8Array(0));
          }
          if (k.kv === 1) {
            sub.u8(k.spi?.length ?? 0);
            sub.bytes(k.spi ?? new Uint8Array(0));
          } else if (k.kv === 2) {
            for (const v of k.interval ?? [new Uint8Array(0), new Uint8Array(0)]) {
              sub.u8(v.length);
              sub.bytes(v);
            }
          }
        });
        const data = sub.finish();
        w.u16(data.length);
        w.bytes(data);
        w.u8(p.macAlg);
        w.bytes(p.mac);
        break;
      }
    }
  });
  return w.finish();
}

function payloadType(p: MikeyPayload | undefined): number {
  switch (p?.kind) {
    case undefined:
      return PAYLOAD_LAST;
    case "timestamp":
      return PAYLOAD_T;
    case "rand":
      return PAYLOAD_RAND;
    case "sp":
      return PAYLOAD_SP;
    case "kemac":
      return PAYLOAD_KEMAC;
  }
}

class Reader {
  offset = 0;
  #b: Uint8Array;
  constructor(b: Uint8Array) {
    this.#b = b;
  }
  #need(n: number): void {
    if (this.offset + n > this.#b.length) throw invalid("truncated", this.offset);
  }
  u8(): number {
    this.#need(1);
    return this.#b[this.offset++];
  }
  u16(): number {
    this.#need(2);
    const v = readUint16(this.#b, this.offset);
    this.offset += 2;
    return v;
  }
  u32(): number {
    this.#need(4);
    const v = readUint32(this.#b, this.offset);
    this.offset += 4;
    return v;
  }
  bytes(n: number): Uint8Array {
    this.#need(n);
    const out = this.#b.slice(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }
}

class Writer {
  #parts: number[] = [];
  u8(v: number): void {
    if (!Number.isInteger(v) || v < 0 || v > 0xff) throw new RangeError(`Invalid MIKEY byte: ${v}`);
    this.#parts.push(v);
  }
  u16(v: number): void {
    if (!Number.isInteger(v) || v < 0 || v > 0xffff) {
      throw new RangeError(`Invalid MIKEY length: ${v}`);
    }
    this.#parts.push(v >>> 8, v & 0xff);
  }
  u32(v: number): void {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) {
      throw new RangeError(`Invalid MIKEY word: ${v}`);
    }
    this.#parts.push(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
  }
  bytes(b: Uint8Array): void {
    for (let i = 0; i < b.length; i++) this.#parts.push(b[i]);
  }
  finish(): Uint8Array {
    return new Uint8Array(this.#parts);
  }
}

function invalid(reason: string, offset: number): ParseError {
  return new ParseError("INVALID_MIKEY", `Cannot decode MIKEY message: ${reason}`, {
    offset,
    fatal: false,
  });
}
