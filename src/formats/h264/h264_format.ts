/**
 * The H.264 format (RFC 6184).
 *
 * @module
 */
import { decodeBase64, encodeBase64 } from "../../bytes/base64.ts";
import { ParseError } from "../../errors.ts";
import type { RtpPacket } from "../../rtp/rtp_packet.ts";
import type { Format } from "../format.ts";

/** Options of {@linkcode H264Format}. */
export interface H264FormatOptions {
  /** Dynamic payload type; default 96. */
  payloadType?: number;
  /** RFC 6184 §6.2 packetization mode; default 1 (non-interleaved). */
  packetizationMode?: number;
  /** Sequence parameter set NAL unit (without start code). */
  sps?: Uint8Array;
  /** Picture parameter set NAL unit (without start code). */
  pps?: Uint8Array;
  /** `profile-level-id` to announce when there is no SPS (6 hex digits). */
  profileLevelId?: string;
  /** `sprop-interleaving-depth` (RFC 6184 §8.1) of a stream in packetization mode 2. */
  interleavingDepth?: number;
}

const NAL_IDR = 5;
const NAL_SPS = 7;
const NAL_PPS = 8;
const NAL_STAP_A = 24;
const NAL_MTAP16 = 26;
const NAL_MTAP24 = 27;
const NAL_FU_A = 28;
const NAL_FU_B = 29;

function isRandomAccess(type: number): boolean {
  return type === NAL_IDR || type === NAL_SPS || type === NAL_PPS;
}

function hexByte(b: number): string {
  return b.toString(16).toUpperCase().padStart(2, "0");
}

/**
 * H.264 video ([RFC 6184](https://www.rfc-editor.org/rfc/rfc6184)), clock rate 90000,
 * rtpmap `H264/90000`.
 *
 * `sps` and `pps` are plain fields: a stream may replace them when the encoder sends new
 * parameter sets, and the next DESCRIBE announces them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { H264Format } from "./h264_format.ts";
 * const format = new H264Format({
 *   sps: new Uint8Array([0x67, 0x42, 0xc0, 0x1f]),
 *   pps: new Uint8Array([0x68, 0xce, 0x3c, 0x80]),
 * });
 * assert.deepEqual(format.fmtp(), {
 *   "packetization-mode": "1",
 *   "profile-level-id": "42C01F",
 *   "sprop-parameter-sets": "Z0LAHw==,aM48gA==",
 * });
 * ```
 */
export class H264Format implements Format {
  /** Always `"H264"`. */
  readonly codec = "H264";
  /** Always 90000. */
  readonly clockRate = 90000;
  /** The RTP payload type. */
  readonly payloadType: number;
  /** RFC 6184 §6.2 packetization mode (0, 1 or 2). */
  packetizationMode: number;
  /** Current sequence parameter set, if known. */
  sps?: Uint8Array;
  /** Current picture parameter set, if known. */
  pps?: Uint8Array;
  /** `profile-level-id` used when there is no SPS to derive it from. */
  profileLevelId?: string;
  /** `sprop-interleaving-depth` (RFC 6184 §8.1), for packetization mode 2. */
  interleavingDepth?: number;

  /** @param options Payload type, packetization mode and parameter sets. */
  constructor(options: H264FormatOptions = {}) {
    this.payloadType = options.payloadType ?? 96;
    this.packetizationMode = options.packetizationMode ?? 1;
    this.sps = options.sps;
    this.pps = options.pps;
    this.profileLevelId = options.profileLevelId;
    this.interleavingDepth = options.interleavingDepth;
  }

  /**
   * Builds the format from SDP attributes.
   *
   * @param payloadType The payload type.
   * @param fmtp Format parameters with lower-case keys. A missing `packetization-mode` means 0
   * (RFC 6184 §8.1).
   * @throws {ParseError} On an invalid `packetization-mode`, `sprop-interleaving-depth` or
   *   `sprop-parameter-sets`.
   */
  static fromSdp(payloadType: number, fmtp: Record<string, string> | undefined): H264Format {
    const format = new H264Format({ payloadType, packetizationMode: 0 });
    for (const [key, value] of Object.entries(fmtp ?? {})) {
      switch (key) {
        case "packetization-mode":
        case "sprop-interleaving-depth": {
          if (!/^\d{1,9}$/.test(value.trim())) {
            throw new ParseError(
              "SDP_INVALID_FORMAT",
              `Cannot parse H264 format: invalid ${key} "${value}"`,
              { fatal: false },
            );
          }
          if (key === "packetization-mode") format.packetizationMode = Number(value.trim());
          else format.interleavingDepth = Number(value.trim());
          break;
        }
        case "profile-level-id":
          format.profileLevelId = value.trim();
          break;
        case "sprop-parameter-sets":
          for (const part of value.split(",")) {
            if (part.trim() === "") continue;
            let nal: Uint8Array;
            try {
              nal = decodeBase64(part.trim());
            } catch {
              throw new ParseError(
                "SDP_INVALID_FORMAT",
                `Cannot parse H264 format: invalid sprop-parameter-sets "${value}"`,
                { fatal: false },
              );
            }
            if (nal.length === 0) continue;
            const type = nal[0] & 0x1f;
            if (type === NAL_SPS) format.sps = nal;
            else if (type === NAL_PPS) format.pps = nal;
          }
          break;
      }
    }
    return format;
  }

  /** @returns `"H264/90000"`. */
  rtpMap(): string {
    return "H264/90000";
  }

  /**
   * @returns `packetization-mode` (when not 0), `sprop-interleaving-depth` (in mode 2, when
   * known), `profile-level-id` (from SPS bytes 1..3, upper case hex, else the configured value)
   * and `sprop-parameter-sets` (`b64(SPS),b64(PPS)`).
   */
  fmtp(): Record<string, string> | undefined {
    const fmtp: Record<string, string> = {};
    if (this.packetizationMode !== 0) fmtp["packetization-mode"] = String(this.packetizationMode);
    if (this.packetizationMode === 2 && this.interleavingDepth !== undefined) {
      fmtp["sprop-interleaving-depth"] = String(this.interleavingDepth);
    }
    const sps = this.sps;
    if (sps !== undefined && sps.length >= 4) {
      fmtp["profile-level-id"] = hexByte(sps[1]) + hexByte(sps[2]) + hexByte(sps[3]);
    } else if (this.profileLevelId !== undefined) {
      fmtp["profile-level-id"] = this.profileLevelId;
    }
    const sets: string[] = [];
    if (sps !== undefined) sets.push(encodeBase64(sps));
    if (this.pps !== undefined) sets.push(encodeBase64(this.pps));
    if (sets.length > 0) fmtp["sprop-parameter-sets"] = sets.join(",");
    return Object.keys(fmtp).length > 0 ? fmtp : undefined;
  }

  /**
   * True when the packet carries an IDR, SPS or PPS NAL unit: as a single NAL unit, inside an
   * aggregation packet (RFC 6184 §5.7.1 STAP-A/STAP-B, §5.7.2 MTAP16/MTAP24) or as the start
   * fragment of a FU-A or FU-B (§5.8).
   *
   * @param pkt An RTP packet of this format.
   */
  ptsEqualsDts(pkt: RtpPacket): boolean {
    const p = pkt.payload;
    if (p.length === 0) return false;
    const type = p[0] & 0x1f;
    if (type >= NAL_STAP_A && type <= NAL_MTAP24) {
      // Each unit: 16-bit size, then DOND and TS offset in MTAPs, then the NAL unit.
      const extra = type === NAL_MTAP16 ? 3 : type === NAL_MTAP24 ? 4 : 0;
      let o = type === NAL_STAP_A ? 1 : 3;
      while (o + 2 + extra < p.length) {
        const size = (p[o] << 8) | p[o + 1];
        o += 2 + extra;
        if (size === 0 || o + size > p.length) return false;
        if (isRandomAccess(p[o] & 0x1f)) return true;
        o += size;
      }
      return false;
    }
    if (type === NAL_FU_A || type === NAL_FU_B) {
      return p.length >= 2 && (p[1] & 0x80) !== 0 && isRandomAccess(p[1] & 0x1f);
    }
    return isRandomAccess(type);
  }
}
