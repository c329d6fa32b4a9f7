/**
 * MPEG transport streams: a streaming reader (PAT/PMT, PES, 33-bit PTS/DTS) and a writer for
 * H.264, H.265, AAC and Opus, plus the ADTS and Opus-in-TS framings they carry.
 *
 * @example Write one H.264 access unit and read it back
 * ```ts
 * import assert from "node:assert/strict";
 * import { MpegTsReader, MpegTsWriter } from "./mod.ts";
 * const writer = new MpegTsWriter([{ codec: "H264" }]);
 * const bytes = writer.writeH264(0, { pts: 90000, randomAccess: true, nalUnits: [new Uint8Array([0x65, 0])] });
 * const reader = new MpegTsReader();
 * const events = [...reader.push(bytes), ...reader.flush()];
 * assert.equal(events.length, 2);
 * ```
 *
 * @module
 */
export {
  type MpegTsEvent,
  type MpegTsPesEvent,
  MpegTsReader,
  type MpegTsReaderOptions,
  type MpegTsReaderStats,
  type MpegTsTrack,
  type MpegTsTracksEvent,
  TS_PACKET_SIZE,
} from "./ts_reader.ts";
export {
  type MpegTsVideoUnit,
  MpegTsWriter,
  type MpegTsWriterCodec,
  type MpegTsWriterOptions,
  type MpegTsWriterTrack,
} from "./ts_writer.ts";
export { codecOfStreamType, MPEGTS_STREAM_TYPE, type MpegTsCodec } from "./stream_type.ts";
export {
  AAC_SAMPLE_RATES,
  type AdtsConfig,
  type AdtsFrame,
  decodeAdts,
  encodeAdts,
} from "./adts.ts";
export { decodeOpusTs, encodeOpusTs } from "./opus_ts.ts";
