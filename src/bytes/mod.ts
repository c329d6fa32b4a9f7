/**
 * Byte and text helpers: big-endian integers, concat, equality, hex, base64, and splitting
 * header parameters outside quotes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readUint16 } from "./mod.ts";
 * assert.equal(readUint16(new Uint8Array([1, 2]), 0), 0x0102);
 * ```
 *
 * @module
 */
export {
  readUint16,
  readUint24,
  readUint32,
  writeUint16,
  writeUint24,
  writeUint32,
} from "./big_endian.ts";
export { concat } from "./concat.ts";
export { equals } from "./equals.ts";
export { decodeHex, encodeHex } from "./hex.ts";
export { decodeBase64, encodeBase64 } from "./base64.ts";
export { splitOutsideQuotes } from "./split_outside_quotes.ts";
