/**
 * Encodes bytes as lowercase hex.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeHex } from "./hex.ts";
 * assert.equal(encodeHex(new Uint8Array([0xde, 0xad])), "dead");
 * ```
 */
export function encodeHex(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.byteLength; i++) out += bytes[i].toString(16).padStart(2, "0");
  return out;
}

/**
 * Decodes hex (either case, whitespace ignored) into bytes.
 *
 * @throws {SyntaxError} When the text is not an even number of hex digits.
 */
export function decodeHex(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, "");
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean)) {
    throw new SyntaxError(`Cannot decode hex: invalid input of length ${clean.length}`);
  }
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}
