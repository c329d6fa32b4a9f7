/**
 * The G.711 formats, PCMU and PCMA (RFC 3551 §4.5.14).
 *
 * @module
 */
import type { RtpPacket } from "../../rtp/rtp_packet.ts";
import type { Format } from "../format.ts";

/** Options of {@linkcode G711Format}. */
export interface G711FormatOptions {
  /** μ-law (PCMU) when true, A-law (PCMA) when false. */
  mulaw: boolean;
  /** Sample rate; default 8000. */
  sampleRate?: number;
  /** Channel count; default 1. */
  channelCount?: number;
  /**
   * Payload type; default the static one (0 PCMU, 8 PCMA) for 8000 Hz mono, else 96.
   */
  payloadType?: number;
}

/**
 * G.711 audio ([RFC 3551 §4.5.14](https://www.rfc-editor.org/rfc/rfc3551#section-4.5.14)):
 * static payload types 0 (PCMU) and 8 (PCMA) at 8000 Hz mono, rtpmap `PCMU/8000`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { G711Format } from "./g711_format.ts";
 * const format = new G711Format({ mulaw: false });
 * assert.equal(format.payloadType, 8);
 * assert.equal(format.rtpMap(), "PCMA/8000");
 * ```
 */
export class G711Format implements Format {
  /** `"PCMU"` or `"PCMA"`. */
  readonly codec: "PCMU" | "PCMA";
  /** The RTP payload type. */
  readonly payloadType: number;
  /** Sample rate. */
  readonly clockRate: number;
  /** μ-law when true. */
  readonly mulaw: boolean;
  /** Channel count. */
  readonly channelCount: number;

  /** @param options Law, rate, channels and payload type. */
  constructor(options: G711FormatOptions) {
    this.mulaw = options.mulaw;
    this.codec = options.mulaw ? "PCMU" : "PCMA";
    this.clockRate = options.sampleRate ?? 8000;
    this.channelCount = options.channelCount ?? 1;
    const isStatic = this.clockRate === 8000 && this.channelCount === 1;
    this.payloadType = options.payloadType ?? (isStatic ? (options.mulaw ? 0 : 8) : 96);
  }

  /** @returns e.g. `PCMU/8000` or `PCMA/16000/2`. */
  rtpMap(): string {
    return `${this.codec}/${this.clockRate}` +
      (this.channelCount !== 1 ? `/${this.channelCount}` : "");
  }

  /** @returns undefined: G.711 has no format parameters. */
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
