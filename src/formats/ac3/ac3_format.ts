/**
 * The AC-3 format (RFC 4184).
 *
 * @module
 */
import type { RtpPacket } from "../../rtp/rtp_packet.ts";
import type { Format } from "../format.ts";

/** Options of {@linkcode Ac3Format}. */
export interface Ac3FormatOptions {
  /** Dynamic payload type; default 96. */
  payloadType?: number;
  /** Sample rate, used as clock rate: 32000, 44100 or 48000; default 48000. */
  sampleRate?: number;
  /** Channel count written in the rtpmap (a 5.1 stream counts 6); left out when undefined. */
  channelCount?: number;
}

/**
 * AC-3 audio ([RFC 4184](https://www.rfc-editor.org/rfc/rfc4184)), rtpmap
 * `AC3/<rate>[/<channels>]`; the clock rate is the sample rate and there are no format
 * parameters. The channel count of the rtpmap is informative: the decoder reads the real one
 * from each frame's header.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Ac3Format } from "./ac3_format.ts";
 * const format = new Ac3Format({ payloadType: 97, sampleRate: 48000, channelCount: 2 });
 * assert.equal(format.rtpMap(), "AC3/48000/2");
 * assert.equal(format.fmtp(), undefined);
 * ```
 */
export class Ac3Format implements Format {
  /** Always `"AC3"`. */
  readonly codec = "AC3";
  /** The RTP payload type. */
  readonly payloadType: number;
  /** Sample rate. */
  readonly clockRate: number;
  /** Channel count of the rtpmap, if any. */
  readonly channelCount: number | undefined;

  /** @param options Payload type, sample rate and channel count. */
  constructor(options: Ac3FormatOptions = {}) {
    this.payloadType = options.payloadType ?? 96;
    this.clockRate = options.sampleRate ?? 48000;
    this.channelCount = options.channelCount;
  }

  /** @returns `AC3/<rate>`, with `/<channels>` when the channel count is known. */
  rtpMap(): string {
    return `AC3/${this.clockRate}` +
      (this.channelCount !== undefined ? `/${this.channelCount}` : "");
  }

  /** @returns undefined: RFC 4184 defines no format parameters. */
  fmtp(): undefined {
    return undefined;
  }

  /**
   * Always true: audio has no reordered frames.
   *
   * @param _pkt Unused.
   */
  ptsEqualsDts(_pkt: RtpPacket): boolean {
    return true;
  }
}
