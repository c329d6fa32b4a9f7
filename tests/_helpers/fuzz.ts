/** Shared pieces of the fuzz tests: a seeded PRNG and checks that a parser throws only ParseError. */
import assert from "node:assert/strict";
import { ParseError } from "../../src/errors.ts";

/** A small deterministic PRNG (mulberry32): numbers in [0, 1), the same for the same seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return function next(): number {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs `fn`: it may return or throw a ParseError; any other error fails, named by `label`. */
export function assertOnlyParseError(fn: () => unknown, label?: string): void {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ParseError, label === undefined ? String(e) : `${label}: ${e}`);
  }
}

/** Decodes every proper prefix of `bytes` (a view into it): each may only throw a ParseError. */
export function assertPrefixesOnlyParseError(
  bytes: Uint8Array,
  decode: (prefix: Uint8Array) => unknown,
): void {
  for (let n = 0; n < bytes.length; n++) {
    assertOnlyParseError(() => decode(bytes.subarray(0, n)), `length ${n}`);
  }
}
