/**
 * The linear PCM formats L8, L16 (RFC 3551 §4.5.10–11) and L24 (RFC 3190).
 *
 * @module
 */
import type { RtpPacket } from "../../rtp/rtp_packet.ts";
import type { Format } from "../format.ts";

/** Options of {@linkcode LpcmFormat}. */
export interface LpcmFormatOptions {
  /** 8, 16 or 24. */
  bitDepth: 8 | 16 | 24;
  /** Sample rate (clock rate). */
  sampleRate: number;
  /** Channel count; default 1. */
  channelCount?: number;
  /** Payload type; default 10/11 for L16 at 44100 Hz stereo/mono, else 96. */
  payloadType?: number;
}

/**
 * Uncompressed big-endian PCM audio, rtpmap `L16/<rate>/<channels>`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { LpcmFormat } from "./lpcm_format.ts";
 * const format = new LpcmFormat({ bitDepth: 16, sampleRate: 44100, channelCount: 2 });
 * assert.equal(format.payloadType, 10);
 * assert.equal(format.rtpMap(), "L16/44100/2");
 * ```
 */
export class LpcmFormat implements Format {
  /** `"L8"`, `"L16"` or `"L24"`. */
  readonly codec: string;
  /** The RTP payload type. */
  readonly payloadType: number;
  /** Sample rate. */
  readonly clockRate: number;
  /** Bits per sample. */
  readonly bitDepth: 8 | 16 | 24;
  /** Channel count. */
  readonly channelCount: number;

  /** @param options Depth, rate, channels and payload type. */
  constructor(options: LpcmFormatOptions) {
    this.bitDepth = options.bitDepth;
    this.codec = `L${options.bitDepth}`;
    this.clockRate = options.sampleRate;
    this.channelCount = options.channelCount ?? 1;
    let payloadType = 96;
    if (this.bitDepth === 16 && this.clockRate === 44100) {
      if (this.channelCount === 2) payloadType = 10;
      else if (this.channelCount === 1) payloadType = 11;
    }
    this.payloadType = options.payloadType ?? payloadType;
  }

  /** @returns e.g. `L16/44100/2`. */
  rtpMap(): string {
    return `${this.codec}/${this.clockRate}/${this.channelCount}`;
  }

  /** @returns undefined: no format parameters. */
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
