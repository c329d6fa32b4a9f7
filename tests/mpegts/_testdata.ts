/** Loads the ffmpeg-made MPEG-TS files and their ffprobe listings (tests/testdata/mpegts/). */
import { readFileSync } from "node:fs";

export interface Expected {
  streams: {
    codec: string;
    sampleRate: number | null;
    channels: number | null;
    packets: [number, number, number, number][];
  }[];
}

const DIR = new URL("../testdata/mpegts/", import.meta.url);

/** Returns the stream bytes and the ffprobe packet listing of `name`. */
export function loadTs(name: string): { bytes: Uint8Array; expected: Expected } {
  const b = readFileSync(new URL(`${name}.mpegts`, DIR));
  const bytes = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  const expected = JSON.parse(
    readFileSync(new URL(`${name}.ffprobe.json`, DIR), "utf8"),
  ) as Expected;
  return { bytes, expected };
}
