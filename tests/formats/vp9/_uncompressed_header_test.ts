import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readVp9FrameInfo } from "../../../src/formats/vp9/_uncompressed_header.ts";
import { loadIvf } from "./_captures.ts";

/** Packs [value, bits] fields MSB first, padded with zero bits. */
function bits(...fields: [number, number][]): Uint8Array {
  let s = "";
  for (const [value, n] of fields) s += value.toString(2).padStart(n, "0");
  s = s.padEnd(Math.ceil(s.length / 8) * 8, "0");
  return Uint8Array.from(s.match(/.{8}/g)!, (b) => parseInt(b, 2));
}

const SYNC: [number, number] = [0x498342, 24];
const SIZE_640X360: [number, number][] = [[639, 16], [359, 16]];

describe("readVp9FrameInfo()", () => {
  const cases: [string, Uint8Array, ReturnType<typeof readVp9FrameInfo>][] = [
    [
      "a profile 0 key frame (color_space BT.601)",
      bits(
        [2, 2],
        [0, 1],
        [0, 1],
        [0, 1],
        [0, 1],
        [1, 1],
        [0, 1],
        SYNC,
        [1, 3],
        [0, 1],
        ...SIZE_640X360,
      ),
      { interPicturePredicted: false, size: { width: 640, height: 360 } },
    ],
    [
      "a profile 2 key frame (ten_or_twelve_bit)",
      bits(
        [2, 2],
        [0, 1],
        [1, 1],
        [0, 1],
        [0, 1],
        [1, 1],
        [0, 1],
        SYNC,
        [1, 1],
        [2, 3],
        [1, 1],
        ...SIZE_640X360,
      ),
      { interPicturePredicted: false, size: { width: 640, height: 360 } },
    ],
    [
      "a profile 3 key frame (reserved bit, subsampling)",
      bits(
        [2, 2],
        [1, 1],
        [1, 1],
        [0, 1],
        [0, 1],
        [0, 1],
        [1, 1],
        [0, 1],
        SYNC,
        [1, 1],
        [2, 3],
        [0, 1],
        [1, 1],
        [0, 1],
        [0, 1],
        ...SIZE_640X360,
      ),
      { interPicturePredicted: false, size: { width: 640, height: 360 } },
    ],
    [
      "a profile 1 RGB key frame (reserved bit after color_space)",
      bits(
        [2, 2],
        [1, 1],
        [0, 1],
        [0, 1],
        [0, 1],
        [1, 1],
        [0, 1],
        SYNC,
        [7, 3],
        [0, 1],
        ...SIZE_640X360,
      ),
      { interPicturePredicted: false, size: { width: 640, height: 360 } },
    ],
    [
      "a key frame cut before its size",
      bits([2, 2], [0, 1], [0, 1], [0, 1], [0, 1], [1, 1], [0, 1], SYNC),
      { interPicturePredicted: false },
    ],
    ["an inter frame", bits([2, 2], [0, 2], [0, 1], [1, 1], [1, 1], [0, 1]), {
      interPicturePredicted: true,
    }],
    ["an intra-only frame", bits([2, 2], [0, 2], [0, 1], [1, 1], [0, 1], [0, 1], [1, 1]), {
      interPicturePredicted: false,
    }],
    ["show_existing_frame", bits([2, 2], [0, 2], [1, 1], [3, 3]), { interPicturePredicted: true }],
    ["no frame marker", new Uint8Array([0x00, 0x00]), { interPicturePredicted: true }],
    ["a key frame cut after one byte", new Uint8Array([0x80]), { interPicturePredicted: false }],
    ["a hidden frame cut before intra_only", new Uint8Array([0x84]), {
      interPicturePredicted: true,
    }],
  ];
  for (const [name, frame, expected] of cases) {
    it(`reads ${name}`, () => {
      assert.deepEqual(readVp9FrameInfo(frame), expected);
    });
  }

  it("reads the key frames of the ffmpeg libvpx-vp9 capture", () => {
    const sizes = loadIvf("ffmpeg_vp9.ivf").map((f) => readVp9FrameInfo(f).size);
    assert.deepEqual(sizes[0], { width: 320, height: 240 });
    assert.equal(sizes.filter((s) => s !== undefined).length, 2);
  });
});
