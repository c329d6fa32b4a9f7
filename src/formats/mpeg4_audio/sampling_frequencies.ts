/**
 * The MPEG-4 audio sampling frequencies by samplingFrequencyIndex, shared by the
 * AudioSpecificConfig of `MP4A-LATM` and the ADTS header of MPEG-TS.
 *
 * @module
 */

/**
 * Sampling frequencies in Hz by samplingFrequencyIndex (ISO/IEC 14496-3 Table 1.18); index 15
 * means an explicit 24-bit frequency, 13 and 14 are reserved.
 */
export const AAC_SAMPLE_RATES: readonly number[] = [
  96000,
  88200,
  64000,
  48000,
  44100,
  32000,
  24000,
  22050,
  16000,
  12000,
  11025,
  8000,
  7350,
];
