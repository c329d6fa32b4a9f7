import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  findStartCodes,
  parsePictureHeader,
  splitMpegVideoPictures,
} from "../../../src/formats/mpeg_video/mpeg_video_picture.ts";
import { loadMpegVideo, loadProbe, MPEG_VIDEO_FILES } from "./_pictures.ts";

const TYPE_NAMES = ["", "I", "P", "B", "D"];

describe("mpeg_video_picture", () => {
  for (const file of MPEG_VIDEO_FILES) {
    it(`splitMpegVideoPictures() cuts ${file} where ffmpeg's parser does`, () => {
      const stream = loadMpegVideo(file);
      const probe = loadProbe(file);
      const pictures = splitMpegVideoPictures(stream);
      assert.deepEqual(pictures.map((p) => p.byteLength), probe.pictureSizes);
      // Picture types in coding order; ffprobe lists them in display order: same multiset.
      const types = pictures.map((p) => {
        const at = findStartCodes(p).find((s) => p[s + 3] === 0)!;
        return TYPE_NAMES[parsePictureHeader(p, at)!.pictureType];
      });
      assert.deepEqual([...types].sort(), [...probe.pictureTypes].sort());
    });
  }

  it("parsePictureHeader() reads the vector codes of P and B pictures (ISO/IEC 11172-2 2.4.2.5)", () => {
    // TR 5 (0000000101), type 3 (B), vbv_delay 0xFFFF, FPF 1, forward_f_code 6 (110),
    // FPB 0, backward_f_code 3 (011): 00000001 01011111 11111111 11111111 0 1 ... bits
    const bytes = [0, 0, 1, 0, 0x01, 0x5f, 0xff, 0xff, 0x00];
    // bits 29..: FPF(1) FFC(3) FPB(1) BFC(3): byte 3 is 11111 1 11, byte 4 is 0 0 011 000
    bytes[7] = 0xff;
    bytes[8] = 0x18;
    assert.deepEqual(parsePictureHeader(new Uint8Array(bytes), 0), {
      temporalReference: 5,
      pictureType: 3,
      fullPelForwardVector: true,
      forwardFCode: 6,
      fullPelBackwardVector: false,
      backwardFCode: 3,
    });
    // An I picture has no vector codes.
    const i = parsePictureHeader(new Uint8Array([0, 0, 1, 0, 0, 0x08, 0xff, 0xff]), 0);
    assert.deepEqual(i, {
      temporalReference: 0,
      pictureType: 1,
      fullPelForwardVector: false,
      forwardFCode: 0,
      fullPelBackwardVector: false,
      backwardFCode: 0,
    });
  });

  it("parsePictureHeader() gives undefined when cut short or not a picture start code", () => {
    assert.equal(parsePictureHeader(new Uint8Array([0, 0, 1, 0, 0, 0x08, 0xff]), 0), undefined);
    assert.equal(
      parsePictureHeader(new Uint8Array([0, 0, 1, 0, 0, 0x10, 0xff, 0xff]), 0),
      undefined,
    ); // P: needs byte 4
    assert.equal(
      parsePictureHeader(new Uint8Array([0, 0, 1, 0xb3, 0, 0x08, 0xff, 0xff]), 0),
      undefined,
    );
  });

  it("findStartCodes() finds every 00 00 01, also overlapping zero runs", () => {
    assert.deepEqual(findStartCodes(new Uint8Array([0, 0, 0, 1, 5, 0, 0, 1, 0xb3, 0, 0, 1])), [
      1,
      5,
    ]);
  });

  it("splitMpegVideoPictures() keeps a trailing sequence end with the last picture", () => {
    const stream = new Uint8Array([
      9,
      0,
      0,
      1,
      0,
      1,
      0,
      0,
      1,
      1,
      0,
      0,
      1,
      0xb8,
      0,
      0,
      1,
      0,
      2,
      0,
      0,
      1,
      0xb7,
    ]);
    assert.deepEqual(splitMpegVideoPictures(stream).map((p) => [...p]), [
      [0, 0, 1, 0, 1, 0, 0, 1, 1],
      [0, 0, 1, 0xb8, 0, 0, 1, 0, 2, 0, 0, 1, 0xb7],
    ]);
    assert.deepEqual(splitMpegVideoPictures(new Uint8Array([1, 2, 3])), []);
  });
});
