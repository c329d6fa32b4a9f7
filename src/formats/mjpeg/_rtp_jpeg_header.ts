/**
 * The headers at the start of an RTP/JPEG payload (RFC 2435 §3.1).
 *
 * @internal
 * @module
 */

/**
 * The headers of one RTP/JPEG payload.
 *
 * Main JPEG header ([RFC 2435 §3.1](https://www.rfc-editor.org/rfc/rfc2435#section-3.1)), then
 * a Restart Marker header for types 64-127 (§3.1.7), then, in the packet with fragment offset 0
 * and Q 128-255, a Quantization Table header (§3.1.8):
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Type-specific |              Fragment Offset                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      Type     |       Q       |     Width     |     Height    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |       Restart Interval        |F|L|       Restart Count       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      MBZ      |   Precision   |             Length            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Quantization Table Data                    |
 * |                              ...                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
export interface RtpJpegHeader {
  /** Type-specific field (interlacing for types 0, 1). */
  typeSpecific: number;
  /** Byte offset of this fragment in the frame's entropy-coded data. */
  fragmentOffset: number;
  /** 0 (4:2:2), 1 (4:2:0), or 64/65 for the same with restart markers. */
  type: number;
  /** 1-99: tables from Appendix A; 128-255: tables in band (or cached for 128-254). */
  q: number;
  /** Width in 8-pixel blocks. */
  width: number;
  /** Height in 8-pixel blocks. */
  height: number;
  /** Restart interval in MCUs (types 64-127), else 0. */
  restartInterval: number;
  /** Precision bits of the in-band tables: bit i set means table i has 16-bit entries. */
  precision: number;
  /** The in-band quantization tables, concatenated (empty when absent or of length 0). */
  tables: Uint8Array | undefined;
  /** Where the entropy-coded data starts in the payload. */
  dataOffset: number;
}

/** What an RTP/JPEG frame keeps of the headers of its JPEG image. */
export interface JpegImageHeaders {
  /** RFC 2435 type: 0 (4:2:2) or 1 (4:2:0), plus 64 with restart markers. */
  type: number;
  /** Width in 8-pixel blocks. */
  width: number;
  /** Height in 8-pixel blocks. */
  height: number;
  /** Restart interval in MCUs; 0 without restart markers. */
  restartInterval: number;
  /** Bit i set: table i has 16-bit entries. */
  precision: number;
  /** The quantization tables in zigzag order, concatenated. */
  tables: Uint8Array;
}

/** Bytes of the main JPEG header. */
export const MAIN_HEADER_BYTES = 8;
/** Bytes of the Restart Marker header. */
export const RESTART_HEADER_BYTES = 4;
/** Bytes of the Quantization Table header without its data. */
export const QUANT_HEADER_BYTES = 4;

/**
 * Reads the headers of an RTP/JPEG payload.
 *
 * @param p The RTP payload.
 * @returns The headers, or undefined when truncated or of an unsupported type.
 */
export function decodeRtpJpegHeader(p: Uint8Array): RtpJpegHeader | undefined {
  if (p.byteLength < MAIN_HEADER_BYTES) return undefined;
  const type = p[4]!;
  const q = p[5]!;
  // Types 0, 1 are defined (§4.1), 64-127 are them with restart markers (§3.1.7); Q 0 and
  // 100-127 are reserved (§3.1.4).
  if ((type & 0xbe) !== 0 || q === 0 || (q >= 100 && q < 128)) return undefined;
  const header: RtpJpegHeader = {
    typeSpecific: p[0]!,
    fragmentOffset: (p[1]! << 16) | (p[2]! << 8) | p[3]!,
    type,
    q,
    width: p[6]!,
    height: p[7]!,
    restartInterval: 0,
    precision: 0,
    tables: undefined,
    dataOffset: MAIN_HEADER_BYTES,
  };
  if (header.width === 0 || header.height === 0) return undefined;
  let o = MAIN_HEADER_BYTES;
  if (type >= 64) {
    if (p.byteLength < o + RESTART_HEADER_BYTES) return undefined;
    header.restartInterval = (p[o]! << 8) | p[o + 1]!;
    o += RESTART_HEADER_BYTES;
  }
  if (q >= 128 && header.fragmentOffset === 0) {
    if (p.byteLength < o + QUANT_HEADER_BYTES) return undefined;
    header.precision = p[o + 1]!;
    const length = (p[o + 2]! << 8) | p[o + 3]!;
    o += QUANT_HEADER_BYTES;
    if (p.byteLength < o + length || !isTableLength(length, header.precision)) return undefined;
    header.tables = p.subarray(o, o + length);
    o += length;
  }
  header.dataOffset = o;
  return header;
}

/** Whether `length` bytes make 1 to 4 whole tables of the sizes `precision` gives (or none). */
function isTableLength(length: number, precision: number): boolean {
  let total = 0;
  for (let i = 0; i < 4 && total < length; i++) total += (precision >> i) & 1 ? 128 : 64;
  return total === length;
}

/**
 * Writes the headers of an RTP/JPEG payload.
 *
 * @param h The headers; `tables` are written only when defined.
 * @param out The buffer, at least `rtpJpegHeaderSize(h)` bytes.
 * @returns The number of bytes written.
 */
export function encodeRtpJpegHeader(h: RtpJpegHeader, out: Uint8Array): number {
  out[0] = h.typeSpecific;
  out[1] = h.fragmentOffset >>> 16;
  out[2] = h.fragmentOffset >>> 8;
  out[3] = h.fragmentOffset;
  out[4] = h.type;
  out[5] = h.q;
  out[6] = h.width;
  out[7] = h.height;
  let o = MAIN_HEADER_BYTES;
  if (h.type >= 64) {
    // F=1, L=1, count 0x3FFF: the packet is not cut at restart intervals (§3.1.7), so the
    // receiver reassembles the whole frame.
    out.set([h.restartInterval >> 8, h.restartInterval & 0xff, 0xff, 0xff], o);
    o += RESTART_HEADER_BYTES;
  }
  if (h.tables !== undefined) {
    out.set([0, h.precision, h.tables.byteLength >> 8, h.tables.byteLength & 0xff], o);
    out.set(h.tables, o + QUANT_HEADER_BYTES);
    o += QUANT_HEADER_BYTES + h.tables.byteLength;
  }
  return o;
}

/**
 * Size of the headers {@linkcode encodeRtpJpegHeader} writes.
 *
 * @param h The headers.
 * @returns Their size in bytes.
 */
export function rtpJpegHeaderSize(h: RtpJpegHeader): number {
  return MAIN_HEADER_BYTES + (h.type >= 64 ? RESTART_HEADER_BYTES : 0) +
    (h.tables !== undefined ? QUANT_HEADER_BYTES + h.tables.byteLength : 0);
}
