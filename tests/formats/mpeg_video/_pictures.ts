/**
 * The MPEG video test files of tests/testdata/mpeg_video/ (made by ffmpeg: mpeg2video with two
 * B pictures and nine slices a picture, mpeg1video with one B picture; 176x144, ten pictures)
 * and what ffprobe said of them (`<file>.ffprobe.json`: the size of every picture as ffmpeg's
 * parser cuts them, and the picture types in display order).
 */
import { readFileSync } from "node:fs";

export const MPEG_VIDEO_FILES = ["testsrc_mpeg2.m2v", "testsrc_mpeg1.m1v"];

/** ffprobe's view of a test file. */
export interface Probe {
  pictureSizes: number[];
  pictureTypes: string[];
}

function load(path: string): Uint8Array {
  return new Uint8Array(
    readFileSync(new URL(`../../testdata/mpeg_video/${path}`, import.meta.url)),
  );
}

/** The bytes of a test file. */
export function loadMpegVideo(file: string): Uint8Array {
  return load(file);
}

/** What ffprobe said of a test file. */
export function loadProbe(file: string): Probe {
  return JSON.parse(new TextDecoder().decode(load(`${file}.ffprobe.json`)));
}
