/**
 * Elementary stream types of a PMT (ISO/IEC 13818-1 Table 2-34) and the codecs they carry.
 *
 * @module
 */

/** Codecs the MPEG-TS reader recognizes; "unknown" for every other stream type. */
export type MpegTsCodec =
  | "H264"
  | "H265"
  | "AAC"
  | "AAC-LATM"
  | "Opus"
  | "MPEG-1/2 Audio"
  | "MPEG-4 Video"
  | "AC-3"
  | "KLV"
  | "unknown";

/** PMT `stream_type` values used by the reader and the writer. */
export const MPEGTS_STREAM_TYPE = {
  MPEG1_AUDIO: 0x03,
  MPEG2_AUDIO: 0x04,
  PRIVATE_PES: 0x06,
  AAC_ADTS: 0x0f,
  MPEG4_VIDEO: 0x10,
  AAC_LATM: 0x11,
  METADATA: 0x15,
  H264: 0x1b,
  H265: 0x24,
  AC3: 0x81,
} as const;

/**
 * Returns the codec of a PMT entry.
 *
 * @param streamType The PMT `stream_type`.
 * @param registration The format identifier of a registration descriptor (tag 5), e.g. "Opus".
 * @returns The codec, or "unknown".
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { codecOfStreamType } from "./stream_type.ts";
 * assert.equal(codecOfStreamType(0x1b), "H264");
 * assert.equal(codecOfStreamType(0x06, "Opus"), "Opus");
 * ```
 */
export function codecOfStreamType(streamType: number, registration?: string): MpegTsCodec {
  switch (streamType) {
    case MPEGTS_STREAM_TYPE.H264:
      return "H264";
    case MPEGTS_STREAM_TYPE.H265:
      return "H265";
    case MPEGTS_STREAM_TYPE.AAC_ADTS:
      return "AAC";
    case MPEGTS_STREAM_TYPE.AAC_LATM:
      return "AAC-LATM";
    case MPEGTS_STREAM_TYPE.MPEG1_AUDIO:
    case MPEGTS_STREAM_TYPE.MPEG2_AUDIO:
      return "MPEG-1/2 Audio";
    case MPEGTS_STREAM_TYPE.MPEG4_VIDEO:
      return "MPEG-4 Video";
    case MPEGTS_STREAM_TYPE.AC3:
      return "AC-3";
    case MPEGTS_STREAM_TYPE.PRIVATE_PES:
    case MPEGTS_STREAM_TYPE.METADATA:
      if (registration === "Opus") return "Opus";
      if (registration === "AC-3") return "AC-3";
      if (registration === "KLVA") return "KLV";
      return "unknown";
    default:
      return "unknown";
  }
}
