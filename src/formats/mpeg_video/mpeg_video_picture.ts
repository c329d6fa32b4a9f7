/**
 * MPEG-1/MPEG-2 video elementary streams: start codes, pictures and picture headers
 * (ISO/IEC 11172-2 §2.4.2, ISO/IEC 13818-2 §6.2).
 *
 * @module
 */

/** picture_start_code value (the byte after 00 00 01). */
export const PICTURE_START_CODE = 0x00;
/** sequence_header_code. */
export const SEQUENCE_HEADER_CODE = 0xb3;
/** group_start_code. */
export const GROUP_START_CODE = 0xb8;

/** Whether a start code value is a slice_start_code (0x01..0xAF). */
export function isSliceStartCode(code: number): boolean {
  return code >= 0x01 && code <= 0xaf;
}

/**
 * Offsets of the start codes (`00 00 01 xx`) in a stream.
 *
 * @param data Elementary stream bytes.
 * @returns The offset of each start code's first zero byte.
 */
export function findStartCodes(data: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i + 3 < data.byteLength; i++) {
    if (data[i + 2]! > 1) {
      i += 2;
      continue;
    }
    if (data[i] === 0 && data[i + 1] === 0 && data[i + 2] === 1) {
      out.push(i);
      i += 2;
    }
  }
  return out;
}

/** What the packetizer needs from a picture_header. */
export interface MpegPictureHeader {
  /** temporal_reference, 0..1023. */
  temporalReference: number;
  /** picture_coding_type: 1 I, 2 P, 3 B, 4 D. */
  pictureType: number;
  /** full_pel_forward_vector (P and B pictures). */
  fullPelForwardVector: boolean;
  /** forward_f_code (P and B pictures). */
  forwardFCode: number;
  /** full_pel_backward_vector (B pictures). */
  fullPelBackwardVector: boolean;
  /** backward_f_code (B pictures). */
  backwardFCode: number;
}

/**
 * Reads the picture_header whose start code is at `offset`.
 *
 * @param data Stream bytes.
 * @param offset Offset of the `00 00 01 00` start code.
 * @returns The header, or undefined when it is cut short or not a picture start code.
 *
 * @example An I picture with temporal_reference 2
 * ```ts
 * import assert from "node:assert/strict";
 * import { parsePictureHeader } from "./mpeg_video_picture.ts";
 * const header = parsePictureHeader(new Uint8Array([0, 0, 1, 0, 0x00, 0x8f, 0xff, 0xf8]), 0);
 * assert.deepEqual([header?.temporalReference, header?.pictureType], [2, 1]);
 * ```
 */
export function parsePictureHeader(
  data: Uint8Array,
  offset: number,
): MpegPictureHeader | undefined {
  const h = offset + 4;
  if (h + 4 > data.byteLength || data[offset + 3] !== PICTURE_START_CODE) return undefined;
  const pictureType = (data[h + 1]! >> 3) & 0x07;
  // 10 bits temporal_reference, 3 picture_coding_type, 16 vbv_delay: the vectors start at bit 29.
  const b3 = data[h + 3]!;
  const b4 = data[h + 4] ?? 0;
  const forward = pictureType === 2 || pictureType === 3;
  const backward = pictureType === 3;
  if ((forward && h + 4 >= data.byteLength) || (backward && h + 4 >= data.byteLength)) {
    return undefined;
  }
  return {
    temporalReference: (data[h]! << 2) | (data[h + 1]! >> 6),
    pictureType,
    fullPelForwardVector: forward && ((b3 >> 2) & 1) === 1,
    forwardFCode: forward ? ((b3 & 0x03) << 1) | (b4 >> 7) : 0,
    fullPelBackwardVector: backward && ((b4 >> 6) & 1) === 1,
    backwardFCode: backward ? (b4 >> 3) & 0x07 : 0,
  };
}

/**
 * Splits an elementary stream into coded pictures: each starts with the sequence header, GOP
 * header or picture header in front of its picture and runs to the next such header (so a
 * trailing sequence_end_code stays with the last picture). Bytes before the first header are
 * left out.
 *
 * @param stream An MPEG-1 or MPEG-2 video elementary stream.
 * @returns Views of the pictures, in stream order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { splitMpegVideoPictures } from "./mpeg_video_picture.ts";
 * const stream = new Uint8Array([0, 0, 1, 0xb3, 9, 0, 0, 1, 0, 1, 0, 0, 1, 1, 2, 0, 0, 1, 0, 3]);
 * assert.deepEqual(splitMpegVideoPictures(stream).map((p) => p.byteLength), [15, 5]);
 * ```
 */
export function splitMpegVideoPictures(stream: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let start = -1;
  let sawPicture = false;
  for (const offset of findStartCodes(stream)) {
    const code = stream[offset + 3]!;
    const opensPicture = code === SEQUENCE_HEADER_CODE || code === GROUP_START_CODE ||
      code === PICTURE_START_CODE;
    if (!opensPicture) continue;
    if (start < 0) {
      start = offset;
    } else if (sawPicture) {
      out.push(stream.subarray(start, offset));
      start = offset;
      sawPicture = false;
    }
    if (code === PICTURE_START_CODE) sawPicture = true;
  }
  if (start >= 0) out.push(stream.subarray(start));
  return out;
}
