/**
 * AC-3 frames for the payload format tests: the real ones in tests/testdata/ac3/ (made by
 * ffmpeg's `-c:a ac3` from a 440 Hz sine) and small made-up ones with a valid header.
 */
import { readFileSync } from "node:fs";
import { splitAc3Frames } from "../../../src/formats/ac3/ac3_frame.ts";

/** The bytes of a file under tests/testdata/ac3/. */
export function loadAc3(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`../../testdata/ac3/${name}`, import.meta.url)));
}

/** 4 frames of 384 bytes: 48 kHz stereo at 96 kbit/s (fscod 0, frmsizecod 12). */
export const FRAMES_48K = splitAc3Frames(loadAc3("sine_48k_stereo_96k.ac3"));

/** 5 frames of 138 or 140 bytes: 44.1 kHz mono at 32 kbit/s (fscod 1, frmsizecod 0 or 1). */
export const FRAMES_44K = splitAc3Frames(loadAc3("sine_44k_mono_32k.ac3"));

/**
 * A made-up frame at 48 kHz: 128 bytes (frmsizecod 0) or, with `large`, 384 (frmsizecod 12);
 * the header, then `tag` in every other byte (the payload format does not look past it).
 */
export function smallFrame(tag: number, large = false): Uint8Array {
  const frame = new Uint8Array(large ? 384 : 128).fill(tag);
  frame.set([0x0b, 0x77, 0, 0, large ? 12 : 0]);
  return frame;
}
