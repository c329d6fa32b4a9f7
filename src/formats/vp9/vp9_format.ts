/**
 * The VP9 format (RFC 9628).
 *
 * @module
 */
import { ParseError } from "../../errors.ts";
import type { RtpPacket } from "../../rtp/rtp_packet.ts";
import type { Format } from "../format.ts";

/** Options of {@linkcode Vp9Format}. */
export interface Vp9FormatOptions {
  /** Dynamic payload type; default 96. */
  payloadType?: number;
  /** `max-fr`: maximum frame rate. */
  maxFr?: number;
  /** `max-fs`: maximum frame size in macroblocks. */
  maxFs?: number;
  /** `profile-id`: VP9 profile. */
  profileId?: number;
}

function parseInteger(key: string, value: string): number {
  if (!/^\d{1,9}$/.test(value.trim())) {
    throw new ParseError(
      "SDP_INVALID_FORMAT",
      `Cannot parse VP9 format: invalid ${key} "${value}"`,
      {
        fatal: false,
      },
    );
  }
  return Number(value.trim());
}

/**
 * VP9 video (RFC 9628), clock rate 90000, rtpmap `VP9/90000`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Vp9Format } from "./vp9_format.ts";
 * assert.equal(new Vp9Format({ payloadType: 98 }).rtpMap(), "VP9/90000");
 * ```
 */
export class Vp9Format implements Format {
  /** Always `"VP9"`. */
  readonly codec = "VP9";
  /** Always 90000. */
  readonly clockRate = 90000;
  /** The RTP payload type. */
  readonly payloadType: number;
  /** `max-fr`: maximum frame rate. */
  maxFr?: number;
  /** `max-fs`: maximum frame size in macroblocks. */
  maxFs?: number;
  /** `profile-id`: VP9 profile. */
  profileId?: number;

  /** @param options Payload type and format parameters. */
  constructor(options: Vp9FormatOptions = {}) {
    this.payloadType = options.payloadType ?? 96;
    this.maxFr = options.maxFr;
    this.maxFs = options.maxFs;
    this.profileId = options.profileId;
  }

  /**
   * Builds the format from SDP attributes.
   *
   * @param payloadType The payload type.
   * @param fmtp Format parameters with lower-case keys.
   * @throws {ParseError} When a known parameter is not an unsigned integer.
   */
  static fromSdp(payloadType: number, fmtp: Record<string, string> | undefined): Vp9Format {
    const format = new Vp9Format({ payloadType });
    for (const [key, value] of Object.entries(fmtp ?? {})) {
      switch (key) {
        case "max-fr":
          format.maxFr = parseInteger("max-fr", value);
          break;
        case "max-fs":
          format.maxFs = parseInteger("max-fs", value);
          break;
        case "profile-id":
          format.profileId = parseInteger("profile-id", value);
          break;
      }
    }
    return format;
  }

  /** @returns `"VP9/90000"`. */
  rtpMap(): string {
    return "VP9/90000";
  }

  /** @returns The parameters that are set, or undefined. */
  fmtp(): Record<string, string> | undefined {
    const fmtp: Record<string, string> = {};
    if (this.maxFr !== undefined) fmtp["max-fr"] = String(this.maxFr);
    if (this.maxFs !== undefined) fmtp["max-fs"] = String(this.maxFs);
    if (this.profileId !== undefined) fmtp["profile-id"] = String(this.profileId);
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
