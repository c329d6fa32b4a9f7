import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  decodeMpegVideoHeader,
  encodeMpegVideoHeader,
  type MpegVideoHeader,
} from "../../../src/formats/mpeg_video/mpeg_video_header.ts";

const NONE: MpegVideoHeader = {
  mpeg2Extension: false,
  temporalReference: 0,
  activeN: false,
  newPictureHeader: false,
  sequenceHeader: false,
  beginningOfSlice: false,
  endOfSlice: false,
  pictureType: 0,
  fullPelBackwardVector: false,
  backwardFCode: 0,
  fullPelForwardVector: false,
  forwardFCode: 0,
};

/** RFC 2250 §3.4: MBZ(5) T(1) TR(10) | AN N S B E P(3) | FBV BFC(3) FFV FFC(3). */
const CASES: [string, number[], Partial<MpegVideoHeader>][] = [
  ["all zero", [0, 0, 0, 0], {}],
  ["T", [0x04, 0, 0, 0], { mpeg2Extension: true }],
  ["TR 1023, its top bits in byte 0", [0x03, 0xff, 0, 0], { temporalReference: 1023 }],
  ["TR 256", [0x01, 0x00, 0, 0], { temporalReference: 256 }],
  ["AN", [0, 0, 0x80, 0], { activeN: true }],
  ["N", [0, 0, 0x40, 0], { newPictureHeader: true }],
  ["S", [0, 0, 0x20, 0], { sequenceHeader: true }],
  ["B", [0, 0, 0x10, 0], { beginningOfSlice: true }],
  ["E", [0, 0, 0x08, 0], { endOfSlice: true }],
  ["P = 3 (B picture)", [0, 0, 0x03, 0], { pictureType: 3 }],
  ["P = 4 (D picture)", [0, 0, 0x04, 0], { pictureType: 4 }],
  ["FBV", [0, 0, 0, 0x80], { fullPelBackwardVector: true }],
  ["BFC 7", [0, 0, 0, 0x70], { backwardFCode: 7 }],
  ["FFV", [0, 0, 0, 0x08], { fullPelForwardVector: true }],
  ["FFC 5", [0, 0, 0, 0x05], { forwardFCode: 5 }],
];

describe("MPEG video-specific header", () => {
  for (const [name, bytes, fields] of CASES) {
    it(`decodeMpegVideoHeader() and encodeMpegVideoHeader() agree on ${name}`, () => {
      const header = { ...NONE, ...fields };
      assert.deepEqual(decodeMpegVideoHeader(new Uint8Array([...bytes, 0xaa])), header);
      assert.deepEqual([...encodeMpegVideoHeader(header)], bytes);
    });
  }

  it("decodeMpegVideoHeader() gives undefined for fewer than 4 bytes", () => {
    assert.equal(decodeMpegVideoHeader(new Uint8Array(3)), undefined);
  });

  it("decodeMpegVideoHeader() ignores the MBZ bits", () => {
    assert.deepEqual(decodeMpegVideoHeader(new Uint8Array([0xf8, 0, 0, 0])), NONE);
  });
});
