/**
 * H.264 NAL unit header constants (ITU-T H.264 §7.4.1, RFC 6184 §5.2).
 *
 * @internal
 * @module
 */

/** NAL unit types used by the packetizer and depacketizer. */
export const H264_NAL_TYPE = {
  NON_IDR: 1,
  IDR: 5,
  SEI: 6,
  SPS: 7,
  PPS: 8,
  AUD: 9,
  STAP_A: 24,
  STAP_B: 25,
  MTAP16: 26,
  MTAP24: 27,
  FU_A: 28,
  FU_B: 29,
} as const;

/** Size of the STAP-A NAL unit size field (RFC 6184 §5.7.1). */
export const STAP_A_SIZE_FIELD_BYTES = 2;

/** Size of the FU indicator plus the FU header (RFC 6184 §5.8). */
export const FU_A_HEADER_BYTES = 2;
