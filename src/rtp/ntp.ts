/**
 * NTP timestamps as used by RTCP sender reports (RFC 3550 §4): 32-bit seconds since
 * 1900-01-01 and a 32-bit fraction. Plain numbers, no BigInt.
 *
 * @module
 */

/** Seconds from 1900-01-01 (NTP epoch) to 1970-01-01 (Unix epoch). */
const NTP_UNIX_OFFSET_S = 2208988800;
const TWO_32 = 4294967296;

/**
 * Converts Unix time in milliseconds to a 64-bit NTP timestamp split in two words.
 * Times after 2036-02-07 wrap into NTP era 1, as RFC 4330 §3 expects.
 *
 * @param ms Milliseconds since the Unix epoch (fractions allowed).
 * @returns `msw` (seconds) and `lsw` (fraction in 1/2^32 s), both unsigned.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ntpFromUnixMs } from "./ntp.ts";
 * assert.deepEqual(ntpFromUnixMs(500), { msw: 2208988800, lsw: 0x80000000 });
 * ```
 */
export function ntpFromUnixMs(ms: number): { msw: number; lsw: number } {
  let seconds = Math.floor(ms / 1000);
  let lsw = Math.round(((ms - seconds * 1000) / 1000) * TWO_32);
  if (lsw >= TWO_32) {
    seconds += 1;
    lsw -= TWO_32;
  }
  const msw = (((seconds + NTP_UNIX_OFFSET_S) % TWO_32) + TWO_32) % TWO_32;
  return { msw, lsw };
}

/**
 * Converts an NTP timestamp to Unix milliseconds. Seconds with the top bit clear are read as
 * era 1 (after 2036), as RFC 4330 §3 suggests.
 *
 * @param msw Seconds since the NTP epoch (mod 2^32).
 * @param lsw Fraction of a second in 1/2^32 s.
 * @returns Milliseconds since the Unix epoch; may carry a fraction.
 */
export function unixMsFromNtp(msw: number, lsw: number): number {
  const seconds = (msw >>> 0) >= 0x80000000 ? msw >>> 0 : (msw >>> 0) + TWO_32;
  return (seconds - NTP_UNIX_OFFSET_S) * 1000 + ((lsw >>> 0) / TWO_32) * 1000;
}

/**
 * The middle 32 bits of an NTP timestamp, the "last SR" field of report blocks
 * (RFC 3550 §6.4.1).
 *
 * @param msw Seconds word.
 * @param lsw Fraction word.
 * @returns Low 16 bits of `msw` followed by high 16 bits of `lsw`, unsigned.
 */
export function ntpMiddle32(msw: number, lsw: number): number {
  return (((msw & 0xffff) << 16) | (lsw >>> 16)) >>> 0;
}
