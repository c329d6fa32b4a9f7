/**
 * The 4-byte header of an MPEG-1/MPEG-2 audio frame (ISO/IEC 11172-3 §2.4.1.3, ISO/IEC 13818-3
 * §2.4.1.3, and the unofficial MPEG-2.5 extension to 8-12 kHz): enough to know a frame's length
 * and duration without decoding it.
 *
 * @module
 */

/** What the header of an MPEG audio frame says. */
export interface MpegAudioHeader {
  /** 1 (MPEG-1), 2 (MPEG-2 low sampling frequencies) or 2.5 (MPEG-2.5). */
  version: 1 | 2 | 2.5;
  /** Layer I, II or III. */
  layer: 1 | 2 | 3;
  /** Bit rate in bit/s; 0 for the free format. */
  bitRate: number;
  /** Sample rate in Hz. */
  sampleRate: number;
  /** Whether the padding bit adds a slot (4 bytes in Layer I, 1 byte otherwise). */
  padding: boolean;
  /** 1 (single channel) or 2. */
  channelCount: 1 | 2;
  /** Sample frames (per channel) in the frame: 384, 576 or 1152. */
  samplesPerFrame: number;
  /**
   * Bytes of the whole frame, header included; 0 for the free format, whose length the header
   * does not tell.
   */
  frameLength: number;
}

/** Bytes of an MPEG audio frame header. */
export const MPEG_AUDIO_HEADER_BYTES = 4;

/** Bit rates in kbit/s by bitrate_index, for MPEG-1 Layers I, II, III, then MPEG-2/2.5 I, II+III. */
const BIT_RATES_KBPS: readonly (readonly number[])[] = [
  [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
];

/** Sample rates by sampling_frequency index, for MPEG-1, MPEG-2 and MPEG-2.5. */
const SAMPLE_RATES: Readonly<Record<string, readonly number[]>> = {
  "1": [44100, 48000, 32000],
  "2": [22050, 24000, 16000],
  "2.5": [11025, 12000, 8000],
};

/**
 * Parses the MPEG audio frame header at `offset`.
 *
 * ```
 * AAAAAAAA AAABBCCD EEEEFFGH IIJJKLMM
 * A sync (11 ones)  B version (00 2.5, 10 2, 11 1)  C layer (01 III, 10 II, 11 I)
 * D no CRC  E bitrate_index  F sampling_frequency  G padding  H private  I mode (11 mono) ...
 * ```
 *
 * The frame length is `floor(12 * bitRate / sampleRate + padding) * 4` bytes in Layer I,
 * `floor(144 * bitRate / sampleRate) + padding` in Layer II and MPEG-1 Layer III, and
 * `floor(72 * bitRate / sampleRate) + padding` in MPEG-2/2.5 Layer III (half the samples).
 *
 * @param data Bytes that hold the header at `offset`.
 * @param offset Where the header starts; default 0.
 * @returns The header, or undefined when the bytes are too few, the sync word is missing or a
 *   field has a reserved value (version 01, layer 00, bitrate_index 1111, sampling_frequency 11).
 *
 * @example Frame length of an MPEG-1 Layer III frame at 128 kbit/s and 44.1 kHz
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseMpegAudioHeader } from "./mpeg_audio_header.ts";
 * const header = parseMpegAudioHeader(new Uint8Array([0xff, 0xfb, 0x92, 0x44]));
 * assert.equal(header?.layer, 3);
 * assert.equal(header?.frameLength, 418); // 144 * 128000 / 44100 = 417.96, plus the padding
 * ```
 */
export function parseMpegAudioHeader(
  data: Uint8Array,
  offset = 0,
): MpegAudioHeader | undefined {
  if (offset < 0 || offset + MPEG_AUDIO_HEADER_BYTES > data.byteLength) return undefined;
  const b1 = data[offset + 1]!;
  const b2 = data[offset + 2]!;
  if (data[offset] !== 0xff || (b1 & 0xe0) !== 0xe0) return undefined;
  const versionBits = (b1 >> 3) & 3;
  const layerBits = (b1 >> 1) & 3;
  const bitRateIndex = b2 >> 4;
  const sampleRateIndex = (b2 >> 2) & 3;
  if (versionBits === 1 || layerBits === 0 || bitRateIndex === 15 || sampleRateIndex === 3) {
    return undefined;
  }
  const version = versionBits === 3 ? 1 : versionBits === 2 ? 2 : 2.5;
  const layer = (4 - layerBits) as 1 | 2 | 3;
  const table = version === 1 ? layer - 1 : layer === 1 ? 3 : 4;
  const bitRate = BIT_RATES_KBPS[table]![bitRateIndex]! * 1000;
  const sampleRate = SAMPLE_RATES[String(version)]![sampleRateIndex]!;
  const padding = (b2 & 2) !== 0;
  const pad = padding ? 1 : 0;
  const samplesPerFrame = layer === 1 ? 384 : layer === 3 && version !== 1 ? 576 : 1152;
  let frameLength = 0;
  if (bitRate > 0) {
    frameLength = layer === 1
      ? Math.floor((12 * bitRate) / sampleRate + pad) * 4
      : Math.floor((samplesPerFrame / 8 * bitRate) / sampleRate) + pad;
  }
  return {
    version,
    layer,
    bitRate,
    sampleRate,
    padding,
    channelCount: (data[offset + 3]! >> 6) === 3 ? 1 : 2,
    samplesPerFrame,
    frameLength,
  };
}
