/**
 * Motion JPEG RTP packetizer (RFC 2435).
 *
 * @module
 */

import { ParseError } from "../../errors.ts";
import type { RtpPacket } from "../../rtp/mod.ts";
import { type PacketizerOptions, PacketizerState } from "../_packetizer_state.ts";
import { isStandardHuffmanTable } from "./_jpeg_tables.ts";
import {
  encodeRtpJpegHeader,
  type JpegImageHeaders,
  MAIN_HEADER_BYTES,
  QUANT_HEADER_BYTES,
  RESTART_HEADER_BYTES,
  type RtpJpegHeader,
  rtpJpegHeaderSize,
} from "./_rtp_jpeg_header.ts";

/** Options of {@linkcode MjpegPacketizer}; the payload type defaults to 26. */
export interface MjpegPacketizerOptions extends Omit<PacketizerOptions, "payloadType"> {
  /** RTP payload type; default 26 (RFC 3551 §6). */
  payloadType?: number;
}

/** Room for the largest headers (restart header, two 16-bit tables) and one data byte. */
const MIN_PAYLOAD_BYTES = MAIN_HEADER_BYTES + RESTART_HEADER_BYTES + QUANT_HEADER_BYTES + 256 + 1;

/**
 * Splits baseline JPEG images into RTP/JPEG packets (RFC 2435 §3).
 *
 * The image is parsed (SOI, DQT, SOF0, DHT, DRI, SOS; APPn and COM are skipped), and its
 * entropy-coded data is sent after a main JPEG header with Q=255, a Restart Marker header when
 * the image has a restart interval (type 64/65, F=L=1, count 0x3FFF), and the quantization
 * tables in band in the first packet. The marker bit is set on the last packet of the image;
 * each packet is one allocation holding its headers and data.
 *
 * Only what RFC 2435 can describe is accepted: 8-bit baseline, three components with luminance
 * sampled 2x1 (type 0) or 2x2 (type 1) against chrominance, chrominance sharing one table, the
 * standard Huffman tables (ffmpeg: `-huffman default`), and at most 2040 pixels per side.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MjpegPacketizer } from "./mjpeg_packetizer.ts";
 * const jpeg = new Uint8Array([
 *   0xff, 0xd8,
 *   0xff, 0xdb, 0, 67, 0, ...new Array(64).fill(1), // DQT: table 0
 *   0xff, 0xc0, 0, 17, 8, 0, 16, 0, 16, 3, 1, 0x22, 0, 2, 0x11, 0, 3, 0x11, 0, // SOF0 16x16
 *   0xff, 0xda, 0, 12, 3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0, // SOS
 *   0x12, 0x34, 0xff, 0xd9,
 * ]);
 * const [packet] = new MjpegPacketizer().packetize(jpeg, 0);
 * assert.equal(packet!.payloadType, 26);
 * assert.deepEqual([...packet!.payload.subarray(4, 8)], [1, 255, 2, 2]); // type 1, Q 255, 16x16
 * ```
 */
export class MjpegPacketizer {
  readonly #state: PacketizerState;

  /** @param options Optional payload type, SSRC, sequence number and packet size. */
  constructor(options: MjpegPacketizerOptions = {}) {
    this.#state = new PacketizerState(
      { ...options, payloadType: options.payloadType ?? 26 },
      MIN_PAYLOAD_BYTES,
      "MjpegPacketizer",
    );
  }

  /** SSRC of the packets. */
  get ssrc(): number {
    return this.#state.ssrc;
  }

  /** The sequence number the next packet will carry. */
  get sequenceNumber(): number {
    return this.#state.sequenceNumber;
  }

  /**
   * Packetizes one JPEG image.
   *
   * @param jpeg A baseline JPEG image (JFIF or not), from SOI to EOI.
   * @param timestamp RTP timestamp (90 kHz).
   * @returns The RTP packets.
   * @throws {ParseError} `INVALID_JPEG` when the image cannot be parsed, `UNSUPPORTED_JPEG`
   *   when RFC 2435 cannot carry it.
   */
  packetize(jpeg: Uint8Array, timestamp: number): RtpPacket[] {
    const image = parseJpeg(jpeg);
    const header: RtpJpegHeader = {
      typeSpecific: 0,
      fragmentOffset: 0,
      type: image.type,
      q: 255,
      width: image.width,
      height: image.height,
      restartInterval: image.restartInterval,
      precision: image.precision,
      tables: image.tables,
      dataOffset: 0,
    };
    const max = this.#state.maxPayloadSize;
    const payloads: Uint8Array[] = [];
    const data = image.data;
    let offset = 0;
    do {
      header.fragmentOffset = offset;
      const headerSize = rtpJpegHeaderSize(header);
      const size = Math.min(max - headerSize, data.byteLength - offset);
      const payload = new Uint8Array(headerSize + size);
      encodeRtpJpegHeader(header, payload);
      payload.set(data.subarray(offset, offset + size), headerSize);
      payloads.push(payload);
      offset += size;
      header.tables = undefined;
    } while (offset < data.byteLength);
    return this.#state.packets(payloads, timestamp);
  }
}

interface ParsedJpeg extends JpegImageHeaders {
  /** The entropy-coded data. */
  data: Uint8Array;
}

function invalid(message: string, offset: number): ParseError {
  return new ParseError("INVALID_JPEG", `Cannot packetize JPEG: ${message}`, {
    offset,
    fatal: false,
  });
}

function unsupported(message: string, offset: number): ParseError {
  return new ParseError("UNSUPPORTED_JPEG", `Cannot packetize JPEG: ${message}`, {
    offset,
    fatal: false,
  });
}

/** Reads the segments of a JPEG image up to SOS (ITU-T T.81 §B.2) and finds its scan data. */
function parseJpeg(b: Uint8Array): ParsedJpeg {
  if (b.byteLength < 4 || b[0] !== 0xff || b[1] !== 0xd8) throw invalid("missing SOI", 0);
  const quant = new Map<number, Uint8Array>();
  let frame: FrameHeader | undefined;
  let restartInterval = 0;
  let o = 2;
  for (;;) {
    if (o + 4 > b.byteLength) throw invalid("truncated before SOS", o);
    if (b[o] !== 0xff) throw invalid("expected a marker", o);
    const marker = b[o + 1]!;
    if (marker === 0xff) {
      o++; // fill byte
      continue;
    }
    const length = (b[o + 2]! << 8) | b[o + 3]!;
    const start = o + 4;
    const end = o + 2 + length;
    if (length < 2 || end > b.byteLength) throw invalid(`bad segment length ${length}`, o + 2);
    const body = b.subarray(start, end);
    if (marker === 0xdb) {
      readQuantTables(body, quant, start);
    } else if (marker === 0xc0 || marker === 0xc1) {
      frame = readFrameHeader(body, start);
    } else if ((marker & 0xf0) === 0xc0 && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      throw unsupported(`SOF${marker & 0x0f} is not baseline`, o);
    } else if (marker === 0xc4) {
      checkHuffmanTables(body, start);
    } else if (marker === 0xdd) {
      if (length !== 4) throw invalid("bad DRI length", o + 2);
      restartInterval = (body[0]! << 8) | body[1]!;
    } else if (marker === 0xda) {
      if (frame === undefined) throw invalid("SOS before SOF", o);
      checkScanHeader(body, start);
      const luma = quant.get(frame.luma);
      const chroma = quant.get(frame.chroma);
      if (luma === undefined || chroma === undefined) throw invalid("missing DQT table", o);
      const tables = new Uint8Array(luma.byteLength + chroma.byteLength);
      tables.set(luma);
      tables.set(chroma, luma.byteLength);
      return {
        type: frame.type + (restartInterval > 0 ? 64 : 0),
        width: frame.width,
        height: frame.height,
        restartInterval,
        precision: (luma.byteLength === 128 ? 1 : 0) | (chroma.byteLength === 128 ? 2 : 0),
        tables,
        data: b.subarray(end, scanEnd(b, end)),
      };
    } else if (marker === 0xd8 || marker === 0xd9) {
      throw invalid("unexpected SOI or EOI before SOS", o);
    }
    o = end;
  }
}

function readQuantTables(body: Uint8Array, quant: Map<number, Uint8Array>, at: number): void {
  let o = 0;
  while (o < body.byteLength) {
    const size = body[o]! >> 4 === 0 ? 64 : 128;
    if (body[o]! >> 4 > 1 || o + 1 + size > body.byteLength) throw invalid("bad DQT", at + o);
    quant.set(body[o]! & 0x0f, body.subarray(o + 1, o + 1 + size));
    o += 1 + size;
  }
}

interface FrameHeader {
  /** Width in 8-pixel blocks. */
  width: number;
  /** Height in 8-pixel blocks. */
  height: number;
  /** RFC 2435 type 0 or 1. */
  type: number;
  /** DQT table id of luminance. */
  luma: number;
  /** DQT table id of both chrominance components. */
  chroma: number;
}

function readFrameHeader(body: Uint8Array, at: number): FrameHeader {
  if (body.byteLength < 6 || body.byteLength !== 6 + 3 * body[5]!) throw invalid("bad SOF", at);
  if (body[0] !== 8) throw unsupported(`${body[0]}-bit samples`, at);
  const height = (body[1]! << 8) | body[2]!;
  const width = (body[3]! << 8) | body[4]!;
  if (body[5] !== 3) throw unsupported(`${body[5]} components, not 3`, at + 5);
  if (width === 0 || height === 0 || width > 2040 || height > 2040) {
    throw unsupported(`size ${width}x${height} (at most 2040x2040)`, at + 1);
  }
  const y = body[7]!;
  const cb = body[10]!;
  const cr = body[13]!;
  if (cb !== 0x11 || cr !== 0x11 || (y !== 0x21 && y !== 0x22) || body[11] !== body[14]) {
    throw unsupported(
      "sampling must be 2x1 or 2x2 luminance against 1x1 chrominance sharing one table",
      at + 7,
    );
  }
  return {
    width: Math.ceil(width / 8),
    height: Math.ceil(height / 8),
    type: y === 0x21 ? 0 : 1,
    luma: body[8]! & 0x0f,
    chroma: body[11]! & 0x0f,
  };
}

function checkHuffmanTables(body: Uint8Array, at: number): void {
  let o = 0;
  while (o < body.byteLength) {
    if (o + 17 > body.byteLength) throw invalid("bad DHT", at + o);
    let count = 0;
    for (let i = 1; i <= 16; i++) count += body[o + i]!;
    if (o + 17 + count > body.byteLength) throw invalid("bad DHT", at + o);
    const tc = body[o]! >> 4;
    const th = body[o]! & 0x0f;
    if (!isStandardHuffmanTable(tc, th, body.subarray(o + 1, o + 17 + count))) {
      throw unsupported("Huffman tables other than the standard ones (RFC 2435 §3.1)", at + o);
    }
    o += 17 + count;
  }
}

function checkScanHeader(body: Uint8Array, at: number): void {
  // One interleaved scan of the three components; luminance codes with tables 0, chrominance
  // with tables 1 (RFC 2435 Appendix B writes the same).
  const ok = body.byteLength === 10 && body[0] === 3 && body[2] === 0x00 && body[4] === 0x11 &&
    body[6] === 0x11 && body[7] === 0 && body[8] === 63 && body[9] === 0;
  if (!ok) throw unsupported("the scan must be one baseline scan of all three components", at);
}

/** Where the entropy-coded data starting at `o` ends: at the first marker other than RSTn. */
function scanEnd(b: Uint8Array, o: number): number {
  for (let i = o; i + 1 < b.byteLength; i++) {
    if (b[i] !== 0xff) continue;
    const m = b[i + 1]!;
    if (m === 0x00 || (m >= 0xd0 && m <= 0xd7) || m === 0xff) continue;
    return i;
  }
  return b.byteLength;
}
