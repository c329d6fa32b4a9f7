/**
 * The AC-3 sync frame header fields the RTP payload format needs (ATSC A/52 §5.4.1): where a
 * frame starts, how long it is, and its sample rate.
 *
 * @module
 */

/** The sync word that begins every AC-3 frame (ATSC A/52 §5.4.1.1). */
export const AC3_SYNC_WORD = 0x0b77;

/** Audio samples per channel in one AC-3 frame: 6 blocks of 256 (ATSC A/52 §5.1). */
export const AC3_SAMPLES_PER_FRAME = 1536;

/** Sample rates by `fscod` (ATSC A/52 table 5.6); 3 is reserved. */
export const AC3_SAMPLE_RATES: readonly number[] = [48000, 44100, 32000];

/** Nominal bit rates in kbit/s by `frmsizecod >> 1` (ATSC A/52 table 5.18). */
const BIT_RATES_KBPS: readonly number[] = [
  32,
  40,
  48,
  56,
  64,
  80,
  96,
  112,
  128,
  160,
  192,
  224,
  256,
  320,
  384,
  448,
  512,
  576,
  640,
];

/** The header fields of one AC-3 sync frame. */
export interface Ac3FrameHeader {
  /** Sample rate in Hz, from `fscod`. */
  sampleRate: number;
  /** Nominal bit rate in kbit/s, from `frmsizecod`. */
  bitRate: number;
  /** Length of the whole frame in bytes. */
  frameBytes: number;
}

/**
 * Reads the sync frame header at the start of `bytes` (ATSC A/52 §5.4.1): `syncword`, `crc1`,
 * then `fscod` (2 bits) and `frmsizecod` (6 bits). The frame holds a whole number of 16-bit
 * words: 2 per kbit/s at 48 kHz, 3 at 32 kHz, and at 44.1 kHz the bit rate's share of
 * 1536 / 44100 s rounded down, plus one word when `frmsizecod` is odd (table 5.18).
 *
 * @param bytes At least the first 5 bytes of a frame.
 * @returns The header, or undefined when there is no sync word, the header is cut short, or
 * `fscod` or `frmsizecod` is reserved.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readAc3FrameHeader } from "./ac3_frame.ts";
 * // fscod 0 (48 kHz), frmsizecod 12 (96 kbit/s): 192 words.
 * const header = readAc3FrameHeader(new Uint8Array([0x0b, 0x77, 0x38, 0x90, 0x0c]));
 * assert.deepEqual(header, { sampleRate: 48000, bitRate: 96, frameBytes: 384 });
 * ```
 */
export function readAc3FrameHeader(bytes: Uint8Array): Ac3FrameHeader | undefined {
  if (bytes.byteLength < 5 || ((bytes[0]! << 8) | bytes[1]!) !== AC3_SYNC_WORD) return undefined;
  const fscod = bytes[4]! >> 6;
  const frmsizecod = bytes[4]! & 0x3f;
  const sampleRate = AC3_SAMPLE_RATES[fscod];
  const bitRate = BIT_RATES_KBPS[frmsizecod >> 1];
  if (sampleRate === undefined || bitRate === undefined) return undefined;
  // Words of 16 bits in 1536 samples: bitRate * 1000 * 1536 / sampleRate / 16.
  const words = Math.floor((bitRate * 96000) / sampleRate) +
    (sampleRate === 44100 ? frmsizecod & 1 : 0);
  return { sampleRate, bitRate, frameBytes: words * 2 };
}

/**
 * Splits an AC-3 elementary stream (a `.ac3` file, or the payload of a transport stream) into
 * its sync frames, by the frame length in each header.
 *
 * @param bytes Whole frames, back to back.
 * @returns Views of the frames.
 * @throws {RangeError} When a frame has no valid header or is cut short.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { splitAc3Frames } from "./ac3_frame.ts";
 * const frame = new Uint8Array(384);
 * frame.set([0x0b, 0x77, 0, 0, 0x0c]);
 * const frames = splitAc3Frames(new Uint8Array([...frame, ...frame]));
 * assert.deepEqual(frames.map((f) => f.byteLength), [384, 384]);
 * ```
 */
export function splitAc3Frames(bytes: Uint8Array): Uint8Array[] {
  const frames: Uint8Array[] = [];
  for (let offset = 0; offset < bytes.byteLength;) {
    const header = readAc3FrameHeader(bytes.subarray(offset));
    if (header === undefined) {
      throw new RangeError(`Cannot split AC-3: no valid sync frame header at byte ${offset}`);
    }
    if (offset + header.frameBytes > bytes.byteLength) {
      throw new RangeError(`Cannot split AC-3: the frame at byte ${offset} is cut short`);
    }
    frames.push(bytes.subarray(offset, offset + header.frameBytes));
    offset += header.frameBytes;
  }
  return frames;
}
