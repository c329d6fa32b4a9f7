/**
 * Annex B byte streams (ITU-T H.264 Annex B): NAL units separated by start codes
 * `00 00 01` or `00 00 00 01`. Shared by H.264 and H.265, which use the same framing.
 *
 * @module
 */

import { ParseError } from "../../errors.ts";

/**
 * Splits an Annex B byte stream into NAL units, returned as views into `bytes` (no copy).
 * Trailing zero bytes before a start code (the leading zero of a 4-byte start code, or
 * `trailing_zero_8bits`) are not part of the NAL unit; empty NAL units are skipped.
 *
 * @param bytes An Annex B byte stream; it may start with zero bytes before the first start code.
 * @returns The NAL units in stream order.
 * @throws {ParseError} When the stream does not begin with a start code.
 *
 * @example Split two NAL units
 * ```ts
 * import assert from "node:assert/strict";
 * import { splitAnnexB } from "./annexb.ts";
 * const nalus = splitAnnexB(new Uint8Array([0, 0, 0, 1, 0x67, 0x42, 0, 0, 1, 0x68, 0xce]));
 * assert.deepEqual(nalus.map((n) => [...n]), [[0x67, 0x42], [0x68, 0xce]]);
 * ```
 */
export function splitAnnexB(bytes: Uint8Array): Uint8Array[] {
  const n = bytes.byteLength;
  // Skip leading zeros up to the first start code.
  let i = 0;
  while (i < n && bytes[i] === 0) i++;
  if (i < 2 || i >= n || bytes[i] !== 1) {
    throw new ParseError(
      "INVALID_ANNEXB",
      "Cannot split Annex B stream: missing initial start code",
      {
        offset: i,
        fatal: false,
      },
    );
  }
  const out: Uint8Array[] = [];
  let start = i + 1;
  let zeros = 0;
  for (i = start; i < n; i++) {
    const b = bytes[i]!;
    if (b === 0) {
      zeros++;
      continue;
    }
    if (b === 1 && zeros >= 2) {
      const end = i - zeros;
      if (end > start) out.push(bytes.subarray(start, end));
      start = i + 1;
    }
    zeros = 0;
  }
  // Trailing zeros at the end of the stream are trailing_zero_8bits, not NAL unit data.
  const end = n - zeros;
  if (end > start) out.push(bytes.subarray(start, end));
  return out;
}

/**
 * Joins NAL units into an Annex B byte stream with 4-byte start codes, in one allocation.
 *
 * @param nalUnits The NAL units, without start codes.
 * @returns A new byte array `00 00 00 01 nalu0 00 00 00 01 nalu1 ...`.
 *
 * @example Join two NAL units
 * ```ts
 * import assert from "node:assert/strict";
 * import { joinAnnexB } from "./annexb.ts";
 * const bytes = joinAnnexB([new Uint8Array([0x67]), new Uint8Array([0x68])]);
 * assert.deepEqual([...bytes], [0, 0, 0, 1, 0x67, 0, 0, 0, 1, 0x68]);
 * ```
 */
export function joinAnnexB(nalUnits: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const nalu of nalUnits) size += 4 + nalu.byteLength;
  const out = new Uint8Array(size);
  let offset = 0;
  for (const nalu of nalUnits) {
    out[offset + 3] = 1;
    out.set(nalu, offset + 4);
    offset += 4 + nalu.byteLength;
  }
  return out;
}
