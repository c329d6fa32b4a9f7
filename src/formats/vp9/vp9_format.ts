/**
 * The VP9 format (RFC 9628).
 *
 * @module
 */
import { formatIntegerFmtp, parseIntegerFmtp, SimpleVideoFormat } from "../_simple_video_format.ts";

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

const KEYS = ["max-fr", "max-fs", "profile-id"] as const;

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
export class Vp9Format extends SimpleVideoFormat {
  /** Always `"VP9"`. */
  readonly codec = "VP9";
  /** `max-fr`: maximum frame rate. */
  maxFr?: number;
  /** `max-fs`: maximum frame size in macroblocks. */
  maxFs?: number;
  /** `profile-id`: VP9 profile. */
  profileId?: number;

  /** @param options Payload type and format parameters. */
  constructor(options: Vp9FormatOptions = {}) {
    super(options.payloadType);
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
    const params = parseIntegerFmtp("VP9", fmtp, KEYS);
    return new Vp9Format({
      payloadType,
      maxFr: params["max-fr"],
      maxFs: params["max-fs"],
      profileId: params["profile-id"],
    });
  }

  /** @returns The parameters that are set, or undefined. */
  fmtp(): Record<string, string> | undefined {
    return formatIntegerFmtp({
      "max-fr": this.maxFr,
      "max-fs": this.maxFs,
      "profile-id": this.profileId,
    });
  }
}
