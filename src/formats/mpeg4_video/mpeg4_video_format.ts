/**
 * The MPEG-4 Visual format, `MP4V-ES` (RFC 6416 §5).
 *
 * @module
 */
import { decodeHex, encodeHex } from "../../bytes/hex.ts";
import { ParseError } from "../../errors.ts";
import type { RtpPacket } from "../../rtp/rtp_packet.ts";
import type { Format } from "../format.ts";

/** Options of {@linkcode Mpeg4VideoFormat}. */
export interface Mpeg4VideoFormatOptions {
  /** Dynamic payload type; default 96. */
  payloadType?: number;
  /** RTP clock rate; default 90000 (RFC 6416 §7.1 recommends it). */
  clockRate?: number;
  /**
   * `profile-level-id`: the `profile_and_level_indication` of the Visual Object Sequence
   * header; default 1 (Simple Profile, Level 1, the RFC 6416 §7.1 default).
   */
  profileLevelId?: number;
  /**
   * `config`: the configuration headers of the stream (Visual Object Sequence, Visual Object
   * and Video Object Layer headers, ISO/IEC 14496-2 §6.2), written in hex.
   */
  config?: Uint8Array;
}

function invalid(message: string): ParseError {
  return new ParseError("SDP_INVALID_FORMAT", `Cannot parse MPEG-4 Visual format: ${message}`, {
    fatal: false,
  });
}

/** Start codes (after `00 00 01`) that begin a random access point: VOS, VO, VOL, GOV. */
function isConfigStartCode(code: number): boolean {
  return code === 0xb0 || code === 0xb3 || code === 0xb5 || code <= 0x2f;
}

/** The `vop_start_code` (ISO/IEC 14496-2 §6.3.5). */
const VOP_START_CODE = 0xb6;

/**
 * MPEG-4 Visual ([RFC 6416 §5](https://www.rfc-editor.org/rfc/rfc6416#section-5)), rtpmap
 * `MP4V-ES/90000`, fmtp `profile-level-id` (decimal) and `config` (hex of the VOS, VO and VOL
 * headers, so that a receiver can set up its decoder before the first in-band header).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Mpeg4VideoFormat } from "./mpeg4_video_format.ts";
 * const config = new Uint8Array([0x00, 0x00, 0x01, 0xb0, 0xf5]);
 * const format = new Mpeg4VideoFormat({ payloadType: 96, profileLevelId: 245, config });
 * assert.equal(format.rtpMap(), "MP4V-ES/90000");
 * assert.deepEqual(format.fmtp(), { "profile-level-id": "245", config: "000001b0f5" });
 * ```
 */
export class Mpeg4VideoFormat implements Format {
  /** Always `"MP4V-ES"`. */
  readonly codec = "MP4V-ES";
  /** The RTP payload type. */
  readonly payloadType: number;
  /** RTP clock rate. */
  readonly clockRate: number;
  /** `profile-level-id`. */
  profileLevelId: number;
  /** `config`: the VOS, VO and VOL headers; undefined when the SDP has none. */
  config: Uint8Array | undefined;

  /** @param options Payload type, clock rate, profile and level, configuration headers. */
  constructor(options: Mpeg4VideoFormatOptions = {}) {
    this.payloadType = options.payloadType ?? 96;
    this.clockRate = options.clockRate ?? 90000;
    this.profileLevelId = options.profileLevelId ?? 1;
    this.config = options.config;
  }

  /**
   * Builds the format from SDP attributes.
   *
   * @param payloadType The payload type.
   * @param clockRate The rtpmap clock rate.
   * @param fmtp Format parameters with lower-case keys.
   * @throws {ParseError} When `profile-level-id` is not an integer of 0-255 or `config` is
   * not hex.
   */
  static fromSdp(
    payloadType: number,
    clockRate: number,
    fmtp: Record<string, string> | undefined,
  ): Mpeg4VideoFormat {
    let profileLevelId: number | undefined;
    let config: Uint8Array | undefined;
    const level = fmtp?.["profile-level-id"]?.trim();
    if (level !== undefined) {
      if (!/^\d{1,3}$/.test(level) || Number(level) > 255) {
        throw invalid(`invalid profile-level-id "${level}"`);
      }
      profileLevelId = Number(level);
    }
    const hex = fmtp?.["config"];
    if (hex !== undefined) {
      try {
        config = decodeHex(hex.trim());
      } catch {
        throw invalid(`invalid config "${hex}"`);
      }
      if (config.byteLength === 0) config = undefined;
    }
    return new Mpeg4VideoFormat({ payloadType, clockRate, profileLevelId, config });
  }

  /** @returns `MP4V-ES/<rate>`. */
  rtpMap(): string {
    return `MP4V-ES/${this.clockRate}`;
  }

  /** @returns `profile-level-id` and, when known, `config`. */
  fmtp(): Record<string, string> {
    const out: Record<string, string> = { "profile-level-id": String(this.profileLevelId) };
    if (this.config !== undefined) out.config = encodeHex(this.config);
    return out;
  }

  /**
   * Whether the packet starts a random access point: it begins with configuration headers
   * (VOS, VO, VOL) or a GOV header, or with an intra-coded VOP (`vop_coding_type` 0). A B-VOP
   * stream reorders the others, so their PTS may differ from their DTS.
   *
   * @param pkt An RTP packet of the format.
   */
  ptsEqualsDts(pkt: RtpPacket): boolean {
    const p = pkt.payload;
    if (p.byteLength < 4 || p[0] !== 0 || p[1] !== 0 || p[2] !== 1) return false;
    if (isConfigStartCode(p[3]!)) return true;
    return p[3] === VOP_START_CODE && p.byteLength > 4 && (p[4]! >> 6) === 0;
  }
}
