/** The 16-byte universal label of the MISB ST 0601 UAS Datalink Local Set. */
export const UAS_LS_KEY: readonly number[] = [
  0x06,
  0x0e,
  0x2b,
  0x34,
  0x02,
  0x0b,
  0x01,
  0x01,
  0x0e,
  0x01,
  0x03,
  0x01,
  0x01,
  0,
  0,
  0,
];

/**
 * A KLV item (SMPTE 336M) with the UAS Datalink LS key, a BER length (short form below 128, else
 * long form: 0x81 n, 0x82 n n) and `valueLength` value bytes derived from `seed`.
 */
export function klvItem(valueLength: number, seed: number): Uint8Array {
  const length = valueLength < 128
    ? [valueLength]
    : valueLength < 256
    ? [0x81, valueLength]
    : [0x82, valueLength >> 8, valueLength & 0xff];
  const value = Array.from({ length: valueLength }, (_, i) => (i * 31 + seed) & 0xff);
  return new Uint8Array([...UAS_LS_KEY, ...length, ...value]);
}
