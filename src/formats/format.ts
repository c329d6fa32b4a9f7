/**
 * The {@linkcode Format} contract and {@linkcode formatFromSdp}, which picks the format class
 * for an SDP payload type.
 *
 * @module
 */
import { ParseError } from "../errors.ts";
import type { RtpPacket } from "../rtp/rtp_packet.ts";
import { Ac3Format } from "./ac3/ac3_format.ts";
import { Av1Format } from "./av1/av1_format.ts";
import { G711Format } from "./g711/g711_format.ts";
import { G722Format } from "./g722/g722_format.ts";
import { GenericFormat } from "./generic/generic_format.ts";
import { H264Format } from "./h264/h264_format.ts";
import { H265Format } from "./h265/h265_format.ts";
import { KlvFormat } from "./klv/klv_format.ts";
import { LpcmFormat } from "./lpcm/lpcm_format.ts";
import { MjpegFormat } from "./mjpeg/mjpeg_format.ts";
import { Mp2tFormat } from "./mp2t/mp2t_format.ts";
import { MpegAudioFormat } from "./mpeg_audio/mpeg_audio_format.ts";
import { MpegVideoFormat } from "./mpeg_video/mpeg_video_format.ts";
import { Mpeg4AudioFormat } from "./mpeg4_audio/mpeg4_audio_format.ts";
import { Mpeg4AudioLatmFormat } from "./mpeg4_audio_latm/mpeg4_audio_latm_format.ts";
import { Mpeg4VideoFormat } from "./mpeg4_video/mpeg4_video_format.ts";
import { OpusFormat } from "./opus/opus_format.ts";
import { Vp8Format } from "./vp8/vp8_format.ts";
import { Vp9Format } from "./vp9/vp9_format.ts";

/** One RTP payload format of a media: what `a=rtpmap` and `a=fmtp` describe. */
export interface Format {
  /** `"H264"`, `"MPEG4-GENERIC"`, `"opus"`, `"PCMA"`, ... or the rtpmap encoding name. */
  readonly codec: string;
  /** The RTP payload type, 0..127. */
  readonly payloadType: number;
  /** RTP clock rate in Hz; 0 is allowed for application media. */
  readonly clockRate: number;
  /** The `a=rtpmap` value without the payload type, e.g. `"H264/90000"`. */
  rtpMap(): string | undefined;
  /** The `a=fmtp` parameters (unordered; the SDP writer sorts the keys). */
  fmtp(): Record<string, string> | undefined;
  /** Whether the packet's PTS equals its DTS (it starts a random access point, or audio). */
  ptsEqualsDts(pkt: RtpPacket): boolean;
}

/**
 * Clock rates of static payload types
 * ([RFC 3551 §6](https://www.rfc-editor.org/rfc/rfc3551#section-6), tables 4 and 5).
 */
const STATIC_CLOCK_RATES: Record<number, number> = {
  0: 8000,
  1: 8000,
  2: 8000,
  3: 8000,
  4: 8000,
  5: 8000,
  6: 16000,
  7: 8000,
  8: 8000,
  9: 8000,
  10: 44100,
  11: 44100,
  12: 8000,
  13: 8000,
  14: 90000,
  15: 8000,
  16: 11025,
  17: 22050,
  18: 8000,
  25: 90000,
  26: 90000,
  28: 90000,
  31: 90000,
  32: 90000,
  33: 90000,
  34: 90000,
};

function invalid(code: string, message: string): ParseError {
  return new ParseError(code, message, { fatal: false });
}

function lowerKeys(fmtp: Record<string, string> | undefined): Record<string, string> | undefined {
  if (fmtp === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(fmtp)) out[key.toLowerCase()] = value;
  return out;
}

/**
 * Builds the format of one payload type from SDP attributes.
 *
 * The clock rate comes from the RFC 3551 table for static payload types, else from the rtpmap.
 * H264, H265, mpeg4-generic, MP4A-LATM (with `cpresent=0`), MP4V-ES, AC3, opus, PCMU/PCMA,
 * G722 (at 8000 Hz), L8/L16/L24, JPEG, MPA, MPV, MP2T, smpte336m (KLV), VP8, VP9 and AV1 get
 * their own class; anything else is a {@linkcode GenericFormat}.
 *
 * @param payloadType The payload type from the `m=` line.
 * @param rtpMap The `a=rtpmap` value after the payload type, e.g. `"H264/90000"`.
 * @param fmtp The `a=fmtp` parameters.
 * @param mediaType The media type of the `m=` line (`video`, `audio`, `application`, ...).
 * @returns The format.
 * @throws {ParseError} When the payload type is out of range, the rtpmap is malformed, there is
 * no clock rate for a non-application media, or codec parameters are invalid.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatFromSdp } from "./format.ts";
 * const format = formatFromSdp(96, "H264/90000", { "packetization-mode": "1" }, "video");
 * assert.equal(format.codec, "H264");
 * assert.equal(formatFromSdp(0, undefined, undefined, "audio").codec, "PCMU");
 * ```
 */
export function formatFromSdp(
  payloadType: number,
  rtpMap: string | undefined,
  fmtp: Record<string, string> | undefined,
  mediaType: string,
): Format {
  if (!Number.isInteger(payloadType) || payloadType < 0 || payloadType > 127) {
    throw invalid(
      "SDP_INVALID_FORMAT",
      `Cannot parse SDP format: invalid payload type ${payloadType}`,
    );
  }
  let encoding = "";
  let rtpMapRate: number | undefined;
  let channels: number | undefined;
  if (rtpMap !== undefined) {
    const parts = rtpMap.trim().split("/");
    encoding = parts[0].trim();
    if (encoding === "" || parts.length > 3) {
      throw invalid("SDP_INVALID_FORMAT", `Cannot parse SDP format: invalid rtpmap "${rtpMap}"`);
    }
    if (parts.length >= 2) {
      if (!/^\d{1,9}$/.test(parts[1].trim()) || Number(parts[1]) === 0) {
        throw invalid(
          "SDP_INVALID_FORMAT",
          `Cannot parse SDP format: invalid clock rate in "${rtpMap}"`,
        );
      }
      rtpMapRate = Number(parts[1]);
    }
    if (parts.length === 3 && /^\d{1,3}$/.test(parts[2].trim()) && Number(parts[2]) > 0) {
      channels = Number(parts[2]);
    }
  }
  const clockRate = STATIC_CLOCK_RATES[payloadType] ?? rtpMapRate;
  if (clockRate === undefined) {
    if (mediaType === "application") {
      return new GenericFormat({ payloadType, clockRate: 0, rtpMap, fmtp });
    }
    throw invalid(
      "SDP_NO_CLOCK_RATE",
      `Cannot parse SDP format: payload type ${payloadType} of ${mediaType} media has no clock rate`,
    );
  }
  const name = encoding.toLowerCase();
  const params = lowerKeys(fmtp);
  switch (name) {
    case "h264":
      return H264Format.fromSdp(payloadType, params);
    case "h265":
      return H265Format.fromSdp(payloadType, params);
    case "mpeg4-generic":
      if (mediaType === "audio") {
        return Mpeg4AudioFormat.fromSdp(payloadType, clockRate, channels, params);
      }
      break;
    case "mp4a-latm":
      // Only the config out of band (cpresent=0) is read; in band, the stream stays generic.
      if (mediaType === "audio" && params?.cpresent?.trim() === "0") {
        return Mpeg4AudioLatmFormat.fromSdp(payloadType, clockRate, channels, params);
      }
      break;
    case "ac3":
      return new Ac3Format({ payloadType, sampleRate: clockRate, channelCount: channels });
    case "mp4v-es":
      return Mpeg4VideoFormat.fromSdp(payloadType, clockRate, params);
    case "opus":
      return OpusFormat.fromSdp(payloadType, params);
    case "pcmu":
    case "pcma":
      return new G711Format({
        mulaw: name === "pcmu",
        sampleRate: clockRate,
        channelCount: channels,
        payloadType,
      });
    case "g722":
      if (clockRate === 8000) {
        return new G722Format({ channelCount: channels, payloadType });
      }
      break;
    case "l8":
    case "l16":
    case "l24":
      return new LpcmFormat({
        bitDepth: Number(name.slice(1)) as 8 | 16 | 24,
        sampleRate: clockRate,
        channelCount: channels,
        payloadType,
      });
    case "jpeg":
      return new MjpegFormat({ payloadType });
    case "mpa":
      return new MpegAudioFormat({ payloadType });
    case "mp2t":
      return new Mp2tFormat({ payloadType });
    case "mpv":
      return new MpegVideoFormat({ payloadType });
    case "smpte336m":
      return new KlvFormat({ payloadType, clockRate });
    case "vp8":
      return Vp8Format.fromSdp(payloadType, params);
    case "vp9":
      return Vp9Format.fromSdp(payloadType, params);
    case "av1":
      return Av1Format.fromSdp(payloadType, params);
    case "":
      switch (payloadType) {
        case 0:
        case 8:
          return new G711Format({ mulaw: payloadType === 0, payloadType });
        case 10:
        case 11:
          return new LpcmFormat({
            bitDepth: 16,
            sampleRate: 44100,
            channelCount: payloadType === 10 ? 2 : 1,
            payloadType,
          });
        case 14:
          return new MpegAudioFormat({ payloadType });
        case 9:
          return new G722Format({ payloadType });
        case 26:
          return new MjpegFormat({ payloadType });
        case 32:
          return new MpegVideoFormat({ payloadType });
        case 33:
          return new Mp2tFormat({ payloadType });
      }
      break;
  }
  return new GenericFormat({ payloadType, clockRate, rtpMap, fmtp });
}
