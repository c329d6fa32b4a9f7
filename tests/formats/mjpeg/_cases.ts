/**
 * One case table for the MJPEG packetizer and depacketizer tests (STYLE §8): each case is a
 * JPEG image in the form the depacketizer rebuilds (RFC 2435 Appendix B) and the RTP/JPEG
 * payloads the packetizer makes of it.
 */
import { STANDARD_DHT_BODY } from "../../../src/formats/mjpeg/_jpeg_tables.ts";
import { bytes } from "../_bytes.ts";

export { bytes };

export interface MjpegCase {
  name: string;
  maxPacketSize?: number;
  /** The JPEG image. */
  jpeg: Uint8Array;
  /** Its size in pixels. */
  width: number;
  height: number;
  payloads: Uint8Array[];
}

/** `length` bytes counting up from `first`, never 0xff (no marker in the scan). */
export function ramp(length: number, first: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (first + i) % 0xff);
}

const SOI = [0xff, 0xd8];
const EOI = [0xff, 0xd9];
const DHT = bytes(0xff, 0xc4, 0x01, 0xa2, STANDARD_DHT_BODY); // 4 tables: 2 + 416 bytes
const SOS = [0xff, 0xda, 0, 12, 3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0];

/** SOF0 (or SOF1) of three components: Y with `ySampling` and table 0, Cb/Cr 1x1 table 1. */
function sof(marker: number, width: number, height: number, ySampling: number): number[] {
  return [
    0xff,
    marker,
    0,
    17,
    8,
    height >> 8,
    height & 0xff,
    width >> 8,
    width & 0xff,
    3,
    1,
    ySampling,
    0,
    2,
    0x11,
    1,
    3,
    0x11,
    1,
  ];
}

const luma = ramp(64, 2);
const chroma = ramp(64, 70);
const luma16 = ramp(128, 1);
const DQT = bytes(0xff, 0xdb, 0, 132, 0x00, luma, 0x01, chroma);
const DQT16 = bytes(0xff, 0xdb, 0, 196, 0x10, luma16, 0x01, chroma);
const scan = ramp(700, 0);

export const MJPEG_CASES: MjpegCase[] = [
  {
    name: "RFC 2435 §3.1 type 1 (4:2:0), Q=255 and both tables in band, one packet",
    jpeg: bytes(SOI, DQT, sof(0xc0, 64, 48, 0x22), DHT, SOS, scan.subarray(0, 100), EOI),
    width: 64,
    height: 48,
    payloads: [
      bytes(
        [0, 0, 0, 0], // type-specific 0, fragment offset 0
        [1, 255, 8, 6], // type 1, Q 255, 64/8, 48/8
        [0, 0, 0, 128], // MBZ, precision 0 (8-bit tables), length 128 (§3.1.8)
        luma,
        chroma,
        scan.subarray(0, 100),
      ),
    ],
  },
  {
    name: "RFC 2435 §3.1.8 type 0 (4:2:2) in three fragments, tables only at offset 0",
    maxPacketSize: 12 + 300,
    jpeg: bytes(SOI, DQT, sof(0xc0, 320, 240, 0x21), DHT, SOS, scan, EOI),
    width: 320,
    height: 240,
    payloads: [
      bytes([0, 0, 0, 0], [0, 255, 40, 30], [0, 0, 0, 128], luma, chroma, scan.subarray(0, 160)),
      bytes([0, 0, 0, 160], [0, 255, 40, 30], scan.subarray(160, 452)),
      bytes([0, 0, 0x01, 0xc4], [0, 255, 40, 30], scan.subarray(452)),
    ],
  },
  {
    name: "RFC 2435 §3.1.7 type 65 with a Restart Marker header (F=L=1, count 0x3FFF) and DRI",
    maxPacketSize: 12 + 400,
    jpeg: bytes(
      SOI,
      DQT,
      sof(0xc0, 16, 16, 0x22),
      DHT,
      [0xff, 0xdd, 0, 4, 0, 2], // DRI: 2 MCUs
      SOS,
      scan.subarray(0, 300),
      EOI,
    ),
    width: 16,
    height: 16,
    payloads: [
      bytes(
        [0, 0, 0, 0],
        [65, 255, 2, 2],
        [0, 2, 0xff, 0xff], // restart interval 2, F=1, L=1, count 0x3fff
        [0, 0, 0, 128],
        luma,
        chroma,
        scan.subarray(0, 256),
      ),
      bytes([0, 0, 1, 0], [65, 255, 2, 2], [0, 2, 0xff, 0xff], scan.subarray(256, 300)),
    ],
  },
  {
    name: "RFC 2435 §3.1.8 a 16-bit luminance table sets precision bit 0 (SOF1 rebuilt)",
    jpeg: bytes(SOI, DQT16, sof(0xc1, 8, 8, 0x21), DHT, SOS, scan.subarray(0, 10), EOI),
    width: 8,
    height: 8,
    payloads: [
      bytes([0, 0, 0, 0], [0, 255, 1, 1], [0, 1, 0, 192], luma16, chroma, scan.subarray(0, 10)),
    ],
  },
];
