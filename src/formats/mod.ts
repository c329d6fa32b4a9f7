/**
 * RTP payload formats: the {@linkcode Format} contract, one class per codec and
 * {@linkcode formatFromSdp}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatFromSdp, H264Format } from "./mod.ts";
 * assert.ok(formatFromSdp(96, "H264/90000", undefined, "video") instanceof H264Format);
 * ```
 *
 * @module
 */
export { formatFromSdp } from "./format.ts";
export type { Format } from "./format.ts";
export { H264Format } from "./h264/h264_format.ts";
export type { H264FormatOptions } from "./h264/h264_format.ts";
export { H265Format } from "./h265/h265_format.ts";
export type { H265FormatOptions } from "./h265/h265_format.ts";
export { Mpeg4AudioFormat } from "./mpeg4_audio/mpeg4_audio_format.ts";
export type { Mpeg4AudioFormatOptions } from "./mpeg4_audio/mpeg4_audio_format.ts";
export { OpusFormat } from "./opus/opus_format.ts";
export type { OpusFormatOptions } from "./opus/opus_format.ts";
export { G711Format } from "./g711/g711_format.ts";
export type { G711FormatOptions } from "./g711/g711_format.ts";
export { LpcmFormat } from "./lpcm/lpcm_format.ts";
export type { LpcmFormatOptions } from "./lpcm/lpcm_format.ts";
export { MjpegFormat } from "./mjpeg/mjpeg_format.ts";
export { Vp8Format } from "./vp8/vp8_format.ts";
export type { Vp8FormatOptions } from "./vp8/vp8_format.ts";
export { Vp9Format } from "./vp9/vp9_format.ts";
export type { Vp9FormatOptions } from "./vp9/vp9_format.ts";
export { Av1Format } from "./av1/av1_format.ts";
export type { Av1FormatOptions } from "./av1/av1_format.ts";
export { GenericFormat } from "./generic/generic_format.ts";
export type { GenericFormatOptions } from "./generic/generic_format.ts";
