/**
 * Opus access units in MPEG-TS ("Encapsulation of Opus in MPEG-2 Transport Stream",
 * ETSI TS 102 366-like control header, opus-codec.org/docs/ETSI_TS_opus-v0.1.3-draft.pdf §5).
 *
 * ```
 * control_header_prefix(11)=0x3FF start_trim_flag(1) end_trim_flag(1) control_extension_flag(1)
 * reserved(2) au_size(0xFF bytes then a last byte < 0xFF) [start_trim(16)] [end_trim(16)]
 * [control_extension_length(8) ...] opus_packet
 * ```
 *
 * @module
 */

import { ParseError } from "../errors.ts";

/**
 * Splits the payload of an Opus PES into Opus packets (views, no copy). Trim values are skipped.
 *
 * @param bytes The PES payload.
 * @returns The Opus packets.
 * @throws {ParseError} When a control header is missing or a packet is truncated.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeOpusTs, encodeOpusTs } from "./opus_ts.ts";
 * const packets = [new Uint8Array(300).fill(1), new Uint8Array([0xfc])];
 * assert.deepEqual(decodeOpusTs(encodeOpusTs(packets)), packets);
 * ```
 */
export function decodeOpusTs(bytes: Uint8Array): Uint8Array[] {
  const packets: Uint8Array[] = [];
  let pos = 0;
  while (pos < bytes.byteLength) {
    if (bytes.byteLength - pos < 3 || bytes[pos] !== 0x7f || (bytes[pos + 1]! & 0xe0) !== 0xe0) {
      throw new ParseError(
        "OPUS_TS_HEADER",
        "Cannot decode Opus in MPEG-TS: missing control header",
        {
          offset: pos,
          fatal: false,
        },
      );
    }
    const flags = bytes[pos + 1]!;
    pos += 2;
    let size = 0;
    for (;;) {
      if (pos >= bytes.byteLength) {
        throw new ParseError("OPUS_TS_TRUNCATED", "Cannot decode Opus in MPEG-TS: truncated size", {
          offset: pos,
          fatal: false,
        });
      }
      const b = bytes[pos++]!;
      size += b;
      if (b !== 0xff) break;
    }
    if (flags & 0x10) pos += 2;
    if (flags & 0x08) pos += 2;
    if (flags & 0x04) pos += 1 + (bytes[pos] ?? 0);
    if (pos + size > bytes.byteLength) {
      throw new ParseError("OPUS_TS_TRUNCATED", "Cannot decode Opus in MPEG-TS: truncated packet", {
        offset: pos,
        fatal: false,
      });
    }
    packets.push(bytes.subarray(pos, pos + size));
    pos += size;
  }
  return packets;
}

/**
 * Prefixes Opus packets with control headers (no trimming), in one allocation.
 *
 * @param packets Opus packets.
 * @returns The PES payload.
 */
export function encodeOpusTs(packets: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const p of packets) size += 2 + Math.floor(p.byteLength / 255) + 1 + p.byteLength;
  const out = new Uint8Array(size);
  let pos = 0;
  for (const p of packets) {
    out[pos++] = 0x7f;
    out[pos++] = 0xe0;
    let n = p.byteLength;
    while (n >= 255) {
      out[pos++] = 0xff;
      n -= 255;
    }
    out[pos++] = n;
    out.set(p, pos);
    pos += p.byteLength;
  }
  return out;
}
