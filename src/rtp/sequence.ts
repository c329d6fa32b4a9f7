/**
 * Wrap-aware arithmetic on RTP sequence numbers (16 bits) and timestamps (32 bits),
 * RFC 3550 §5.1 and Appendix A.1. No BigInt, no allocation.
 *
 * @module
 */

/**
 * Signed distance between two sequence numbers, `a - b` modulo 2^16.
 *
 * @param a A sequence number.
 * @param b Another sequence number.
 * @returns The difference in [-32768, 32767].
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { seqDiff } from "./sequence.ts";
 * assert.equal(seqDiff(2, 65534), 4);
 * assert.equal(seqDiff(65534, 2), -4);
 * ```
 */
export function seqDiff(a: number, b: number): number {
  return ((a - b) << 16) >> 16;
}

/**
 * Adds `n` (possibly negative) to a sequence number, wrapping at 2^16.
 *
 * @param a A sequence number.
 * @param n The increment.
 * @returns `(a + n) & 0xffff`.
 */
export function seqAdd(a: number, n: number): number {
  return (a + n) & 0xffff;
}

/**
 * Signed distance between two RTP timestamps, `a - b` modulo 2^32.
 *
 * @param a A timestamp.
 * @param b Another timestamp.
 * @returns The difference in [-2^31, 2^31 - 1].
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tsDiff } from "./sequence.ts";
 * assert.equal(tsDiff(10, 0xfffffff6), 20);
 * ```
 */
export function tsDiff(a: number, b: number): number {
  return (a - b) | 0;
}
