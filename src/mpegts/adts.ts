/**
 * ADTS framing of AAC (ISO/IEC 14496-3 §1.A.2), as carried in MPEG-TS (stream type 0x0F).
 *
 * @module
 */

import { ParseError } from "../errors.ts";
import { AAC_SAMPLE_RATES } from "../formats/mpeg4_audio/sampling_frequencies.ts";

export { AAC_SAMPLE_RATES };

/** The stream parameters an ADTS header carries. */
export interface AdtsConfig {
  /** MPEG-4 audio object type (2 = AAC-LC); ADTS can carry types 1 to 4. */
  objectType: number;
  /** Sampling rate in Hz; must be one of {@linkcode AAC_SAMPLE_RATES}. */
  sampleRate: number;
  /** Channel configuration (1 = mono, 2 = stereo, ... 7). */
  channelCount: number;
}

/** One AAC frame of an ADTS stream. */
export interface AdtsFrame extends AdtsConfig {
  /** The raw AAC frame without the ADTS header; a view into the input. */
  data: Uint8Array;
}

/**
 * Splits ADTS frames.
 *
 * ```
 * syncword(12)=0xFFF ID(1) layer(2) protection_absent(1) profile(2) sampling_frequency_index(4)
 * private(1) channel_configuration(3) original(1) home(1) copyright_id(1) copyright_start(1)
 * frame_length(13) buffer_fullness(11) number_of_raw_data_blocks(2) [crc(16)]
 * ```
 *
 * @param bytes Consecutive ADTS frames, e.g. the payload of an MPEG-TS AAC PES.
 * @returns The frames; their data are views into `bytes`.
 * @throws {ParseError} When a header is invalid or a frame is truncated.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeAdts, encodeAdts } from "./adts.ts";
 * const config = { objectType: 2, sampleRate: 48000, channelCount: 2 };
 * const bytes = encodeAdts(config, [new Uint8Array([1, 2, 3])]);
 * assert.deepEqual(decodeAdts(bytes), [{ ...config, data: new Uint8Array([1, 2, 3]) }]);
 * ```
 */
export function decodeAdts(bytes: Uint8Array): AdtsFrame[] {
  const frames: AdtsFrame[] = [];
  let pos = 0;
  while (pos < bytes.byteLength) {
    if (bytes.byteLength - pos < 7) {
      throw new ParseError("ADTS_TRUNCATED", "Cannot decode ADTS: truncated header", {
        offset: pos,
        fatal: false,
      });
    }
    if (bytes[pos] !== 0xff || (bytes[pos + 1]! & 0xf6) !== 0xf0) {
      throw new ParseError("ADTS_SYNC", "Cannot decode ADTS: missing syncword", {
        offset: pos,
        fatal: false,
      });
    }
    const protectionAbsent = bytes[pos + 1]! & 0x01;
    const objectType = (bytes[pos + 2]! >> 6) + 1;
    const rateIndex = (bytes[pos + 2]! >> 2) & 0x0f;
    const channelCount = ((bytes[pos + 2]! & 0x01) << 2) | (bytes[pos + 3]! >> 6);
    const frameLength = ((bytes[pos + 3]! & 0x03) << 11) | (bytes[pos + 4]! << 3) |
      (bytes[pos + 5]! >> 5);
    const blocks = (bytes[pos + 6]! & 0x03) + 1;
    const headerLength = protectionAbsent ? 7 : 9;
    const sampleRate = AAC_SAMPLE_RATES[rateIndex];
    if (sampleRate === undefined) {
      throw new ParseError(
        "ADTS_RATE",
        `Cannot decode ADTS: invalid sampling frequency index ${rateIndex}`,
        {
          offset: pos,
          fatal: false,
        },
      );
    }
    if (channelCount === 0 || blocks !== 1) {
      throw new ParseError(
        "ADTS_UNSUPPORTED",
        "Cannot decode ADTS: channel configuration 0 or several raw data blocks",
        {
          offset: pos,
          fatal: false,
        },
      );
    }
    if (frameLength < headerLength || pos + frameLength > bytes.byteLength) {
      throw new ParseError("ADTS_TRUNCATED", "Cannot decode ADTS: invalid frame length", {
        offset: pos,
        fatal: false,
      });
    }
    frames.push({
      objectType,
      sampleRate,
      channelCount,
      data: bytes.subarray(pos + headerLength, pos + frameLength),
    });
    pos += frameLength;
  }
  return frames;
}

/**
 * Writes AAC frames as ADTS frames (7-byte headers, no CRC), in one allocation.
 *
 * @param config Object type, sample rate and channel configuration of the frames.
 * @param frames Raw AAC frames.
 * @returns The ADTS stream.
 * @throws {RangeError} When the config cannot be expressed in ADTS or a frame is too long.
 */
export function encodeAdts(config: AdtsConfig, frames: readonly Uint8Array[]): Uint8Array {
  const rateIndex = AAC_SAMPLE_RATES.indexOf(config.sampleRate);
  if (rateIndex < 0) {
    throw new RangeError(`Cannot encode ADTS: unsupported sample rate ${config.sampleRate}`);
  }
  if (config.objectType < 1 || config.objectType > 4) {
    throw new RangeError(`Cannot encode ADTS: object type ${config.objectType} is not 1 to 4`);
  }
  if (config.channelCount < 1 || config.channelCount > 7) {
    throw new RangeError(`Cannot encode ADTS: channel count ${config.channelCount} is not 1 to 7`);
  }
  let size = 0;
  for (const frame of frames) size += 7 + frame.byteLength;
  const out = new Uint8Array(size);
  let pos = 0;
  for (const frame of frames) {
    const length = 7 + frame.byteLength;
    if (length > 0x1fff) {
      throw new RangeError(`Cannot encode ADTS: frame of ${frame.byteLength} bytes is too long`);
    }
    out[pos] = 0xff;
    out[pos + 1] = 0xf1;
    out[pos + 2] = ((config.objectType - 1) << 6) | (rateIndex << 2) | (config.channelCount >> 2);
    out[pos + 3] = ((config.channelCount & 0x03) << 6) | (length >> 11);
    out[pos + 4] = (length >> 3) & 0xff;
    out[pos + 5] = ((length & 0x07) << 5) | 0x1f;
    out[pos + 6] = 0xfc;
    out.set(frame, pos + 7);
    pos += length;
  }
  return out;
}
