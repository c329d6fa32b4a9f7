/**
 * The start of a VP9 frame's uncompressed header (VP9 bitstream specification §6.2), read as
 * far as the packetizer needs: whether the frame is predicted from others, and the size of a
 * key frame.
 *
 * @internal
 * @module
 */

/** What the packetizer learns from a frame header. */
export interface Vp9FrameInfo {
  /** The frame references other frames: not a key frame nor an intra-only frame. */
  interPicturePredicted: boolean;
  /** Width and height of a key frame. */
  size?: { width: number; height: number };
}

const CS_RGB = 7;
const SYNC_CODE = 0x498342;

/**
 * Reads the start of the uncompressed header of `frame` (of the first frame of a superframe).
 * A header that cannot be read counts as predicted, without size.
 */
export function readVp9FrameInfo(frame: Uint8Array): Vp9FrameInfo {
  let bit = 0;
  let truncated = false;
  const read = (n: number): number => {
    let value = 0;
    for (let i = 0; i < n; i++, bit++) {
      const byte = frame[bit >> 3];
      if (byte === undefined) truncated = true;
      value = (value << 1) | (((byte ?? 0) >> (7 - (bit & 7))) & 1);
    }
    return value;
  };
  if (read(2) !== 2) return { interPicturePredicted: true }; // frame_marker
  const profile = read(1) | (read(1) << 1);
  if (profile === 3) read(1); // reserved_zero
  if (read(1) === 1) return { interPicturePredicted: true }; // show_existing_frame
  const keyFrame = read(1) === 0; // frame_type
  const showFrame = read(1);
  read(1); // error_resilient_mode
  if (truncated) return { interPicturePredicted: true };
  if (!keyFrame) {
    const intraOnly = showFrame === 0 && read(1) === 1;
    return { interPicturePredicted: !intraOnly };
  }
  if (read(24) !== SYNC_CODE) return { interPicturePredicted: false };
  // color_config()
  if (profile >= 2) read(1); // ten_or_twelve_bit
  if (read(3) !== CS_RGB) {
    read(1); // color_range
    if (profile === 1 || profile === 3) read(3); // subsampling_x, subsampling_y, reserved_zero
  } else if (profile === 1 || profile === 3) {
    read(1); // reserved_zero
  }
  const width = read(16) + 1; // frame_width_minus_1
  const height = read(16) + 1; // frame_height_minus_1
  if (truncated) return { interPicturePredicted: false };
  return { interPicturePredicted: false, size: { width, height } };
}
