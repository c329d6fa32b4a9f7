/**
 * The MPEG video-specific header of RFC 2250 §3.4.
 *
 * @module
 */

/** Bytes of the MPEG video-specific header. */
export const MPEG_VIDEO_HEADER_BYTES = 4;

/**
 * The fields of the MPEG video-specific header
 * ([RFC 2250 §3.4](https://www.rfc-editor.org/rfc/rfc2250#section-3.4)):
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |    MBZ  |T|         TR        | |N|S|B|E|  P  | | BFC | | FFC |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *                                 AN              FBV     FFV
 * ```
 */
export interface MpegVideoHeader {
  /** T: an MPEG-2 video-specific header extension (4 bytes) follows. */
  mpeg2Extension: boolean;
  /** TR: the picture's temporal_reference, 0..1023. */
  temporalReference: number;
  /** AN: the N bit is in use (MPEG-2). */
  activeN: boolean;
  /** N: new picture header (MPEG-2). */
  newPictureHeader: boolean;
  /** S: the payload holds a sequence header. */
  sequenceHeader: boolean;
  /** B: the payload starts with a slice, or with headers then a slice. */
  beginningOfSlice: boolean;
  /** E: the payload ends with the end of a slice. */
  endOfSlice: boolean;
  /** P: picture_coding_type, 1 I, 2 P, 3 B, 4 D. */
  pictureType: number;
  /** FBV: full_pel_backward_vector (B pictures). */
  fullPelBackwardVector: boolean;
  /** BFC: backward_f_code (B pictures), 0..7. */
  backwardFCode: number;
  /** FFV: full_pel_forward_vector (P and B pictures). */
  fullPelForwardVector: boolean;
  /** FFC: forward_f_code (P and B pictures), 0..7. */
  forwardFCode: number;
}

/**
 * Reads the video-specific header at the start of a payload.
 *
 * @param payload An MPV RTP payload.
 * @returns The header, or undefined when the payload is shorter than 4 bytes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeMpegVideoHeader } from "./mpeg_video_header.ts";
 * const h = decodeMpegVideoHeader(new Uint8Array([0x00, 0x02, 0x39, 0x00]));
 * assert.equal(h?.temporalReference, 2);
 * assert.equal(h?.sequenceHeader, true);
 * assert.equal(h?.pictureType, 1);
 * ```
 */
export function decodeMpegVideoHeader(payload: Uint8Array): MpegVideoHeader | undefined {
  if (payload.byteLength < MPEG_VIDEO_HEADER_BYTES) return undefined;
  const [b0, b1, b2, b3] = [payload[0]!, payload[1]!, payload[2]!, payload[3]!];
  return {
    mpeg2Extension: (b0 & 0x04) !== 0,
    temporalReference: ((b0 & 0x03) << 8) | b1,
    activeN: (b2 & 0x80) !== 0,
    newPictureHeader: (b2 & 0x40) !== 0,
    sequenceHeader: (b2 & 0x20) !== 0,
    beginningOfSlice: (b2 & 0x10) !== 0,
    endOfSlice: (b2 & 0x08) !== 0,
    pictureType: b2 & 0x07,
    fullPelBackwardVector: (b3 & 0x80) !== 0,
    backwardFCode: (b3 >> 4) & 0x07,
    fullPelForwardVector: (b3 & 0x08) !== 0,
    forwardFCode: b3 & 0x07,
  };
}

/**
 * Writes the video-specific header.
 *
 * @param header The fields.
 * @returns The 4 bytes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeMpegVideoHeader, encodeMpegVideoHeader } from "./mpeg_video_header.ts";
 * const bytes = new Uint8Array([0x03, 0xff, 0x1b, 0xa5]);
 * assert.deepEqual(encodeMpegVideoHeader(decodeMpegVideoHeader(bytes)!), bytes);
 * ```
 */
export function encodeMpegVideoHeader(header: MpegVideoHeader): Uint8Array {
  const bit = (flag: boolean, shift: number) => (flag ? 1 : 0) << shift;
  return new Uint8Array([
    bit(header.mpeg2Extension, 2) | ((header.temporalReference >> 8) & 0x03),
    header.temporalReference & 0xff,
    bit(header.activeN, 7) | bit(header.newPictureHeader, 6) | bit(header.sequenceHeader, 5) |
    bit(header.beginningOfSlice, 4) | bit(header.endOfSlice, 3) | (header.pictureType & 0x07),
    bit(header.fullPelBackwardVector, 7) | ((header.backwardFCode & 0x07) << 4) |
    bit(header.fullPelForwardVector, 3) | (header.forwardFCode & 0x07),
  ]);
}
