/**
 * The MPEG-1/MPEG-2 audio format, MPA (RFC 2250 §3, RFC 3551 §4.5.13).
 *
 * @module
 */
import type { RtpPacket } from "../../rtp/rtp_packet.ts";
import type { Format } from "../format.ts";

/** Options of {@linkcode MpegAudioFormat}. */
export interface MpegAudioFormatOptions {
  /** Payload type; default the static one, 14. */
  payloadType?: number;
}

/**
 * MPEG-1 and MPEG-2 audio, Layers I, II and III (MP2, MP3), as an elementary stream
 * ([RFC 2250 §3](https://www.rfc-editor.org/rfc/rfc2250#section-3),
 * [RFC 3551 §4.5.13](https://www.rfc-editor.org/rfc/rfc3551#section-4.5.13)): static payload
 * type 14, rtpmap `MPA/90000` (the clock is 90 kHz whatever the sample rate), no fmtp. The
 * sample rate and channels are in each frame's header.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MpegAudioFormat } from "./mpeg_audio_format.ts";
 * const format = new MpegAudioFormat();
 * assert.equal(format.payloadType, 14);
 * assert.equal(format.rtpMap(), "MPA/90000");
 * ```
 */
export class MpegAudioFormat implements Format {
  /** Always `"MPA"`. */
  readonly codec = "MPA";
  /** Always 90000. */
  readonly clockRate = 90000;
  /** The RTP payload type. */
  readonly payloadType: number;

  /** @param options The payload type. */
  constructor(options: MpegAudioFormatOptions = {}) {
    this.payloadType = options.payloadType ?? 14;
  }

  /** @returns `"MPA/90000"`. */
  rtpMap(): string {
    return "MPA/90000";
  }

  /** @returns undefined: MPA has no format parameters. */
  fmtp(): undefined {
    return undefined;
  }

  /**
   * Always true.
   *
   * @param _pkt Unused.
   */
  ptsEqualsDts(_pkt: RtpPacket): boolean {
    return true;
  }
}
