/**
 * The AV1 low-overhead bitstream format (AV1 bitstream §5.2): OBUs one after the other, each
 * with obu_has_size_field = 1 and its obu_size. It is what `.obu` files, MP4/Matroska samples
 * and decoders take; RTP carries OBUs without the size field.
 *
 * @module
 */

import { ParseError } from "../../errors.ts";
import { leb128Size, locateObu, OBU_HAS_SIZE_FIELD, writeLeb128 } from "./_obu.ts";

/**
 * Splits a low-overhead AV1 bitstream into OBUs, returned as views into `bytes` (no copy),
 * each keeping its header and obu_size field. An OBU without size field runs to the end, so
 * only the last one may lack it.
 *
 * @param bytes OBUs in low-overhead bitstream format, e.g. a temporal unit or a `.obu` file.
 * @returns The OBUs in stream order.
 * @throws {ParseError} When an OBU is truncated or has its forbidden bit set.
 *
 * @example Split a temporal delimiter and a frame OBU
 * ```ts
 * import assert from "node:assert/strict";
 * import { splitAv1Bitstream } from "./av1_bitstream.ts";
 * const obus = splitAv1Bitstream(new Uint8Array([0x12, 0x00, 0x32, 0x02, 0xaa, 0xbb]));
 * assert.deepEqual(obus.map((o) => [...o]), [[0x12, 0x00], [0x32, 0x02, 0xaa, 0xbb]]);
 * ```
 */
export function splitAv1Bitstream(bytes: Uint8Array): Uint8Array[] {
  const obus: Uint8Array[] = [];
  for (let offset = 0; offset < bytes.byteLength;) {
    const obu = locateObu(bytes, offset, bytes.byteLength);
    if (obu === undefined) {
      throw new ParseError("AV1_INVALID_OBU", "Cannot split AV1 bitstream: invalid OBU", {
        offset,
        fatal: false,
      });
    }
    obus.push(bytes.subarray(offset, obu.end));
    offset = obu.end;
  }
  return obus;
}

/**
 * Joins OBUs into a low-overhead AV1 bitstream: each OBU is written with obu_has_size_field = 1
 * and its obu_size (the shortest leb128), whether or not it had one: e.g. the OBUs of a
 * temporal unit from the depacketizer, for a decoder or a file.
 *
 * @param obus OBUs with or without obu_size fields.
 * @returns The bitstream, in one allocation.
 * @throws {RangeError} When an OBU is empty, truncated or has its forbidden bit set.
 *
 * @example Add the size field RTP leaves out
 * ```ts
 * import assert from "node:assert/strict";
 * import { joinAv1Bitstream } from "./av1_bitstream.ts";
 * const bitstream = joinAv1Bitstream([new Uint8Array([0x30, 0xaa, 0xbb])]);
 * assert.deepEqual(bitstream, new Uint8Array([0x32, 0x02, 0xaa, 0xbb]));
 * ```
 */
export function joinAv1Bitstream(obus: readonly Uint8Array[]): Uint8Array {
  const bounds = obus.map((obu) => {
    const b = locateObu(obu, 0, obu.byteLength);
    if (b === undefined) throw new RangeError("Cannot join AV1 bitstream: invalid OBU");
    return b;
  });
  let size = 0;
  for (const b of bounds) {
    const payload = b.end - b.payloadStart;
    size += b.headerSize + leb128Size(payload) + payload;
  }
  const out = new Uint8Array(size);
  let o = 0;
  for (let i = 0; i < obus.length; i++) {
    const obu = obus[i]!;
    const b = bounds[i]!;
    out.set(obu.subarray(0, b.headerSize), o);
    out[o] = obu[0]! | OBU_HAS_SIZE_FIELD;
    o = writeLeb128(out, o + b.headerSize, b.end - b.payloadStart);
    out.set(obu.subarray(b.payloadStart, b.end), o);
    o += b.end - b.payloadStart;
  }
  return out;
}
