/**
 * Concatenates byte arrays into one new array (one allocation).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { concat } from "./concat.ts";
 * assert.deepEqual(concat([new Uint8Array([1]), new Uint8Array([2, 3])]), new Uint8Array([1, 2, 3]));
 * ```
 */
export function concat(chunks: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const chunk of chunks) size += chunk.byteLength;
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
