/**
 * Splitters of the simple containers the end-to-end tests feed to the packetizers: IVF (VP8,
 * VP9, AV1) and concatenated JPEG images (ffmpeg `-f mjpeg`). The parts are views into the input.
 */

/** One frame of an IVF file. */
export interface IvfFrame {
  /** Presentation time in time-base units (the file header's rate/scale). */
  pts: number;
  /** The frame data, a view into the file. */
  data: Uint8Array;
}

/** Header fields and frames of an IVF file. */
export interface IvfFile {
  /** FourCC of the codec: "VP80", "VP90" or "AV01". */
  fourcc: string;
  width: number;
  height: number;
  /** Time base numerator over denominator: timebaseDen / timebaseNum ticks per second. */
  timebaseDen: number;
  timebaseNum: number;
  frames: IvfFrame[];
}

/**
 * Splits an IVF file: a 32-byte file header ("DKIF", version, header size, FourCC, width,
 * height, rate, scale, frame count), then a 12-byte header per frame (size, 64-bit pts), all
 * little-endian.
 */
export function splitIvf(bytes: Uint8Array): IvfFile {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (bytes.byteLength < 32 || magic !== "DKIF") {
    throw new SyntaxError("Cannot split IVF: bad header");
  }
  const frames: IvfFrame[] = [];
  let o = view.getUint16(6, true);
  while (o + 12 <= bytes.byteLength) {
    const size = view.getUint32(o, true);
    const pts = view.getUint32(o + 4, true) + view.getUint32(o + 8, true) * 2 ** 32;
    if (o + 12 + size > bytes.byteLength) {
      throw new SyntaxError("Cannot split IVF: truncated frame");
    }
    frames.push({ pts, data: bytes.subarray(o + 12, o + 12 + size) });
    o += 12 + size;
  }
  return {
    fourcc: String.fromCharCode(...bytes.subarray(8, 12)),
    width: view.getUint16(12, true),
    height: view.getUint16(14, true),
    timebaseDen: view.getUint32(16, true),
    timebaseNum: view.getUint32(20, true),
    frames,
  };
}

/**
 * Splits concatenated JPEG images (SOI ... EOI). Marker segments are skipped by their length up
 * to SOS; the entropy-coded data ends at the first marker other than a stuffed 0xFF00 or a
 * restart marker (RST0-7), which must be EOI.
 */
export function splitJpegs(bytes: Uint8Array): Uint8Array[] {
  const images: Uint8Array[] = [];
  let start = 0;
  while (start < bytes.byteLength) {
    if (bytes[start] !== 0xff || bytes[start + 1] !== 0xd8) {
      throw new SyntaxError(`Cannot split JPEG: no SOI at ${start}`);
    }
    let o = start + 2;
    let inScan = false;
    for (;;) {
      if (o + 1 >= bytes.byteLength) throw new SyntaxError("Cannot split JPEG: truncated image");
      if (inScan) {
        if (bytes[o] !== 0xff) {
          o++;
          continue;
        }
        const next = bytes[o + 1]!;
        if (next === 0x00 || (next >= 0xd0 && next <= 0xd7)) {
          o += 2;
          continue;
        }
        inScan = false;
      }
      if (bytes[o] !== 0xff) throw new SyntaxError(`Cannot split JPEG: no marker at ${o}`);
      const marker = bytes[o + 1]!;
      if (marker === 0xff) { // fill byte
        o++;
        continue;
      }
      if (marker === 0xd9) {
        o += 2;
        break;
      }
      const length = (bytes[o + 2]! << 8) | bytes[o + 3]!;
      o += 2 + length;
      if (marker === 0xda) inScan = true;
    }
    images.push(bytes.subarray(start, o));
    start = o;
  }
  return images;
}
