/**
 * The 2-byte payload header of RFC 4184 §4.1.1: `MBZ(6) FT(2) NF(8)`.
 *
 * @internal
 * @module
 */

/** Bytes of the payload header. */
export const AC3_PAYLOAD_HEADER_BYTES = 2;

/** Frame types, the FT field (RFC 4184 §4.1.1). */
export const Ac3FrameType = {
  /** One or more complete frames; NF counts them. */
  COMPLETE: 0,
  /** The first fragment of a frame, holding at least its first 5/8; NF counts the fragments. */
  INITIAL_WITH_FIVE_EIGHTHS: 1,
  /** The first fragment of a frame, shorter than its first 5/8; NF counts the fragments. */
  INITIAL: 2,
  /** A fragment other than the first; NF counts the fragments. */
  CONTINUATION: 3,
} as const;

/**
 * Bytes of the first 5/8 of a frame, the part `crc1` protects (ATSC A/52 §5.4.1.2:
 * `(frmsize >> 1) + (frmsize >> 3)` 16-bit words); a first fragment that holds them can be
 * checked and decoded on its own.
 */
export function fiveEighthsBytes(frameBytes: number): number {
  const words = frameBytes >> 1;
  return 2 * ((words >> 1) + (words >> 3));
}
