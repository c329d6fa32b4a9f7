/**
 * The StreamMuxConfig of MPEG-4 Audio LATM (ISO/IEC 14496-3 §1.7.3), as carried in the
 * `config` parameter of `MP4A-LATM` (RFC 6416 §7.3).
 *
 * @module
 */

import { AAC_SAMPLE_RATES } from "../mpeg4_audio/sampling_frequencies.ts";
import { BitReader, BitWriter } from "./_bits.ts";

/** Audio object types whose AudioSpecificConfig is a GASpecificConfig without extensions. */
const GA_OBJECT_TYPES = new Set([1, 2, 3, 4, 6, 7]);

/**
 * The common StreamMuxConfig: audioMuxVersion 0, all streams with the same time framing, one
 * program of one layer, frameLengthType 0 (a variable frame length, given before each frame).
 */
export interface StreamMuxConfig {
  /** audioObjectType: 2 is AAC LC; 1, 3, 4, 6 and 7 (other GA types) are also read. */
  audioObjectType: number;
  /** Sampling frequency in Hz. */
  sampleRate: number;
  /** channelConfiguration, 1..7 (7 is 7.1, eight channels); 0 means a program config element. */
  channelConfiguration: number;
  /** Samples per frame: 1024, or 960 (frameLengthFlag). */
  frameLength: 1024 | 960;
  /** numSubFrames + 1: access units per AudioMuxElement, 1..64; default 1. */
  subFrames?: number;
  /** latmBufferFullness; default 0xFF (variable rate). */
  bufferFullness?: number;
  /** Bits of other data after the payloads of each AudioMuxElement; default 0 (none). */
  otherDataBits?: number;
  /** crcCheckSum, when present. */
  crcCheckSum?: number;
}

function unsupported(message: string): TypeError {
  return new TypeError(`Cannot parse StreamMuxConfig: ${message}`);
}

/**
 * Parses a StreamMuxConfig of the common shape ({@linkcode StreamMuxConfig}).
 *
 * ```
 * audioMuxVersion (1) = 0, allStreamsSameTimeFraming (1) = 1, numSubFrames (6),
 * numProgram (4) = 0, numLayer (3) = 0,
 * AudioSpecificConfig: audioObjectType (5), samplingFrequencyIndex (4) [frequency (24)],
 *   channelConfiguration (4), frameLengthFlag (1), dependsOnCoreCoder (1) [delay (14)],
 *   extensionFlag (1) [extensionFlag3 (1)],
 * frameLengthType (3) = 0, latmBufferFullness (8),
 * otherDataPresent (1) [otherDataLenBits: (escape (1), 8)...], crcCheckPresent (1) [crc (8)]
 * ```
 *
 * @param bytes The config, e.g. decoded from the fmtp hex.
 * @returns The config.
 * @throws {TypeError} When the config is of another shape (audioMuxVersion 1, several programs
 *   or layers, an audio object type other than AAC Main/LC/SSR/LTP/Scalable/TwinVQ, a fixed
 *   frame length) or invalid.
 * @throws {RangeError} When the bytes end too early.
 *
 * @example RFC 6416 §7.3: AAC LC, 24 kHz, two channels
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseStreamMuxConfig } from "./stream_mux_config.ts";
 * const config = parseStreamMuxConfig(new Uint8Array([0x40, 0x00, 0x26, 0x20, 0x3f, 0xc0]));
 * assert.deepEqual(
 *   [config.audioObjectType, config.sampleRate, config.channelConfiguration],
 *   [2, 24000, 2],
 * );
 * ```
 */
export function parseStreamMuxConfig(bytes: Uint8Array): StreamMuxConfig {
  const r = new BitReader(bytes);
  if (r.read(1) !== 0) throw unsupported("audioMuxVersion 1 is not supported");
  if (r.read(1) !== 1) throw unsupported("allStreamsSameTimeFraming 0 is not supported");
  const subFrames = r.read(6) + 1;
  if (r.read(4) !== 0) throw unsupported("more than one program is not supported");
  if (r.read(3) !== 0) throw unsupported("more than one layer is not supported");
  let audioObjectType = r.read(5);
  if (audioObjectType === 31) audioObjectType = 32 + r.read(6);
  if (!GA_OBJECT_TYPES.has(audioObjectType)) {
    throw unsupported(`audio object type ${audioObjectType} is not supported`);
  }
  const frequencyIndex = r.read(4);
  const sampleRate = frequencyIndex === 15 ? r.read(24) : AAC_SAMPLE_RATES[frequencyIndex];
  if (sampleRate === undefined || sampleRate === 0) {
    throw unsupported(`invalid sampling frequency index ${frequencyIndex}`);
  }
  const channelConfiguration = r.read(4);
  if (channelConfiguration > 7) {
    throw unsupported(`invalid channel configuration ${channelConfiguration}`);
  }
  if (channelConfiguration === 0) {
    throw unsupported("a program config element (channel configuration 0) is not supported");
  }
  const frameLength = r.read(1) === 1 ? 960 : 1024;
  if (r.read(1) === 1) r.read(14); // dependsOnCoreCoder: coreCoderDelay
  if (r.read(1) === 1) r.read(1); // extensionFlag: extensionFlag3 (GA types 1-7 have no other)
  const frameLengthType = r.read(3);
  if (frameLengthType !== 0) {
    throw unsupported(`frameLengthType ${frameLengthType} is not supported`);
  }
  const bufferFullness = r.read(8);
  let otherDataBits = 0;
  if (r.read(1) === 1) {
    let escape = 1;
    // Four bytes of length at most: 2^32 bits of other data is already far beyond a packet.
    for (let i = 0; escape === 1 && i < 4; i++) {
      escape = r.read(1);
      otherDataBits = otherDataBits * 256 + r.read(8);
    }
    if (escape === 1) throw unsupported("otherDataLenBits is too long");
  }
  const config: StreamMuxConfig = {
    audioObjectType,
    sampleRate,
    channelConfiguration,
    frameLength,
    subFrames,
    bufferFullness,
    otherDataBits,
  };
  if (r.read(1) === 1) config.crcCheckSum = r.read(8);
  return config;
}

/**
 * Writes a StreamMuxConfig (the layout of {@linkcode parseStreamMuxConfig}), padded with zero
 * bits to a whole byte.
 *
 * @param config The config.
 * @returns Its bytes, for the fmtp `config` in hex.
 * @throws {RangeError} When a field is out of range.
 *
 * @example AAC LC, 48 kHz, stereo, as ffmpeg writes it
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeHex } from "../../bytes/hex.ts";
 * import { encodeStreamMuxConfig } from "./stream_mux_config.ts";
 * const bytes = encodeStreamMuxConfig({
 *   audioObjectType: 2,
 *   sampleRate: 48000,
 *   channelConfiguration: 2,
 *   frameLength: 1024,
 * });
 * assert.equal(encodeHex(bytes), "400023203fc0");
 * ```
 */
export function encodeStreamMuxConfig(config: StreamMuxConfig): Uint8Array {
  const subFrames = config.subFrames ?? 1;
  const bufferFullness = config.bufferFullness ?? 0xff;
  const otherDataBits = config.otherDataBits ?? 0;
  const check = (ok: boolean, field: string, value: unknown) => {
    if (!ok) throw new RangeError(`Cannot encode StreamMuxConfig: invalid ${field} ${value}`);
  };
  check(GA_OBJECT_TYPES.has(config.audioObjectType), "audioObjectType", config.audioObjectType);
  check(
    Number.isInteger(config.sampleRate) && config.sampleRate > 0 && config.sampleRate < 2 ** 24,
    "sampleRate",
    config.sampleRate,
  );
  check(
    Number.isInteger(config.channelConfiguration) && config.channelConfiguration >= 1 &&
      config.channelConfiguration <= 7,
    "channelConfiguration",
    config.channelConfiguration,
  );
  check(
    config.frameLength === 1024 || config.frameLength === 960,
    "frameLength",
    config.frameLength,
  );
  check(Number.isInteger(subFrames) && subFrames >= 1 && subFrames <= 64, "subFrames", subFrames);
  check(
    Number.isInteger(bufferFullness) && bufferFullness >= 0 && bufferFullness <= 0xff,
    "bufferFullness",
    bufferFullness,
  );
  check(
    Number.isInteger(otherDataBits) && otherDataBits >= 0 && otherDataBits < 2 ** 32,
    "otherDataBits",
    otherDataBits,
  );
  const crc = config.crcCheckSum;
  check(
    crc === undefined || (Number.isInteger(crc) && crc >= 0 && crc <= 0xff),
    "crcCheckSum",
    crc,
  );
  const w = new BitWriter();
  w.write(1, 0); // audioMuxVersion
  w.write(1, 1); // allStreamsSameTimeFraming
  w.write(6, subFrames - 1);
  w.write(4, 0); // numProgram - 1
  w.write(3, 0); // numLayer - 1
  w.write(5, config.audioObjectType);
  const index = AAC_SAMPLE_RATES.indexOf(config.sampleRate);
  w.write(4, index < 0 ? 15 : index);
  if (index < 0) w.write(24, config.sampleRate);
  w.write(4, config.channelConfiguration);
  w.write(1, config.frameLength === 960 ? 1 : 0);
  w.write(1, 0); // dependsOnCoreCoder
  w.write(1, 0); // extensionFlag
  w.write(3, 0); // frameLengthType
  w.write(8, bufferFullness);
  w.write(1, otherDataBits > 0 ? 1 : 0);
  if (otherDataBits > 0) {
    const lengthBytes: number[] = [];
    for (let v = otherDataBits; v > 0; v = Math.floor(v / 256)) lengthBytes.unshift(v % 256);
    lengthBytes.forEach((b, i) => {
      w.write(1, i < lengthBytes.length - 1 ? 1 : 0);
      w.write(8, b);
    });
  }
  w.write(1, crc === undefined ? 0 : 1);
  if (crc !== undefined) w.write(8, crc);
  return w.bytes();
}

/**
 * The channel count of a channelConfiguration (ISO/IEC 14496-3 Table 1.19).
 *
 * @param channelConfiguration 1..7.
 * @returns 1..6, or 8 for configuration 7.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { channelCountOf } from "./stream_mux_config.ts";
 * assert.equal(channelCountOf(2), 2);
 * assert.equal(channelCountOf(7), 8);
 * ```
 */
export function channelCountOf(channelConfiguration: number): number {
  return channelConfiguration === 7 ? 8 : channelConfiguration;
}
