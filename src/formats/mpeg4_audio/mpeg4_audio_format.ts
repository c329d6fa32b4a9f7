/**
 * The MPEG-4 Audio (AAC) format, RFC 3640 `mpeg4-generic` in `AAC-hbr` mode.
 *
 * @module
 */
import { decodeHex, encodeHex } from "../../bytes/hex.ts";
import { ParseError } from "../../errors.ts";
import type { RtpPacket } from "../../rtp/rtp_packet.ts";
import type { Format } from "../format.ts";

/** Options of {@linkcode Mpeg4AudioFormat}. */
export interface Mpeg4AudioFormatOptions {
  /** Dynamic payload type; default 96. */
  payloadType?: number;
  /** Sample rate, used as clock rate. */
  clockRate: number;
  /** Channel count; default 1. */
  channelCount?: number;
  /** AudioSpecificConfig (ISO/IEC 14496-3 §1.6.2.1). */
  config: Uint8Array;
  /** Bits of the AU size in each AU header; default 13. */
  sizeLength?: number;
  /** Bits of the first AU index; default 3. */
  indexLength?: number;
  /** Bits of the following AU index deltas; default 3. */
  indexDeltaLength?: number;
  /** `profile-level-id`; default 1. */
  profileLevelId?: number;
}

function invalid(message: string): ParseError {
  return new ParseError("SDP_INVALID_FORMAT", `Cannot parse MPEG-4 Audio format: ${message}`, {
    fatal: false,
  });
}

function parseInteger(key: string, value: string): number {
  if (!/^\d{1,3}$/.test(value.trim())) throw invalid(`invalid ${key} "${value}"`);
  return Number(value.trim());
}

/**
 * MPEG-4 Audio ([RFC 3640](https://www.rfc-editor.org/rfc/rfc3640) `mode=AAC-hbr`), rtpmap
 * `mpeg4-generic/<rate>/<channels>`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Mpeg4AudioFormat } from "./mpeg4_audio_format.ts";
 * const format = new Mpeg4AudioFormat({ clockRate: 48000, channelCount: 2, config: new Uint8Array([0x11, 0x90]) });
 * assert.equal(format.rtpMap(), "mpeg4-generic/48000/2");
 * assert.equal(format.fmtp()["config"], "1190");
 * ```
 */
export class Mpeg4AudioFormat implements Format {
  /** Always `"MPEG4-GENERIC"`. */
  readonly codec = "MPEG4-GENERIC";
  /** The RTP payload type. */
  readonly payloadType: number;
  /** Sample rate. */
  readonly clockRate: number;
  /** Channel count. */
  channelCount: number;
  /** AudioSpecificConfig. */
  config: Uint8Array;
  /** `sizelength`. */
  sizeLength: number;
  /** `indexlength`. */
  indexLength: number;
  /** `indexdeltalength`. */
  indexDeltaLength: number;
  /** `profile-level-id`. */
  profileLevelId: number;

  /** @param options Clock rate, config and AU header sizes. */
  constructor(options: Mpeg4AudioFormatOptions) {
    this.payloadType = options.payloadType ?? 96;
    this.clockRate = options.clockRate;
    this.channelCount = options.channelCount ?? 1;
    this.config = options.config;
    this.sizeLength = options.sizeLength ?? 13;
    this.indexLength = options.indexLength ?? 3;
    this.indexDeltaLength = options.indexDeltaLength ?? 3;
    this.profileLevelId = options.profileLevelId ?? 1;
  }

  /**
   * Builds the format from SDP attributes.
   *
   * @param payloadType The payload type.
   * @param clockRate The rtpmap clock rate.
   * @param channelCount The rtpmap channel count (default 1).
   * @param fmtp Format parameters with lower-case keys.
   * @throws {ParseError} When `mode` is not `AAC-hbr`, or `config` or `sizelength` is missing
   * or invalid.
   */
  static fromSdp(
    payloadType: number,
    clockRate: number,
    channelCount: number | undefined,
    fmtp: Record<string, string> | undefined,
  ): Mpeg4AudioFormat {
    let config: Uint8Array | undefined;
    let sizeLength: number | undefined;
    let indexLength = 0;
    let indexDeltaLength = 0;
    let profileLevelId = 1;
    for (const [key, value] of Object.entries(fmtp ?? {})) {
      switch (key) {
        case "mode":
          if (value.trim().toLowerCase() !== "aac-hbr") {
            throw invalid(`unsupported mode "${value}"`);
          }
          break;
        case "config":
          try {
            config = decodeHex(value.trim());
          } catch {
            throw invalid(`invalid config "${value}"`);
          }
          break;
        case "sizelength":
          sizeLength = parseInteger(key, value);
          break;
        case "indexlength":
          indexLength = parseInteger(key, value);
          break;
        case "indexdeltalength":
          indexDeltaLength = parseInteger(key, value);
          break;
        case "profile-level-id":
          profileLevelId = parseInteger(key, value);
          break;
      }
    }
    if (config === undefined || config.length === 0) throw invalid("config is missing");
    if (sizeLength === undefined) throw invalid("sizelength is missing");
    return new Mpeg4AudioFormat({
      payloadType,
      clockRate,
      channelCount,
      config,
      sizeLength,
      indexLength,
      indexDeltaLength,
      profileLevelId,
    });
  }

  /** @returns `mpeg4-generic/<rate>/<channels>`. */
  rtpMap(): string {
    return `mpeg4-generic/${this.clockRate}/${this.channelCount}`;
  }

  /** @returns `streamtype`, `mode`, `profile-level-id`, `config` (hex) and AU header sizes. */
  fmtp(): Record<string, string> {
    const fmtp: Record<string, string> = {
      "profile-level-id": String(this.profileLevelId),
      mode: "AAC-hbr",
      streamtype: "5",
      config: encodeHex(this.config),
      sizelength: String(this.sizeLength),
    };
    if (this.indexLength !== 0) fmtp.indexlength = String(this.indexLength);
    if (this.indexDeltaLength !== 0) fmtp.indexdeltalength = String(this.indexDeltaLength);
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
