/**
 * The AV1 format (AOM AV1 RTP payload format §7.2).
 *
 * @module
 */
import { formatIntegerFmtp, parseIntegerFmtp, SimpleVideoFormat } from "../_simple_video_format.ts";

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

const KEYS = ["profile", "level-idx", "tier"] as const;

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
export class Av1Format extends SimpleVideoFormat {
  /** Always `"AV1"`. */
  readonly codec = "AV1";
  /** `profile`: AV1 profile. */
  profile?: number;
  /** `level-idx`: AV1 level index. */
  levelIdx?: number;
  /** `tier`: AV1 tier. */
  tier?: number;

  /** @param options Payload type and format parameters. */
  constructor(options: Av1FormatOptions = {}) {
    super(options.payloadType);
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
    const params = parseIntegerFmtp("AV1", fmtp, KEYS);
    return new Av1Format({
      payloadType,
      profile: params.profile,
      levelIdx: params["level-idx"],
      tier: params.tier,
    });
  }

  /** @returns The parameters that are set, or undefined. */
  fmtp(): Record<string, string> | undefined {
    return formatIntegerFmtp({
      "profile": this.profile,
      "level-idx": this.levelIdx,
      "tier": this.tier,
    });
  }
}
