/**
 * Whether two byte arrays hold the same bytes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { equals } from "./equals.ts";
 * assert.ok(equals(new Uint8Array([1, 2]), new Uint8Array([1, 2])));
 * ```
 */
export function equals(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}
