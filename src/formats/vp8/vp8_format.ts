/**
 * The VP8 format (RFC 7741).
 *
 * @module
 */
import { formatIntegerFmtp, parseIntegerFmtp, SimpleVideoFormat } from "../_simple_video_format.ts";

/** Options of {@linkcode Vp8Format}. */
export interface Vp8FormatOptions {
  /** Dynamic payload type; default 96. */
  payloadType?: number;
  /** `max-fr`: maximum frame rate. */
  maxFr?: number;
  /** `max-fs`: maximum frame size in macroblocks. */
  maxFs?: number;
}

const KEYS = ["max-fr", "max-fs"] as const;

/**
 * VP8 video (RFC 7741), clock rate 90000, rtpmap `VP8/90000`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Vp8Format } from "./vp8_format.ts";
 * assert.equal(new Vp8Format({ payloadType: 98 }).rtpMap(), "VP8/90000");
 * ```
 */
export class Vp8Format extends SimpleVideoFormat {
  /** Always `"VP8"`. */
  readonly codec = "VP8";
  /** `max-fr`: maximum frame rate. */
  maxFr?: number;
  /** `max-fs`: maximum frame size in macroblocks. */
  maxFs?: number;

  /** @param options Payload type and format parameters. */
  constructor(options: Vp8FormatOptions = {}) {
    super(options.payloadType);
    this.maxFr = options.maxFr;
    this.maxFs = options.maxFs;
  }

  /**
   * Builds the format from SDP attributes.
   *
   * @param payloadType The payload type.
   * @param fmtp Format parameters with lower-case keys.
   * @throws {ParseError} When a known parameter is not an unsigned integer.
   */
  static fromSdp(payloadType: number, fmtp: Record<string, string> | undefined): Vp8Format {
    const params = parseIntegerFmtp("VP8", fmtp, KEYS);
    return new Vp8Format({
      payloadType,
      maxFr: params["max-fr"],
      maxFs: params["max-fs"],
    });
  }

  /** @returns The parameters that are set, or undefined. */
  fmtp(): Record<string, string> | undefined {
    return formatIntegerFmtp({
      "max-fr": this.maxFr,
      "max-fs": this.maxFs,
    });
  }
}
