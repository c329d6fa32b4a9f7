import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readAc3FrameHeader, splitAc3Frames } from "../../../src/formats/ac3/ac3_frame.ts";
import { FRAMES_44K, FRAMES_48K, loadAc3 } from "./_frames.ts";

/** A header with the given fscod and frmsizecod. */
function header(fscod: number, frmsizecod: number): Uint8Array {
  return new Uint8Array([0x0b, 0x77, 0x12, 0x34, (fscod << 6) | frmsizecod]);
}

describe("ac3_frame", () => {
  // ATSC A/52 table 5.18: 16-bit words per frame by frmsizecod (rows) and fscod (48, 44.1, 32 kHz).
  const table: [frmsizecod: number, kbps: number, words: [number, number, number]][] = [
    [0, 32, [64, 69, 96]],
    [1, 32, [64, 70, 96]],
    [2, 40, [80, 87, 120]],
    [3, 40, [80, 88, 120]],
    [8, 64, [128, 139, 192]],
    [12, 96, [192, 208, 288]],
    [13, 96, [192, 209, 288]],
    [18, 160, [320, 348, 480]],
    [24, 256, [512, 557, 768]],
    [30, 448, [896, 975, 1344]],
    [36, 640, [1280, 1393, 1920]],
    [37, 640, [1280, 1394, 1920]],
  ];
  const rates = [48000, 44100, 32000];
  for (const [frmsizecod, kbps, words] of table) {
    it(`readAc3FrameHeader() reads frmsizecod ${frmsizecod} (${kbps} kbit/s) at every rate`, () => {
      for (let fscod = 0; fscod < 3; fscod++) {
        assert.deepEqual(readAc3FrameHeader(header(fscod, frmsizecod)), {
          sampleRate: rates[fscod],
          bitRate: kbps,
          frameBytes: words[fscod]! * 2,
        });
      }
    });
  }

  const invalid: [string, Uint8Array][] = [
    ["the reserved fscod 3", header(3, 0)],
    ["the reserved frmsizecod 38", header(0, 38)],
    ["frmsizecod 63", header(0, 63)],
    ["no sync word", new Uint8Array([0x0b, 0x78, 0, 0, 0])],
    ["a header cut short", new Uint8Array([0x0b, 0x77, 0, 0])],
  ];
  for (const [name, bytes] of invalid) {
    it(`readAc3FrameHeader() returns undefined for ${name}`, () => {
      assert.equal(readAc3FrameHeader(bytes), undefined);
    });
  }

  it("splitAc3Frames() splits ffmpeg's frames by their headers", () => {
    assert.deepEqual(FRAMES_48K.map((f) => f.byteLength), [384, 384, 384, 384]);
    // At 44.1 kHz the encoder pads every other frame or so with one word (odd frmsizecod).
    assert.deepEqual(FRAMES_44K.map((f) => f.byteLength), [138, 140, 140, 138, 140]);
    for (const f of [...FRAMES_48K, ...FRAMES_44K]) assert.deepEqual([f[0], f[1]], [0x0b, 0x77]);
  });

  it("splitAc3Frames() refuses garbage and a frame cut short", () => {
    const bytes = loadAc3("sine_48k_stereo_96k.ac3");
    assert.throws(() => splitAc3Frames(bytes.subarray(0, bytes.byteLength - 1)), RangeError);
    assert.throws(() => splitAc3Frames(bytes.subarray(1)), RangeError);
    assert.deepEqual(splitAc3Frames(new Uint8Array(0)), []);
  });
});
