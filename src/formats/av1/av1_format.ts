/**
 * The AV1 format (AOM AV1 RTP payload format §7.2).
 *
 * @module
 */
import { ParseError } from "../../errors.ts";
import type { RtpPacket } from "../../rtp/rtp_packet.ts";
import type { Format } from "../format.ts";

/** Options of {@linkcode Av1Format}. */
export interface Av1FormatOptions {
  /** Dynamic payload type; default 96. */
  payloadType?: number;
  /** `profile`: AV1 profile. */
  profile?: number;
  /** `level-idx`: AV1 level index. */
  levelIdx?: number;
  /** `tier`: AV1 tier. */
  tier?: number;
}

function parseInteger(key: string, value: string): number {
  if (!/^\d{1,9}$/.test(value.trim())) {
    throw new ParseError(
      "SDP_INVALID_FORMAT",
      `Cannot parse AV1 format: invalid ${key} "${value}"`,
      {
        fatal: false,
      },
    );
  }
  return Number(value.trim());
}

/**
 * AV1 video (AOM AV1 RTP payload format §7.2), clock rate 90000, rtpmap `AV1/90000`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Av1Format } from "./av1_format.ts";
 * assert.equal(new Av1Format({ payloadType: 98 }).rtpMap(), "AV1/90000");
 * ```
 */
export class Av1Format implements Format {
  /** Always `"AV1"`. */
  readonly codec = "AV1";
  /** Always 90000. */
  readonly clockRate = 90000;
  /** The RTP payload type. */
  readonly payloadType: number;
  /** `profile`: AV1 profile. */
  profile?: number;
  /** `level-idx`: AV1 level index. */
  levelIdx?: number;
  /** `tier`: AV1 tier. */
  tier?: number;

  /** @param options Payload type and format parameters. */
  constructor(options: Av1FormatOptions = {}) {
    this.payloadType = options.payloadType ?? 96;
    this.profile = options.profile;
    this.levelIdx = options.levelIdx;
    this.tier = options.tier;
  }

  /**
   * Builds the format from SDP attributes.
   *
   * @param payloadType The payload type.
   * @param fmtp Format parameters with lower-case keys.
   * @throws {ParseError} When a known parameter is not an unsigned integer.
   */
  static fromSdp(payloadType: number, fmtp: Record<string, string> | undefined): Av1Format {
    const format = new Av1Format({ payloadType });
    for (const [key, value] of Object.entries(fmtp ?? {})) {
      switch (key) {
        case "profile":
          format.profile = parseInteger("profile", value);
          break;
        case "level-idx":
          format.levelIdx = parseInteger("level-idx", value);
          break;
        case "tier":
          format.tier = parseInteger("tier", value);
          break;
      }
    }
    return format;
  }

  /** @returns `"AV1/90000"`. */
  rtpMap(): string {
    return "AV1/90000";
  }

  /** @returns The parameters that are set, or undefined. */
  fmtp(): Record<string, string> | undefined {
    const fmtp: Record<string, string> = {};
    if (this.profile !== undefined) fmtp["profile"] = String(this.profile);
    if (this.levelIdx !== undefined) fmtp["level-idx"] = String(this.levelIdx);
    if (this.tier !== undefined) fmtp["tier"] = String(this.tier);
    return Object.keys(fmtp).length > 0 ? fmtp : undefined;
  }

  /**
   * Always true: the format has no reordered frames that would need a DTS.
   *
   * @param _pkt Unused.
   */
  ptsEqualsDts(_pkt: RtpPacket): boolean {
    return true;
  }
}
