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
export { Mpeg4AudioLatmFormat } from "./mpeg4_audio_latm/mpeg4_audio_latm_format.ts";
export type { Mpeg4AudioLatmFormatOptions } from "./mpeg4_audio_latm/mpeg4_audio_latm_format.ts";
export { Mpeg4VideoFormat } from "./mpeg4_video/mpeg4_video_format.ts";
export type { Mpeg4VideoFormatOptions } from "./mpeg4_video/mpeg4_video_format.ts";
export { Ac3Format } from "./ac3/ac3_format.ts";
export type { Ac3FormatOptions } from "./ac3/ac3_format.ts";
export { OpusFormat } from "./opus/opus_format.ts";
export type { OpusFormatOptions } from "./opus/opus_format.ts";
export { G711Format } from "./g711/g711_format.ts";
export type { G711FormatOptions } from "./g711/g711_format.ts";
export { G722Format } from "./g722/g722_format.ts";
export type { G722FormatOptions } from "./g722/g722_format.ts";
export { LpcmFormat } from "./lpcm/lpcm_format.ts";
export type { LpcmFormatOptions } from "./lpcm/lpcm_format.ts";
export { MjpegFormat } from "./mjpeg/mjpeg_format.ts";
export { Vp8Format } from "./vp8/vp8_format.ts";
export type { Vp8FormatOptions } from "./vp8/vp8_format.ts";
export { Vp9Format } from "./vp9/vp9_format.ts";
export type { Vp9FormatOptions } from "./vp9/vp9_format.ts";
export { Av1Format } from "./av1/av1_format.ts";
export type { Av1FormatOptions } from "./av1/av1_format.ts";
export { MpegAudioFormat } from "./mpeg_audio/mpeg_audio_format.ts";
export type { MpegAudioFormatOptions } from "./mpeg_audio/mpeg_audio_format.ts";
export { MpegVideoFormat } from "./mpeg_video/mpeg_video_format.ts";
export type { MpegVideoFormatOptions } from "./mpeg_video/mpeg_video_format.ts";
export { Mp2tFormat } from "./mp2t/mp2t_format.ts";
export type { Mp2tFormatOptions } from "./mp2t/mp2t_format.ts";
export { KlvFormat } from "./klv/klv_format.ts";
export type { KlvFormatOptions } from "./klv/klv_format.ts";
export { GenericFormat } from "./generic/generic_format.ts";
export type { GenericFormatOptions } from "./generic/generic_format.ts";
export { joinAnnexB, splitAnnexB } from "./h264/annexb.ts";
export { H264Packetizer } from "./h264/h264_packetizer.ts";
export type { H264PacketizerOptions } from "./h264/h264_packetizer.ts";
export { H264Depacketizer } from "./h264/h264_depacketizer.ts";
export type { H264AccessUnit, H264DepacketizerOptions } from "./h264/h264_depacketizer.ts";
export { H265Packetizer } from "./h265/h265_packetizer.ts";
export type { H265PacketizerOptions } from "./h265/h265_packetizer.ts";
export { H265Depacketizer } from "./h265/h265_depacketizer.ts";
export type { H265AccessUnit, H265DepacketizerOptions } from "./h265/h265_depacketizer.ts";
export { Mpeg4AudioPacketizer } from "./mpeg4_audio/mpeg4_audio_packetizer.ts";
export type { Mpeg4AudioPacketizerOptions } from "./mpeg4_audio/mpeg4_audio_packetizer.ts";
export { Mpeg4AudioDepacketizer } from "./mpeg4_audio/mpeg4_audio_depacketizer.ts";
export type {
  Mpeg4AudioDepacketizerOptions,
  Mpeg4AudioUnit,
} from "./mpeg4_audio/mpeg4_audio_depacketizer.ts";
export {
  channelCountOf,
  encodeStreamMuxConfig,
  parseStreamMuxConfig,
} from "./mpeg4_audio_latm/stream_mux_config.ts";
export type { StreamMuxConfig } from "./mpeg4_audio_latm/stream_mux_config.ts";
export { Mpeg4AudioLatmPacketizer } from "./mpeg4_audio_latm/mpeg4_audio_latm_packetizer.ts";
export type { Mpeg4AudioLatmPacketizerOptions } from "./mpeg4_audio_latm/mpeg4_audio_latm_packetizer.ts";
export { Mpeg4AudioLatmDepacketizer } from "./mpeg4_audio_latm/mpeg4_audio_latm_depacketizer.ts";
export type { Mpeg4AudioLatmDepacketizerOptions } from "./mpeg4_audio_latm/mpeg4_audio_latm_depacketizer.ts";
export { Mpeg4VideoPacketizer } from "./mpeg4_video/mpeg4_video_packetizer.ts";
export type { Mpeg4VideoPacketizerOptions } from "./mpeg4_video/mpeg4_video_packetizer.ts";
export { Mpeg4VideoDepacketizer } from "./mpeg4_video/mpeg4_video_depacketizer.ts";
export type {
  Mpeg4VideoDepacketizerOptions,
  Mpeg4VideoFrame,
} from "./mpeg4_video/mpeg4_video_depacketizer.ts";
export { Ac3Packetizer } from "./ac3/ac3_packetizer.ts";
export type { Ac3PacketizerOptions } from "./ac3/ac3_packetizer.ts";
export { Ac3Depacketizer } from "./ac3/ac3_depacketizer.ts";
export type { Ac3Frame } from "./ac3/ac3_depacketizer.ts";
export { readAc3FrameHeader, splitAc3Frames } from "./ac3/ac3_frame.ts";
export type { Ac3FrameHeader } from "./ac3/ac3_frame.ts";
export { OpusPacketizer } from "./opus/opus_packetizer.ts";
export type { OpusPacketizerOptions } from "./opus/opus_packetizer.ts";
export { OpusDepacketizer } from "./opus/opus_depacketizer.ts";
export type { OpusUnit } from "./opus/opus_depacketizer.ts";
export { G711Packetizer } from "./g711/g711_packetizer.ts";
export type { G711PacketizerOptions } from "./g711/g711_packetizer.ts";
export { G711Depacketizer } from "./g711/g711_depacketizer.ts";
export type { AudioSamples } from "./g711/g711_depacketizer.ts";
export { G722Packetizer } from "./g722/g722_packetizer.ts";
export type { G722PacketizerOptions } from "./g722/g722_packetizer.ts";
export { G722Depacketizer } from "./g722/g722_depacketizer.ts";
export { LpcmPacketizer } from "./lpcm/lpcm_packetizer.ts";
export type { LpcmPacketizerOptions } from "./lpcm/lpcm_packetizer.ts";
export { LpcmDepacketizer } from "./lpcm/lpcm_depacketizer.ts";
export type { LpcmDepacketizerOptions } from "./lpcm/lpcm_depacketizer.ts";
export { Vp8Packetizer } from "./vp8/vp8_packetizer.ts";
export type { Vp8PacketizerOptions } from "./vp8/vp8_packetizer.ts";
export { Vp8Depacketizer } from "./vp8/vp8_depacketizer.ts";
export type { Vp8DepacketizerOptions, Vp8Frame } from "./vp8/vp8_depacketizer.ts";
export { MjpegPacketizer } from "./mjpeg/mjpeg_packetizer.ts";
export type { MjpegPacketizerOptions } from "./mjpeg/mjpeg_packetizer.ts";
export { MjpegDepacketizer } from "./mjpeg/mjpeg_depacketizer.ts";
export type { MjpegDepacketizerOptions, MjpegFrame } from "./mjpeg/mjpeg_depacketizer.ts";
export { Vp9Packetizer } from "./vp9/vp9_packetizer.ts";
export type { Vp9PacketizerOptions } from "./vp9/vp9_packetizer.ts";
export { Vp9Depacketizer } from "./vp9/vp9_depacketizer.ts";
export type { Vp9DepacketizerOptions, Vp9Frame } from "./vp9/vp9_depacketizer.ts";
export {
  decodeVp9PayloadDescriptor,
  encodeVp9PayloadDescriptor,
} from "./vp9/vp9_payload_descriptor.ts";
export type {
  Vp9LayerIndices,
  Vp9Payload,
  Vp9PayloadDescriptor,
  Vp9PictureGroupEntry,
  Vp9ScalabilityStructure,
} from "./vp9/vp9_payload_descriptor.ts";
export { Av1Packetizer } from "./av1/av1_packetizer.ts";
export type { Av1PacketizerOptions } from "./av1/av1_packetizer.ts";
export { Av1Depacketizer } from "./av1/av1_depacketizer.ts";
export type { Av1DepacketizerOptions, Av1TemporalUnit } from "./av1/av1_depacketizer.ts";
export { joinAv1Bitstream, splitAv1Bitstream } from "./av1/av1_bitstream.ts";
export { parseMpegAudioHeader } from "./mpeg_audio/mpeg_audio_header.ts";
export type { MpegAudioHeader } from "./mpeg_audio/mpeg_audio_header.ts";
export { MpegAudioPacketizer } from "./mpeg_audio/mpeg_audio_packetizer.ts";
export type { MpegAudioPacketizerOptions } from "./mpeg_audio/mpeg_audio_packetizer.ts";
export { MpegAudioDepacketizer } from "./mpeg_audio/mpeg_audio_depacketizer.ts";
export type { MpegAudioFrame } from "./mpeg_audio/mpeg_audio_depacketizer.ts";
export { Mp2tPacketizer } from "./mp2t/mp2t_packetizer.ts";
export type { Mp2tPacketizerOptions } from "./mp2t/mp2t_packetizer.ts";
export { Mp2tDepacketizer } from "./mp2t/mp2t_depacketizer.ts";
export type { Mp2tUnit } from "./mp2t/mp2t_depacketizer.ts";
export { decodeMpegVideoHeader, encodeMpegVideoHeader } from "./mpeg_video/mpeg_video_header.ts";
export type { MpegVideoHeader } from "./mpeg_video/mpeg_video_header.ts";
export { parsePictureHeader, splitMpegVideoPictures } from "./mpeg_video/mpeg_video_picture.ts";
export type { MpegPictureHeader } from "./mpeg_video/mpeg_video_picture.ts";
export { MpegVideoPacketizer } from "./mpeg_video/mpeg_video_packetizer.ts";
export type { MpegVideoPacketizerOptions } from "./mpeg_video/mpeg_video_packetizer.ts";
export { MpegVideoDepacketizer } from "./mpeg_video/mpeg_video_depacketizer.ts";
export type {
  MpegVideoDepacketizerOptions,
  MpegVideoPicture,
} from "./mpeg_video/mpeg_video_depacketizer.ts";
export { KlvPacketizer } from "./klv/klv_packetizer.ts";
export type { KlvPacketizerOptions } from "./klv/klv_packetizer.ts";
export { KlvDepacketizer } from "./klv/klv_depacketizer.ts";
export type { KlvDepacketizerOptions, KlvUnit } from "./klv/klv_depacketizer.ts";
