/**
 * The Opus format (RFC 7587).
 *
 * @module
 */
import type { RtpPacket } from "../../rtp/rtp_packet.ts";
import type { Format } from "../format.ts";

/** Options of {@linkcode OpusFormat}. */
export interface OpusFormatOptions {
  /** Dynamic payload type; default 96. */
  payloadType?: number;
  /** Whether the sender prefers stereo (`sprop-stereo=1`); default false. */
  isStereo?: boolean;
}

/**
 * Opus audio ([RFC 7587](https://www.rfc-editor.org/rfc/rfc7587)): always `opus/48000/2` in
 * the rtpmap (§7); the real channel layout is in `sprop-stereo`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { OpusFormat } from "./opus_format.ts";
 * const format = new OpusFormat({ payloadType: 111, isStereo: true });
 * assert.equal(format.rtpMap(), "opus/48000/2");
 * assert.deepEqual(format.fmtp(), { "sprop-stereo": "1" });
 * ```
 */
export class OpusFormat implements Format {
  /** Always `"opus"`. */
  readonly codec = "opus";
  /** Always 48000. */
  readonly clockRate = 48000;
  /** The RTP payload type. */
  readonly payloadType: number;
  /** `sprop-stereo`. */
  isStereo: boolean;

  /** @param options Payload type and stereo flag. */
  constructor(options: OpusFormatOptions = {}) {
    this.payloadType = options.payloadType ?? 96;
    this.isStereo = options.isStereo ?? false;
  }

  /**
   * Builds the format from SDP attributes.
   *
   * @param payloadType The payload type.
   * @param fmtp Format parameters with lower-case keys.
   */
  static fromSdp(payloadType: number, fmtp: Record<string, string> | undefined): OpusFormat {
    return new OpusFormat({ payloadType, isStereo: fmtp?.["sprop-stereo"]?.trim() === "1" });
  }

  /** @returns `"opus/48000/2"`. */
  rtpMap(): string {
    return "opus/48000/2";
  }

  /** @returns `sprop-stereo`. */
  fmtp(): Record<string, string> {
    return { "sprop-stereo": this.isStereo ? "1" : "0" };
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
