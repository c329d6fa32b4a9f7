/**
 * The MPEG-1/MPEG-2 video format, MPV (RFC 2250 §3, RFC 3551 §6).
 *
 * @module
 */
import type { RtpPacket } from "../../rtp/rtp_packet.ts";
import type { Format } from "../format.ts";
import { decodeMpegVideoHeader } from "./mpeg_video_header.ts";

/** Options of {@linkcode MpegVideoFormat}. */
export interface MpegVideoFormatOptions {
  /** Payload type; default the static one, 32. */
  payloadType?: number;
}

/**
 * MPEG-1 and MPEG-2 video as an elementary stream
 * ([RFC 2250 §3](https://www.rfc-editor.org/rfc/rfc2250#section-3)): static payload type 32,
 * rtpmap `MPV/90000`, no fmtp; the stream's own headers tell the rest.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MpegVideoFormat } from "./mpeg_video_format.ts";
 * const format = new MpegVideoFormat();
 * assert.equal(format.payloadType, 32);
 * assert.equal(format.rtpMap(), "MPV/90000");
 * ```
 */
export class MpegVideoFormat implements Format {
  /** Always `"MPV"`. */
  readonly codec = "MPV";
  /** Always 90000. */
  readonly clockRate = 90000;
  /** The RTP payload type. */
  readonly payloadType: number;

  /** @param options The payload type. */
  constructor(options: MpegVideoFormatOptions = {}) {
    this.payloadType = options.payloadType ?? 32;
  }

  /** @returns `"MPV/90000"`. */
  rtpMap(): string {
    return "MPV/90000";
  }

  /** @returns undefined: MPV has no format parameters. */
  fmtp(): undefined {
    return undefined;
  }

  /**
   * Whether the packet belongs to an I picture or carries a sequence header (S bit): a random
   * access point, which a decoder does not reorder.
   *
   * @param pkt A packet of the format.
   * @returns True for an I picture or a sequence header.
   */
  ptsEqualsDts(pkt: RtpPacket): boolean {
    const header = decodeMpegVideoHeader(pkt.payload);
    return header !== undefined && (header.sequenceHeader || header.pictureType === 1);
  }
}
