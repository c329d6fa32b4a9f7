/**
 * The G.722 format (RFC 3551 §4.5.2).
 *
 * @module
 */
import type { RtpPacket } from "../../rtp/rtp_packet.ts";
import type { Format } from "../format.ts";

/** Options of {@linkcode G722Format}. */
export interface G722FormatOptions {
  /** Channel count; default 1. */
  channelCount?: number;
  /** Payload type; default the static 9 for mono, else 96. */
  payloadType?: number;
}

/**
 * G.722 audio ([RFC 3551 §4.5.2](https://www.rfc-editor.org/rfc/rfc3551#section-4.5.2)):
 * static payload type 9, rtpmap `G722/8000`.
 *
 * The audio is sampled at 16 kHz, but the RTP clock rate is 8000: RFC 1890 registered it so by
 * mistake and RFC 3551 kept it for compatibility. At 64 kbit/s one byte of G.722 codes two
 * samples, 1/8000 s, so the timestamp advances by one per byte (and channel), and
 * {@linkcode clockRate} is 8000 while {@linkcode sampleRate} is 16000.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { G722Format } from "./g722_format.ts";
 * const format = new G722Format();
 * assert.equal(format.payloadType, 9);
 * assert.equal(format.rtpMap(), "G722/8000");
 * assert.deepEqual([format.clockRate, format.sampleRate], [8000, 16000]);
 * ```
 */
export class G722Format implements Format {
  /** Always `"G722"`. */
  readonly codec = "G722";
  /** The RTP payload type. */
  readonly payloadType: number;
  /** Always 8000 (RFC 3551 §4.5.2), half the sample rate. */
  readonly clockRate = 8000;
  /** Always 16000: the audio's real sample rate. */
  readonly sampleRate = 16000;
  /** Channel count. */
  readonly channelCount: number;

  /** @param options Channels and payload type. */
  constructor(options: G722FormatOptions = {}) {
    this.channelCount = options.channelCount ?? 1;
    this.payloadType = options.payloadType ?? (this.channelCount === 1 ? 9 : 96);
  }

  /** @returns `G722/8000`, with `/<channels>` when not mono. */
  rtpMap(): string {
    return "G722/8000" + (this.channelCount !== 1 ? `/${this.channelCount}` : "");
  }

  /** @returns undefined: G.722 has no format parameters. */
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
