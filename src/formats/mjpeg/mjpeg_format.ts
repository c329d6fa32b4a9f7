/**
 * The Motion JPEG format (RFC 2435).
 *
 * @module
 */
import type { RtpPacket } from "../../rtp/rtp_packet.ts";
import type { Format } from "../format.ts";

/**
 * Motion JPEG video ([RFC 2435](https://www.rfc-editor.org/rfc/rfc2435)): static payload type
 * 26, clock rate 90000, rtpmap `JPEG/90000`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MjpegFormat } from "./mjpeg_format.ts";
 * assert.equal(new MjpegFormat().payloadType, 26);
 * ```
 */
export class MjpegFormat implements Format {
  /** Always `"JPEG"`. */
  readonly codec = "JPEG";
  /** Always 90000. */
  readonly clockRate = 90000;
  /** The RTP payload type, 26 unless given. */
  readonly payloadType: number;

  /** @param options Payload type (default 26). */
  constructor(options: { payloadType?: number } = {}) {
    this.payloadType = options.payloadType ?? 26;
  }

  /** @returns `"JPEG/90000"`. */
  rtpMap(): string {
    return "JPEG/90000";
  }

  /** @returns undefined: no format parameters. */
  fmtp(): undefined {
    return undefined;
  }

  /**
   * Always true: every frame is a key frame.
   *
   * @param _pkt Unused.
   */
  ptsEqualsDts(_pkt: RtpPacket): boolean {
    return true;
  }
}
