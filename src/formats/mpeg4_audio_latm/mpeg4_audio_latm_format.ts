/**
 * The MPEG-4 Audio LATM format, `MP4A-LATM` (RFC 6416 §6 and §7.3).
 *
 * @module
 */
import { decodeHex, encodeHex } from "../../bytes/hex.ts";
import { ParseError } from "../../errors.ts";
import type { RtpPacket } from "../../rtp/rtp_packet.ts";
import type { Format } from "../format.ts";
import {
  channelCountOf,
  encodeStreamMuxConfig,
  parseStreamMuxConfig,
  type StreamMuxConfig,
} from "./stream_mux_config.ts";

/** Options of {@linkcode Mpeg4AudioLatmFormat}. */
export interface Mpeg4AudioLatmFormatOptions {
  /** Dynamic payload type; default 96. */
  payloadType?: number;
  /** The StreamMuxConfig, sent out of band in the fmtp (`cpresent=0`). */
  config: StreamMuxConfig;
  /** RTP clock rate; default the config's sample rate. */
  clockRate?: number;
  /** Channel count of the rtpmap; default the one of the config's channel configuration. */
  channelCount?: number;
  /** `profile-level-id`; default 30 (Natural Audio Profile, Level 1), the RFC's default. */
  profileLevelId?: number;
  /** `bitrate` in bit/s, when known. */
  bitrate?: number;
}

function invalid(message: string): ParseError {
  return new ParseError("SDP_INVALID_FORMAT", `Cannot parse MP4A-LATM format: ${message}`, {
    fatal: false,
  });
}

function parseInteger(key: string, value: string): number {
  if (!/^\d{1,10}$/.test(value.trim())) throw invalid(`invalid ${key} "${value}"`);
  return Number(value.trim());
}

/**
 * MPEG-4 Audio in LATM ([RFC 6416 §6](https://www.rfc-editor.org/rfc/rfc6416#section-6)),
 * rtpmap `MP4A-LATM/<rate>/<channels>`, with the StreamMuxConfig out of band: fmtp
 * `cpresent=0` and `config` (hex), plus `profile-level-id`, `object` (the audio object type)
 * and `bitrate` (§7.3). A stream with the config in band (`cpresent=1`, the RFC's default) is
 * not this class: {@linkcode formatFromSdp} leaves it to `GenericFormat`.
 *
 * @example RFC 6416 §7.3
 * ```ts
 * import assert from "node:assert/strict";
 * import { Mpeg4AudioLatmFormat } from "./mpeg4_audio_latm_format.ts";
 * const format = Mpeg4AudioLatmFormat.fromSdp(96, 24000, 2, {
 *   "profile-level-id": "1", bitrate: "64000", cpresent: "0", object: "2", config: "400026203fc0",
 * });
 * assert.equal(format.rtpMap(), "MP4A-LATM/24000/2");
 * assert.equal(format.config.sampleRate, 24000);
 * assert.equal(format.fmtp().config, "400026203fc0");
 * ```
 */
export class Mpeg4AudioLatmFormat implements Format {
  /** Always `"MP4A-LATM"`. */
  readonly codec = "MP4A-LATM";
  /** The RTP payload type. */
  readonly payloadType: number;
  /** RTP clock rate. */
  readonly clockRate: number;
  /** Channel count of the rtpmap. */
  readonly channelCount: number;
  /** The StreamMuxConfig. */
  readonly config: StreamMuxConfig;
  /** `profile-level-id`. */
  readonly profileLevelId: number;
  /** `bitrate`, when known. */
  readonly bitrate: number | undefined;

  /**
   * @param options The StreamMuxConfig, and optional rates and SDP parameters.
   * @throws {RangeError} When the config cannot be encoded.
   */
  constructor(options: Mpeg4AudioLatmFormatOptions) {
    encodeStreamMuxConfig(options.config); // checks the fields
    this.payloadType = options.payloadType ?? 96;
    this.config = options.config;
    this.clockRate = options.clockRate ?? options.config.sampleRate;
    this.channelCount = options.channelCount ??
      channelCountOf(options.config.channelConfiguration);
    this.profileLevelId = options.profileLevelId ?? 30;
    this.bitrate = options.bitrate;
  }

  /**
   * Builds the format from SDP attributes.
   *
   * @param payloadType The payload type.
   * @param clockRate The rtpmap clock rate.
   * @param channelCount The rtpmap channel count, if any.
   * @param fmtp Format parameters with lower-case keys.
   * @returns The format.
   * @throws {ParseError} When `cpresent` is not 0, `config` is missing or not a StreamMuxConfig
   * of the supported shape, or a number is invalid.
   */
  static fromSdp(
    payloadType: number,
    clockRate: number,
    channelCount: number | undefined,
    fmtp: Record<string, string> | undefined,
  ): Mpeg4AudioLatmFormat {
    const params = fmtp ?? {};
    if (params.cpresent?.trim() !== "0") {
      throw invalid("only cpresent=0 (the config out of band) is supported");
    }
    if (params.config === undefined) throw invalid("config is missing");
    let config: StreamMuxConfig;
    try {
      config = parseStreamMuxConfig(decodeHex(params.config.trim()));
    } catch (e) {
      throw invalid(`invalid config "${params.config}": ${(e as Error).message}`);
    }
    const profile = params["profile-level-id"];
    const bitrate = params.bitrate;
    return new Mpeg4AudioLatmFormat({
      payloadType,
      config,
      clockRate,
      channelCount,
      profileLevelId: profile === undefined ? undefined : parseInteger("profile-level-id", profile),
      bitrate: bitrate === undefined ? undefined : parseInteger("bitrate", bitrate),
    });
  }

  /** @returns `MP4A-LATM/<rate>/<channels>`. */
  rtpMap(): string {
    return `MP4A-LATM/${this.clockRate}/${this.channelCount}`;
  }

  /** @returns `profile-level-id`, `object`, `cpresent=0`, `config` (hex) and `bitrate` if known. */
  fmtp(): Record<string, string> {
    const fmtp: Record<string, string> = {
      "profile-level-id": String(this.profileLevelId),
      object: String(this.config.audioObjectType),
      cpresent: "0",
      config: encodeHex(encodeStreamMuxConfig(this.config)),
    };
    if (this.bitrate !== undefined) fmtp.bitrate = String(this.bitrate);
    return fmtp;
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
