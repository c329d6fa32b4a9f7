/**
 * The fixed JPEG tables RTP/JPEG relies on (RFC 2435 §3.1, Appendix A and B): the example
 * quantization tables of ITU-T T.81 Annex K scaled by Q, and the standard Huffman tables that
 * every RTP/JPEG frame is coded with.
 *
 * @internal
 * @module
 */

/** Natural (row-major) position of each zigzag index (ITU-T T.81 Figure 5). */
// deno-fmt-ignore
const ZIGZAG = [
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20,
  13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52,
  45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
];

/** ITU-T T.81 Table K.1, luminance, natural order. */
// deno-fmt-ignore
const LUMA_QUANT = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
  14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113,
  92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];

/** ITU-T T.81 Table K.2, chrominance, natural order. */
// deno-fmt-ignore
const CHROMA_QUANT = [
  17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99,
  47, 66, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
  99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
];

/**
 * The luminance and chrominance tables a Q factor of 1-99 stands for (RFC 2435 Appendix A),
 * each 64 bytes in zigzag order as a DQT segment carries them.
 *
 * @param q The Q field, 1 to 99.
 * @returns 128 bytes: the luminance table, then the chrominance table.
 */
export function quantTablesFromQ(q: number): Uint8Array {
  const factor = Math.min(Math.max(q, 1), 99);
  const scale = factor < 50 ? Math.floor(5000 / factor) : 200 - factor * 2;
  const out = new Uint8Array(128);
  for (let i = 0; i < 64; i++) {
    const n = ZIGZAG[i]!;
    out[i] = Math.min(Math.max(Math.floor((LUMA_QUANT[n]! * scale + 50) / 100), 1), 255);
    out[64 + i] = Math.min(Math.max(Math.floor((CHROMA_QUANT[n]! * scale + 50) / 100), 1), 255);
  }
  return out;
}

/** One Huffman table: class (0 DC, 1 AC), id, code counts per length 1-16, symbols. */
interface HuffmanTable {
  tableClass: number;
  id: number;
  bits: number[];
  values: number[];
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** AC symbols of Table K.5 after the irregular head: run/size pairs in order, EOB/ZRL apart. */
function acTail(head: number[], firstRun: number): number[] {
  const out = [...head];
  for (let run = firstRun; run < 16; run++) {
    for (let size = 1; size <= 10; size++) {
      const v = (run << 4) | size;
      if (!out.includes(v)) out.push(v);
    }
  }
  return out;
}

/** ITU-T T.81 Annex K.3 (Tables K.3 to K.6), which RFC 2435 §3.1 makes mandatory. */
// deno-fmt-ignore
const STANDARD_HUFFMAN_TABLES: HuffmanTable[] = [
  {
    tableClass: 0,
    id: 0,
    bits: [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0],
    values: range(12),
  },
  {
    tableClass: 1,
    id: 0,
    bits: [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7d],
    values: acTail([
      0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61,
      0x07, 0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xa1, 0x08, 0x23, 0x42, 0xb1, 0xc1, 0x15, 0x52,
      0xd1, 0xf0, 0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0a, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x25,
      0x26, 0x27, 0x28, 0x29, 0x2a, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a,
    ], 4),
  },
  {
    tableClass: 0,
    id: 1,
    bits: [0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0],
    values: range(12),
  },
  {
    tableClass: 1,
    id: 1,
    bits: [0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 0x77],
    values: acTail([
      0x00, 0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21, 0x31, 0x06, 0x12, 0x41, 0x51, 0x07, 0x61,
      0x71, 0x13, 0x22, 0x32, 0x81, 0x08, 0x14, 0x42, 0x91, 0xa1, 0xb1, 0xc1, 0x09, 0x23, 0x33,
      0x52, 0xf0, 0x15, 0x62, 0x72, 0xd1, 0x0a, 0x16, 0x24, 0x34, 0xe1, 0x25, 0xf1, 0x17, 0x18,
      0x19, 0x1a, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a,
    ], 4),
  },
];

/** Bytes of the body of a DHT segment holding the four standard tables. */
export const STANDARD_DHT_BODY: Uint8Array = (() => {
  const parts: number[] = [];
  for (const t of STANDARD_HUFFMAN_TABLES) {
    parts.push((t.tableClass << 4) | t.id, ...t.bits, ...t.values);
  }
  return new Uint8Array(parts);
})();

/**
 * Whether a Huffman table of a DHT segment is the standard one for its class and id.
 *
 * @param tableClass 0 for DC, 1 for AC.
 * @param id Table id 0 (luminance) or 1 (chrominance).
 * @param spec The 16 code counts followed by the symbols.
 */
export function isStandardHuffmanTable(
  tableClass: number,
  id: number,
  spec: Uint8Array,
): boolean {
  const t = STANDARD_HUFFMAN_TABLES.find((x) => x.tableClass === tableClass && x.id === id);
  if (t === undefined || spec.byteLength !== 16 + t.values.length) return false;
  for (let i = 0; i < 16; i++) if (spec[i] !== t.bits[i]) return false;
  for (let i = 0; i < t.values.length; i++) if (spec[16 + i] !== t.values[i]) return false;
  return true;
}
