/**
 * AV1 OBU headers and leb128 numbers (AV1 bitstream §5.3, §4.10.5), shared by the AV1
 * packetizer, depacketizer and low-overhead bitstream codec.
 *
 * ```
 * obu_header:           |F| type(4) |X|S|R|     F forbidden, X extension, S has_size_field
 * obu_extension_header: | TID(3) | SID(2) |R(3)|
 * ```
 *
 * @internal
 * @module
 */

/** OBU types (AV1 bitstream §6.2.2) this payload format treats specially. */
export const AV1_OBU_TYPE = {
  SEQUENCE_HEADER: 1,
  TEMPORAL_DELIMITER: 2,
  FRAME_HEADER: 3,
  FRAME: 6,
  TILE_LIST: 8,
} as const;

/** obu_has_size_field in the first header byte. */
export const OBU_HAS_SIZE_FIELD = 0x02;

/** Largest leb128 value the AV1 bitstream allows: (1 << 32) - 1. */
const MAX_LEB128 = 0xffffffff;

/** The type of the OBU whose first header byte is `header`. */
export function obuType(header: number): number {
  return (header >> 3) & 0x0f;
}

/** Size of the OBU header: 2 with an extension header, else 1. */
export function obuHeaderSize(header: number): number {
  return header & 0x04 ? 2 : 1;
}

/** Where an OBU's payload lies in a buffer. */
export interface ObuBounds {
  /** Size of the OBU header (1 or 2). */
  headerSize: number;
  /** Offset of the payload, after the header and the obu_size field if any. */
  payloadStart: number;
  /** Offset just past the payload. */
  end: number;
}

/**
 * Locates the OBU at `offset`: with obu_has_size_field its end is given by obu_size, else
 * the OBU runs to `limit`.
 *
 * @returns The bounds, or undefined when the OBU is truncated, its forbidden bit is set or
 *   its obu_size is not a valid leb128.
 */
export function locateObu(bytes: Uint8Array, offset: number, limit: number): ObuBounds | undefined {
  if (offset >= limit) return undefined;
  const header = bytes[offset]!;
  if (header & 0x80) return undefined;
  const headerSize = obuHeaderSize(header);
  if (offset + headerSize > limit) return undefined;
  let payloadStart = offset + headerSize;
  let end = limit;
  if (header & OBU_HAS_SIZE_FIELD) {
    const size = readLeb128(bytes, payloadStart, limit);
    if (size === undefined) return undefined;
    payloadStart += size.length;
    end = payloadStart + size.value;
    if (end > limit) return undefined;
  }
  return { headerSize, payloadStart, end };
}

/** A leb128 number and how many bytes it took. */
export interface Leb128 {
  /** The value. */
  value: number;
  /** Its size in bytes, 1..8. */
  length: number;
}

/**
 * Reads a leb128 number (AV1 bitstream §4.10.5) at `offset`, not past `limit`.
 *
 * @returns The number, or undefined when it is truncated, longer than 8 bytes or above
 *   2^32 - 1.
 */
export function readLeb128(bytes: Uint8Array, offset: number, limit: number): Leb128 | undefined {
  let value = 0;
  for (let i = 0; i < 8; i++) {
    if (offset + i >= limit) return undefined;
    const b = bytes[offset + i]!;
    value += (b & 0x7f) * 2 ** (7 * i);
    if ((b & 0x80) === 0) return value > MAX_LEB128 ? undefined : { value, length: i + 1 };
  }
  return undefined;
}

/** Bytes the shortest leb128 encoding of `value` takes. */
export function leb128Size(value: number): number {
  let size = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 0x80);
    size++;
  }
  return size;
}

/**
 * Writes the shortest leb128 encoding of `value` at `offset`.
 *
 * @returns The offset after it.
 */
export function writeLeb128(out: Uint8Array, offset: number, value: number): number {
  while (value >= 0x80) {
    out[offset++] = (value & 0x7f) | 0x80;
    value = Math.floor(value / 0x80);
  }
  out[offset++] = value;
  return offset;
}
