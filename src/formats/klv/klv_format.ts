/**
 * The KLV metadata format, `smpte336m` (RFC 6597).
 *
 * @module
 */
import type { RtpPacket } from "../../rtp/rtp_packet.ts";
import type { Format } from "../format.ts";

/** Options of {@linkcode KlvFormat}. */
export interface KlvFormatOptions {
  /** Dynamic payload type; default 96. */
  payloadType?: number;
  /** RTP clock rate; default 90000, the video clock it usually goes with. */
  clockRate?: number;
}

/**
 * SMPTE ST 336 KLV metadata ([RFC 6597](https://www.rfc-editor.org/rfc/rfc6597)): rtpmap
 * `smpte336m/<rate>` (§6.1), usually on an `application` media, no fmtp parameters of its own.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { KlvFormat } from "./klv_format.ts";
 * const format = new KlvFormat({ payloadType: 97 });
 * assert.equal(format.rtpMap(), "smpte336m/90000");
 * ```
 */
export class KlvFormat implements Format {
  /** Always `"smpte336m"`. */
  readonly codec = "smpte336m";
  /** The RTP payload type. */
  readonly payloadType: number;
  /** RTP clock rate. */
  readonly clockRate: number;

  /** @param options Payload type and clock rate. */
  constructor(options: KlvFormatOptions = {}) {
    this.payloadType = options.payloadType ?? 96;
    this.clockRate = options.clockRate ?? 90000;
  }

  /** @returns `smpte336m/<rate>`. */
  rtpMap(): string {
    return `smpte336m/${this.clockRate}`;
  }

  /** @returns undefined: the format has no parameters. */
  fmtp(): undefined {
    return undefined;
  }

  /**
   * Always true: metadata units are not reordered.
   *
   * @param _pkt Unused.
   */
  ptsEqualsDts(_pkt: RtpPacket): boolean {
    return true;
  }
}
