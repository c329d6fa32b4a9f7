/** Shared pieces of the fuzz tests: a seeded PRNG and checks that a parser throws only ParseError. */
import assert from "node:assert/strict";
import { ParseError } from "../../src/errors.ts";
import { Rng } from "../../scripts/fuzz/rng.ts";

/** The fuzzer's seeded PRNG (mulberry32) as a function: numbers in [0, 1), the same per seed. */
export function prng(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.next();
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
