/**
 * The MPEG audio test files of tests/testdata/mpeg_audio/ (made by ffmpeg: mp2 and libmp3lame,
 * no ID3 or Xing header) and what ffprobe said of them (`<file>.ffprobe.json`).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parseMpegAudioHeader } from "../../../src/formats/mpeg_audio/mpeg_audio_header.ts";

/** ffprobe's view of a file: codec, rate, channels and the size of every frame. */
export interface Probe {
  codec: string;
  sampleRate: number;
  channels: number;
  frameSizes: number[];
}

export const MPEG_AUDIO_FILES = [
  "mp2_48000_stereo_192k.mp2",
  "mp3_22050_mono_32k.mp3",
  "mp3_44100_stereo_128k.mp3",
];

function load(path: string): Uint8Array {
  return new Uint8Array(
    readFileSync(new URL(`../../testdata/mpeg_audio/${path}`, import.meta.url)),
  );
}

/** The bytes of a test file. */
export function loadMpegAudio(file: string): Uint8Array {
  return load(file);
}

/** What ffprobe said of a test file. */
export function loadProbe(file: string): Probe {
  return JSON.parse(new TextDecoder().decode(load(`${file}.ffprobe.json`)));
}

/** Splits a file into frames by the lengths their headers give. */
export function splitFrames(bytes: Uint8Array): Uint8Array[] {
  const frames: Uint8Array[] = [];
  for (let o = 0; o < bytes.byteLength;) {
    const header = parseMpegAudioHeader(bytes, o);
    assert.ok(header && header.frameLength > 0, `no frame header at byte ${o}`);
    frames.push(bytes.subarray(o, o + header.frameLength));
    o += header.frameLength;
  }
  return frames;
}

/** A frame of `length` bytes behind a 4-byte header, its body filled with `fill`. */
export function frameOf(header: readonly number[], length: number, fill = 0): Uint8Array {
  const frame = new Uint8Array(length).fill(fill);
  frame.set(header);
  return frame;
}
