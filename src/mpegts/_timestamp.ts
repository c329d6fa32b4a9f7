/**
 * 33-bit PES timestamps and 42-bit PCR fields as plain numbers (exact below 2^53, no BigInt).
 *
 * @internal
 * @module
 */

/** 2^33: PTS, DTS and PCR base wrap modulo this. */
export const TIMESTAMP_MODULO = 8589934592;

/**
 * Reads a PTS or DTS (ISO/IEC 13818-1 §2.4.3.7): 5 bytes `pppp ttt1 tttttttt ttttttt1 tttttttt ttttttt1`.
 */
export function readPesTimestamp(b: Uint8Array, o: number): number {
  const high = (b[o]! >> 1) & 0x07; // bits 32..30
  const mid = ((b[o + 1]! << 8) | b[o + 2]!) >> 1; // bits 29..15
  const low = ((b[o + 3]! << 8) | b[o + 4]!) >> 1; // bits 14..0
  return high * 1073741824 + mid * 32768 + low;
}

/** Writes a PTS or DTS with the 4-bit prefix `prefix` (2: PTS only, 3: PTS of PTS+DTS, 1: DTS). */
export function writePesTimestamp(b: Uint8Array, o: number, prefix: number, value: number): void {
  const v = ((value % TIMESTAMP_MODULO) + TIMESTAMP_MODULO) % TIMESTAMP_MODULO;
  const high = Math.floor(v / 1073741824);
  const rest = v % 1073741824;
  const mid = rest >>> 15;
  const low = rest & 0x7fff;
  b[o] = (prefix << 4) | (high << 1) | 1;
  b[o + 1] = mid >> 7;
  b[o + 2] = ((mid & 0x7f) << 1) | 1;
  b[o + 3] = low >> 7;
  b[o + 4] = ((low & 0x7f) << 1) | 1;
}

/** Reads the 33-bit base of a PCR (6 bytes: base 33, reserved 6, extension 9), in 90 kHz units. */
export function readPcrBase(b: Uint8Array, o: number): number {
  return b[o]! * 33554432 +
    ((b[o + 1]! << 17) | (b[o + 2]! << 9) | (b[o + 3]! << 1) | (b[o + 4]! >> 7));
}

/** Writes a PCR with the given 90 kHz base and extension 0. */
export function writePcr(b: Uint8Array, o: number, base: number): void {
  const v = ((base % TIMESTAMP_MODULO) + TIMESTAMP_MODULO) % TIMESTAMP_MODULO;
  const top = Math.floor(v / 2); // bits 32..1
  b[o] = Math.floor(top / 16777216) & 0xff;
  b[o + 1] = (top >>> 16) & 0xff;
  b[o + 2] = (top >>> 8) & 0xff;
  b[o + 3] = top & 0xff;
  b[o + 4] = ((v % 2) << 7) | 0x7e;
  b[o + 5] = 0;
}
