/**
 * The VP8 format (RFC 7741).
 *
 * @module
 */
import { ParseError } from "../../errors.ts";
import type { RtpPacket } from "../../rtp/rtp_packet.ts";
import type { Format } from "../format.ts";

/** Options of {@linkcode Vp8Format}. */
export interface Vp8FormatOptions {
  /** Dynamic payload type; default 96. */
  payloadType?: number;
  /** `max-fr`: maximum frame rate. */
  maxFr?: number;
  /** `max-fs`: maximum frame size in macroblocks. */
  maxFs?: number;
}

function parseInteger(key: string, value: string): number {
  if (!/^\d{1,9}$/.test(value.trim())) {
    throw new ParseError(
      "SDP_INVALID_FORMAT",
      `Cannot parse VP8 format: invalid ${key} "${value}"`,
      {
        fatal: false,
      },
    );
  }
  return Number(value.trim());
}

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
export class Vp8Format implements Format {
  /** Always `"VP8"`. */
  readonly codec = "VP8";
  /** Always 90000. */
  readonly clockRate = 90000;
  /** The RTP payload type. */
  readonly payloadType: number;
  /** `max-fr`: maximum frame rate. */
  maxFr?: number;
  /** `max-fs`: maximum frame size in macroblocks. */
  maxFs?: number;

  /** @param options Payload type and format parameters. */
  constructor(options: Vp8FormatOptions = {}) {
    this.payloadType = options.payloadType ?? 96;
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
    const format = new Vp8Format({ payloadType });
    for (const [key, value] of Object.entries(fmtp ?? {})) {
      switch (key) {
        case "max-fr":
          format.maxFr = parseInteger("max-fr", value);
          break;
        case "max-fs":
          format.maxFs = parseInteger("max-fs", value);
          break;
      }
    }
    return format;
  }

  /** @returns `"VP8/90000"`. */
  rtpMap(): string {
    return "VP8/90000";
  }

  /** @returns The parameters that are set, or undefined. */
  fmtp(): Record<string, string> | undefined {
    const fmtp: Record<string, string> = {};
    if (this.maxFr !== undefined) fmtp["max-fr"] = String(this.maxFr);
    if (this.maxFs !== undefined) fmtp["max-fs"] = String(this.maxFs);
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
