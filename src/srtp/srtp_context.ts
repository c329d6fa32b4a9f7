import { readUint16, readUint32, writeUint32 } from "../bytes/big_endian.ts";
import { ParseError } from "../errors.ts";
import { Aes128 } from "./aes128.ts";
import { applyAesCm } from "./aes_cm.ts";
import { HmacSha1 } from "./hmac_sha1.ts";
import {
  deriveSrtpSessionKeys,
  SRTP_MASTER_KEY_LENGTH,
  SRTP_MASTER_SALT_LENGTH,
  type SrtpSessionKeys,
} from "./key_derivation.ts";
import { ReplayWindow } from "./_replay_window.ts";

/** Length of the truncated HMAC-SHA1 tag of AES_CM_128_HMAC_SHA1_80. */
export const SRTP_AUTH_TAG_LENGTH = 10;
/** Bytes SRTP adds to an RTP packet without MKI (RFC 3711 §3.1). */
export const SRTP_OVERHEAD = 10;
/** Bytes SRTCP adds to an RTCP packet without MKI: E flag + index, and the tag (§3.4). */
export const SRTCP_OVERHEAD = 14;
/** Longest MKI accepted: 4 bytes, as Axis cameras send. */
export const SRTP_MAX_MKI_LENGTH = 4;

/** Per-SSRC states kept at most, so a flood of forged SSRCs cannot grow memory. */
const MAX_SSRCS = 64;
/** The SRTCP index is 31 bits. */
const SRTCP_INDEX_MASK = 0x7fffffff;

/** Options of {@linkcode SrtpContext}. */
export interface SrtpContextOptions {
  /** Master key identifier carried in every packet (0–4 bytes). */
  mki?: Uint8Array;
  /** Initial rollover counter of every SSRC (from MIKEY's CS ID map; default 0). */
  roc?: (ssrc: number) => number;
}

class RtpState {
  roc: number;
  /** Highest sequence number seen (s_l), or -1 before the first packet. */
  seq = -1;
  readonly window = new ReplayWindow();
  constructor(roc: number) {
    this.roc = roc;
  }
}

class RtcpState {
  index = 0;
  readonly window = new ReplayWindow();
}

function newRtcpState(): RtcpState {
  return new RtcpState();
}

class Direction {
  readonly aes: Aes128;
  readonly mac: HmacSha1;
  readonly salt: Int32Array;
  constructor(keys: SrtpSessionKeys) {
    this.aes = new Aes128(keys.encryptionKey);
    this.mac = new HmacSha1(keys.authenticationKey);
    const s = new Uint8Array(16);
    s.set(keys.salt);
    this.salt = new Int32Array(4);
    for (let i = 0; i < 4; i++) this.salt[i] = readUint32(s, 4 * i);
  }
}

/**
 * An SRTP/SRTCP crypto context for AES_CM_128_HMAC_SHA1_80 (RFC 3711), one master key in one
 * direction: a sender protects with it, a receiver unprotects. Synchronous and allocation-light,
 * so it can sit on the packet path.
 *
 * ```text
 *  SRTP:  | RTP header | encrypted payload | MKI (opt) | auth tag (10) |
 *  SRTCP: | hdr + SSRC (8) | encrypted rest | E | SRTCP index (31) | MKI (opt) | auth tag (10) |
 * ```
 *
 * The receiver estimates the rollover counter from the highest sequence number seen
 * (RFC 3711 §3.3.1) and rejects replays outside or inside a 64-packet window (§3.3.2). The sender
 * tracks its rollover counter from the sequence numbers it is given, so packets may be protected
 * out of order.
 *
 * @see {@link https://www.rfc-editor.org/rfc/rfc3711 RFC 3711}
 *
 * @example Round trip
 * ```ts
 * import assert from "node:assert/strict";
 * import { SrtpContext } from "./srtp_context.ts";
 * const key = new Uint8Array(30).fill(7);
 * const rtp = new Uint8Array([0x80, 96, 0, 1, 0, 0, 0, 0, 0, 0, 0, 5, 0xaa, 0xbb]);
 * const srtp = new SrtpContext(key).protectRtp(rtp);
 * assert.equal(srtp.length, rtp.length + 10);
 * assert.deepEqual(new SrtpContext(key).unprotectRtp(srtp), rtp);
 * ```
 */
export class SrtpContext {
  #rtp: Direction;
  #rtcp: Direction;
  #mki: Uint8Array;
  #initialRoc: (ssrc: number) => number;
  #rtpStates = new Map<number, RtpState>();
  #rtcpStates = new Map<number, RtcpState>();
  #iv = new Int32Array(4);
  #roc = new Uint8Array(4);
  #tag = new Uint8Array(SRTP_AUTH_TAG_LENGTH);
  /** Made once, not per packet: the RTP state of a new SSRC, at its initial rollover counter. */
  #newRtpState = (ssrc: number): RtpState => new RtpState(this.#initialRoc(ssrc) >>> 0);

  /**
   * @param masterKeyAndSalt 30 bytes: 16-byte master key then 14-byte master salt.
   * @param options MKI and initial rollover counters.
   * @throws {RangeError} When the key or MKI has a wrong length.
   */
  constructor(masterKeyAndSalt: Uint8Array, options: SrtpContextOptions = {}) {
    if (masterKeyAndSalt.length !== SRTP_MASTER_KEY_LENGTH + SRTP_MASTER_SALT_LENGTH) {
      throw new RangeError(`Invalid SRTP master key and salt length: ${masterKeyAndSalt.length}`);
    }
    const mki = options.mki ?? new Uint8Array(0);
    if (mki.length > SRTP_MAX_MKI_LENGTH) throw new RangeError(`Invalid MKI length: ${mki.length}`);
    const keys = deriveSrtpSessionKeys(
      masterKeyAndSalt.subarray(0, SRTP_MASTER_KEY_LENGTH),
      masterKeyAndSalt.subarray(SRTP_MASTER_KEY_LENGTH),
    );
    this.#rtp = new Direction(keys.rtp);
    this.#rtcp = new Direction(keys.rtcp);
    this.#mki = mki.slice();
    this.#initialRoc = options.roc ?? (() => 0);
  }

  /** Bytes added to each RTP packet (tag and MKI). */
  get rtpOverhead(): number {
    return SRTP_OVERHEAD + this.#mki.length;
  }

  /** Bytes added to each RTCP packet (E flag + index, tag and MKI). */
  get rtcpOverhead(): number {
    return SRTCP_OVERHEAD + this.#mki.length;
  }

  /**
   * The rollover counter currently used for `ssrc` (0 before its first packet, or the initial one).
   *
   * @param ssrc The SSRC.
   * @returns The rollover counter.
   */
  roc(ssrc: number): number {
    return this.#rtpStates.get(ssrc >>> 0)?.roc ?? (this.#initialRoc(ssrc >>> 0) >>> 0);
  }

  /**
   * Encrypts and authenticates an RTP packet.
   *
   * @param packet A plain RTP packet (not modified unless `into` shares its bytes).
   * @param into Where to write, at least `packet.length + rtpOverhead` bytes; may start at the
   * packet's first byte to protect in place. Allocated when absent.
   * @returns The SRTP packet: a view of `into`.
   * @throws {RangeError} When the packet is not RTP or `into` is too short.
   */
  protectRtp(packet: Uint8Array, into?: Uint8Array): Uint8Array {
    const length = packet.length;
    const headerLength = rtpHeaderLength(packet);
    if (headerLength < 0) throw new RangeError("Cannot protect RTP packet: invalid header");
    const total = length + this.rtpOverhead;
    const out = into ?? new Uint8Array(total);
    if (out.length < total) throw new RangeError("Cannot protect RTP packet: buffer too short");
    if (out.buffer !== packet.buffer || out.byteOffset !== packet.byteOffset) out.set(packet);
    const ssrc = readUint32(packet, 8);
    const seq = readUint16(packet, 2);
    const roc = this.#senderRoc(ssrc, seq);
    const d = this.#rtp;
    this.#setIv(d, ssrc, roc, seq);
    applyAesCm(d.aes, this.#iv, out, headerLength, length);
    let p = length;
    out.set(this.#mki, p);
    p += this.#mki.length;
    this.#rtpTag(out, length, roc, out, p);
    return out.subarray(0, total);
  }

  /**
   * Records that a sender sent RTP packet `seq` of `ssrc` without protecting it (no secure
   * receiver at that moment), so that its rollover counter keeps counting wraps.
   *
   * @param ssrc The SSRC.
   * @param seq The sequence number.
   */
  advanceRtp(ssrc: number, seq: number): void {
    this.#senderRoc(ssrc >>> 0, seq & 0xffff);
  }

  #senderRoc(ssrc: number, seq: number): number {
    const state = this.#senderState(this.#rtpStates, ssrc, this.#newRtpState);
    if (state.seq < 0) {
      state.seq = seq;
      return state.roc;
    }
    const roc = estimateRoc(state, seq);
    if (roc > state.roc || (roc === state.roc && seq > state.seq)) {
      state.roc = roc;
      state.seq = seq;
    }
    return roc;
  }

  /**
   * Authenticates and decrypts an SRTP packet.
   *
   * @param packet The SRTP packet (not modified).
   * @returns A new buffer with the plain RTP packet.
   * @throws {ParseError} `SRTP_INVALID` (too short, not RTP, wrong MKI), `SRTP_AUTH_FAILED`,
   * `SRTP_REPLAYED` or `SRTP_TOO_MANY_SSRCS`.
   */
  unprotectRtp(packet: Uint8Array): Uint8Array {
    const mkiLength = this.#mki.length;
    const headerLength = rtpHeaderLength(packet);
    const length = packet.length - SRTP_AUTH_TAG_LENGTH - mkiLength;
    if (headerLength < 0 || length < headerLength) {
      throw srtpError("SRTP_INVALID", "Cannot unprotect SRTP packet: invalid or too short");
    }
    this.#checkMki(packet, length);
    const ssrc = readUint32(packet, 8);
    const seq = readUint16(packet, 2);
    const states = this.#rtpStates;
    const state = this.#receiverState(states, ssrc, this.#newRtpState, "SRTP");
    const roc = state.seq < 0 ? state.roc : estimateRoc(state, seq);
    const index = roc * 65536 + seq;
    if (!state.window.isFresh(index)) {
      throw srtpError("SRTP_REPLAYED", "Cannot unprotect SRTP packet: replayed");
    }
    const tag = this.#tag;
    this.#rtpTag(packet, length, roc, tag, 0);
    if (!tagMatches(tag, packet, length + mkiLength)) {
      throw srtpError("SRTP_AUTH_FAILED", "Cannot unprotect SRTP packet: authentication failed");
    }
    // Authenticated: now a new SSRC's state is kept (for a known one this changes nothing).
    states.set(ssrc, state);
    state.window.accept(index);
    if (state.seq < 0 || roc > state.roc || (roc === state.roc && seq > state.seq)) {
      state.roc = roc;
      state.seq = seq;
    }
    const out = packet.slice(0, length);
    const d = this.#rtp;
    this.#setIv(d, ssrc, roc, seq);
    applyAesCm(d.aes, this.#iv, out, headerLength, length);
    return out;
  }

  /**
   * Encrypts and authenticates an RTCP (compound) packet, with the next SRTCP index of the
   * sender SSRC.
   *
   * @param packet A plain RTCP packet of at least 8 bytes.
   * @param into Where to write, at least `packet.length + rtcpOverhead` bytes (may alias
   * `packet` at its first byte). Allocated when absent.
   * @returns The SRTCP packet: a view of `into`.
   * @throws {RangeError} When the packet is shorter than 8 bytes or `into` is too short.
   */
  protectRtcp(packet: Uint8Array, into?: Uint8Array): Uint8Array {
    const length = packet.length;
    if (length < 8) throw new RangeError("Cannot protect RTCP packet: shorter than 8 bytes");
    const total = length + this.rtcpOverhead;
    const out = into ?? new Uint8Array(total);
    if (out.length < total) throw new RangeError("Cannot protect RTCP packet: buffer too short");
    if (out.buffer !== packet.buffer || out.byteOffset !== packet.byteOffset) out.set(packet);
    const ssrc = readUint32(packet, 4);
    const state = this.#senderState(this.#rtcpStates, ssrc, newRtcpState);
    const index = state.index;
    state.index = (index + 1) & SRTCP_INDEX_MASK;
    const d = this.#rtcp;
    this.#setIv(d, ssrc, index >>> 16, index);
    applyAesCm(d.aes, this.#iv, out, 8, length);
    // E flag set: the packet is encrypted.
    writeUint32(out, length, (index | 0x80000000) >>> 0);
    let p = length + 4;
    out.set(this.#mki, p);
    p += this.#mki.length;
    const mac = d.mac;
    mac.update(out, 0, length + 4);
    mac.digestInto(out, p, SRTP_AUTH_TAG_LENGTH);
    return out.subarray(0, total);
  }

  /**
   * Authenticates and decrypts an SRTCP packet.
   *
   * @param packet The SRTCP packet (not modified).
   * @returns A new buffer with the plain RTCP packet.
   * @throws {ParseError} `SRTP_INVALID`, `SRTP_AUTH_FAILED`, `SRTP_REPLAYED` or
   * `SRTP_TOO_MANY_SSRCS`.
   */
  unprotectRtcp(packet: Uint8Array): Uint8Array {
    const mkiLength = this.#mki.length;
    const length = packet.length - SRTCP_OVERHEAD - mkiLength;
    if (length < 8) {
      throw srtpError("SRTP_INVALID", "Cannot unprotect SRTCP packet: too short");
    }
    this.#checkMki(packet, length + 4);
    const ssrc = readUint32(packet, 4);
    const states = this.#rtcpStates;
    const state = this.#receiverState(states, ssrc, newRtcpState, "SRTCP");
    const word = readUint32(packet, length);
    const encrypted = word >= 0x80000000;
    const index = word & SRTCP_INDEX_MASK;
    if (!state.window.isFresh(index)) {
      throw srtpError("SRTP_REPLAYED", "Cannot unprotect SRTCP packet: replayed");
    }
    const d = this.#rtcp;
    const tag = this.#tag;
    d.mac.update(packet, 0, length + 4);
    d.mac.digestInto(tag, 0, SRTP_AUTH_TAG_LENGTH);
    if (!tagMatches(tag, packet, length + 4 + mkiLength)) {
      throw srtpError("SRTP_AUTH_FAILED", "Cannot unprotect SRTCP packet: authentication failed");
    }
    // Authenticated: as for SRTP, a new SSRC's state is kept only now.
    states.set(ssrc, state);
    state.window.accept(index);
    const out = packet.slice(0, length);
    if (encrypted) {
      this.#setIv(d, ssrc, index >>> 16, index);
      applyAesCm(d.aes, this.#iv, out, 8, length);
    }
    return out;
  }

  #checkMki(packet: Uint8Array, at: number): void {
    const mki = this.#mki;
    for (let i = 0; i < mki.length; i++) {
      if (packet[at + i] !== mki[i]) {
        throw srtpError("SRTP_INVALID", "Cannot unprotect SRTP packet: unknown MKI");
      }
    }
  }

  /**
   * The receiver state of `ssrc` in `states`; for a new SSRC, a fresh state that is not kept yet.
   * The caller keeps it (`states.set`) only once its packet authenticates, so forged SSRCs cannot
   * fill the table and lock the genuine sender out; a new SSRC beyond `MAX_SSRCS`
   * authenticated ones is refused.
   */
  #receiverState<S>(
    states: Map<number, S>,
    ssrc: number,
    create: (ssrc: number) => S,
    protocol: "SRTP" | "SRTCP",
  ): S {
    const state = states.get(ssrc);
    if (state !== undefined) return state;
    if (states.size >= MAX_SSRCS) {
      throw srtpError("SRTP_TOO_MANY_SSRCS", `Cannot unprotect ${protocol} packet: too many SSRCs`);
    }
    return create(ssrc);
  }

  /** The sender state of `ssrc` in `states`, made and kept when missing. */
  #senderState<S>(states: Map<number, S>, ssrc: number, create: (ssrc: number) => S): S {
    let state = states.get(ssrc);
    if (state === undefined) {
      if (states.size >= MAX_SSRCS) {
        // A sender owns its SSRCs; forget the oldest rather than refuse to send.
        states.delete(states.keys().next().value!);
      }
      state = create(ssrc);
      states.set(ssrc, state);
    }
    return state;
  }

  /**
   * IV = salt·2^16 XOR SSRC·2^64 XOR index·2^16 (RFC 3711 §4.1.1), with the 48-bit index given as
   * its top 32 bits `high` (the ROC, or the SRTCP index's top 15 bits) and low 16 bits `low`.
   */
  #setIv(d: Direction, ssrc: number, high: number, low: number): void {
    const iv = this.#iv;
    const salt = d.salt;
    iv[0] = salt[0];
    iv[1] = salt[1] ^ ssrc;
    // The index sits in bits 16..63: `high` fills word 2, `low` the top half of word 3; the
    // bottom half stays zero for the block counter.
    iv[2] = salt[2] ^ high;
    iv[3] = (((salt[3] >>> 16) ^ low) & 0xffff) << 16;
  }

  /** HMAC-SHA1-80 over `data[0, length)` followed by the ROC. */
  #rtpTag(data: Uint8Array, length: number, roc: number, out: Uint8Array, at: number): void {
    const mac = this.#rtp.mac;
    mac.update(data, 0, length);
    writeUint32(this.#roc, 0, roc >>> 0);
    mac.update(this.#roc);
    mac.digestInto(out, at, SRTP_AUTH_TAG_LENGTH);
  }
}

/** RFC 3711 §3.3.1: the ROC guess `v` for sequence number `seq` given the highest one, s_l. */
function estimateRoc(state: RtpState, seq: number): number {
  const sl = state.seq;
  const roc = state.roc;
  if (sl < 32768) {
    if (seq - sl > 32768 && roc > 0) return roc - 1;
    return roc;
  }
  if (sl - 32768 > seq) return (roc + 1) >>> 0;
  return roc;
}

/** Length of the RTP header including CSRCs and extension, or -1 when it is not RTP. */
function rtpHeaderLength(p: Uint8Array): number {
  if (p.length < 12 || p[0] >>> 6 !== 2) return -1;
  let n = 12 + 4 * (p[0] & 0x0f);
  if ((p[0] & 0x10) !== 0) {
    if (p.length < n + 4) return -1;
    n += 4 + 4 * readUint16(p, n + 2);
  }
  return n <= p.length ? n : -1;
}

/** Compares the tag in constant time for a given length. */
function tagMatches(tag: Uint8Array, packet: Uint8Array, at: number): boolean {
  let diff = 0;
  for (let i = 0; i < SRTP_AUTH_TAG_LENGTH; i++) diff |= tag[i] ^ packet[at + i];
  return diff === 0;
}

function srtpError(code: string, message: string): ParseError {
  return new ParseError(code, message, { fatal: false });
}
