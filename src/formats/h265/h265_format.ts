/**
 * The H.265 format (RFC 7798).
 *
 * @module
 */
import { decodeBase64, encodeBase64 } from "../../bytes/base64.ts";
import { ParseError } from "../../errors.ts";
import type { RtpPacket } from "../../rtp/rtp_packet.ts";
import type { Format } from "../format.ts";

/** Options of {@linkcode H265Format}. */
export interface H265FormatOptions {
  /** Dynamic payload type; default 96. */
  payloadType?: number;
  /** Video parameter set NAL unit. */
  vps?: Uint8Array;
  /** Sequence parameter set NAL unit. */
  sps?: Uint8Array;
  /** Picture parameter set NAL unit. */
  pps?: Uint8Array;
  /** `sprop-max-don-diff` (RFC 7798 §7.1); > 0 means DONL fields are present. Default 0. */
  maxDonDiff?: number;
  /** `sprop-depack-buf-nalus` (RFC 7798 §7.1); absent by default. */
  depackBufNalus?: number;
}

const NAL_VPS = 32;
const NAL_SPS = 33;
const NAL_PPS = 34;
const NAL_AP = 48;
const NAL_FU = 49;

function isRandomAccess(type: number): boolean {
  return (type >= 16 && type <= 21) || type === NAL_VPS || type === NAL_SPS || type === NAL_PPS;
}

function invalid(key: string, value: string): ParseError {
  return new ParseError(
    "SDP_INVALID_FORMAT",
    `Cannot parse H265 format: invalid ${key} "${value}"`,
    { fatal: false },
  );
}

/** Reads an sprop parameter of RFC 7798 §7.1 that is an integer from 0 to 32767. */
function parseSpropInteger(key: string, value: string): number {
  const v = value.trim();
  if (!/^\d{1,5}$/.test(v) || Number(v) > 32767) throw invalid(key, value);
  return Number(v);
}

function decodeParameterSet(key: string, value: string): Uint8Array | undefined {
  // Only the first parameter set of a comma-separated list is kept.
  const first = value.split(",")[0].trim();
  if (first === "") return undefined;
  try {
    return decodeBase64(first);
  } catch {
    throw invalid(key, value);
  }
}

/**
 * H.265 video ([RFC 7798](https://www.rfc-editor.org/rfc/rfc7798)), clock rate 90000,
 * rtpmap `H265/90000`, fmtp `sprop-vps`, `sprop-sps`, `sprop-pps` (base64), and
 * `sprop-max-don-diff` and `sprop-depack-buf-nalus` for streams with DONL fields (pass them to
 * `H265Packetizer` and `H265Depacketizer`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { H265Format } from "./h265_format.ts";
 * const format = new H265Format({ vps: new Uint8Array([0x40, 0x01]) });
 * assert.deepEqual(format.fmtp(), { "sprop-vps": "QAE=" });
 * ```
 */
export class H265Format implements Format {
  /** Always `"H265"`. */
  readonly codec = "H265";
  /** Always 90000. */
  readonly clockRate = 90000;
  /** The RTP payload type. */
  readonly payloadType: number;
  /** Current video parameter set, if known. */
  vps?: Uint8Array;
  /** Current sequence parameter set, if known. */
  sps?: Uint8Array;
  /** Current picture parameter set, if known. */
  pps?: Uint8Array;
  /** `sprop-max-don-diff`; 0 when absent. */
  maxDonDiff: number;
  /** `sprop-depack-buf-nalus`; undefined when absent. */
  depackBufNalus?: number;

  /** @param options Payload type and parameter sets. */
  constructor(options: H265FormatOptions = {}) {
    this.payloadType = options.payloadType ?? 96;
    this.vps = options.vps;
    this.sps = options.sps;
    this.pps = options.pps;
    this.maxDonDiff = options.maxDonDiff ?? 0;
    this.depackBufNalus = options.depackBufNalus;
  }

  /**
   * Builds the format from SDP attributes.
   *
   * @param payloadType The payload type.
   * @param fmtp Format parameters with lower-case keys.
   * @throws {ParseError} On invalid base64, or a `sprop-max-don-diff` or
   *   `sprop-depack-buf-nalus` that is not an integer from 0 to 32767.
   */
  static fromSdp(payloadType: number, fmtp: Record<string, string> | undefined): H265Format {
    const format = new H265Format({ payloadType });
    for (const [key, value] of Object.entries(fmtp ?? {})) {
      switch (key) {
        case "sprop-vps":
          format.vps = decodeParameterSet(key, value);
          break;
        case "sprop-sps":
          format.sps = decodeParameterSet(key, value);
          break;
        case "sprop-pps":
          format.pps = decodeParameterSet(key, value);
          break;
        case "sprop-max-don-diff":
          format.maxDonDiff = parseSpropInteger(key, value);
          break;
        case "sprop-depack-buf-nalus":
          format.depackBufNalus = parseSpropInteger(key, value);
          break;
      }
    }
    return format;
  }

  /** @returns `"H265/90000"`. */
  rtpMap(): string {
    return "H265/90000";
  }

  /**
   * @returns `sprop-vps`, `sprop-sps`, `sprop-pps`, `sprop-max-don-diff` and
   *   `sprop-depack-buf-nalus` when set.
   */
  fmtp(): Record<string, string> | undefined {
    const fmtp: Record<string, string> = {};
    if (this.maxDonDiff !== 0) fmtp["sprop-max-don-diff"] = String(this.maxDonDiff);
    if (this.depackBufNalus !== undefined) {
      fmtp["sprop-depack-buf-nalus"] = String(this.depackBufNalus);
    }
    if (this.vps !== undefined) fmtp["sprop-vps"] = encodeBase64(this.vps);
    if (this.sps !== undefined) fmtp["sprop-sps"] = encodeBase64(this.sps);
    if (this.pps !== undefined) fmtp["sprop-pps"] = encodeBase64(this.pps);
    return Object.keys(fmtp).length > 0 ? fmtp : undefined;
  }

  /**
   * True when the packet carries an IRAP picture (NAL types 16–21), VPS, SPS or PPS: as a
   * single NAL unit, inside an aggregation packet (type 48, RFC 7798 §4.4.2) or as the start
   * fragment of a fragmentation unit (type 49, §4.4.3).
   *
   * @param pkt An RTP packet of this format.
   */
  ptsEqualsDts(pkt: RtpPacket): boolean {
    const p = pkt.payload;
    if (p.length < 2) return false;
    const type = (p[0] >> 1) & 0x3f;
    const donl = this.maxDonDiff > 0;
    if (type === NAL_AP) {
      let o = 2;
      let first = true;
      for (;;) {
        if (donl) o += first ? 2 : 1; // DONL, then DOND fields
        first = false;
        if (o + 2 >= p.length) return false;
        const size = (p[o] << 8) | p[o + 1];
        o += 2;
        if (size < 2 || o + size > p.length) return false;
        if (isRandomAccess((p[o] >> 1) & 0x3f)) return true;
        o += size;
      }
    }
    if (type === NAL_FU) {
      return p.length >= 3 && (p[2] & 0x80) !== 0 && isRandomAccess(p[2] & 0x3f);
    }
    return isRandomAccess(type);
  }
}
