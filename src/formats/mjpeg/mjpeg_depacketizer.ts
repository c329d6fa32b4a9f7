/**
 * Motion JPEG RTP depacketizer (RFC 2435).
 *
 * @module
 */

import type { RtpPacket } from "../../rtp/mod.ts";
import { tsDiff } from "../../rtp/mod.ts";
import { PacketReorderer } from "../_packet_reorderer.ts";
import { DEFAULT_MAX_FRAME_BYTES, seqDelta } from "../_packetizer_state.ts";
import { quantTablesFromQ, STANDARD_DHT_BODY } from "./_jpeg_tables.ts";
import {
  decodeRtpJpegHeader,
  type JpegImageHeaders,
  type RtpJpegHeader,
} from "./_rtp_jpeg_header.ts";

/** A JPEG image rebuilt from RTP/JPEG packets, and its RTP timestamp. */
export interface MjpegFrame {
  /** RTP timestamp (90 kHz). */
  timestamp: number;
  /** A complete baseline JPEG image, from SOI to EOI. */
  frame: Uint8Array;
  /** Width in pixels (a multiple of 8). */
  width: number;
  /** Height in pixels (a multiple of 8). */
  height: number;
}

/** Options of {@linkcode MjpegDepacketizer}. */
export interface MjpegDepacketizerOptions {
  /** Largest entropy-coded data of one frame kept in memory; default 8 MiB. */
  maxFrameBytes?: number;
}

/** A packet this far (90 kHz ticks: 10 s) behind the last frame is late; further: a restart. */
const MAX_LATE_TICKS = 900000;
/** Most fragments of one frame: one per sequence number. */
const MAX_FRAGMENTS = 65536;

interface Fragment {
  offset: number;
  data: Uint8Array;
}

/**
 * Reassembles JPEG images from RTP/JPEG packets (RFC 2435) and rebuilds the headers the
 * packets leave out: DQT from the in-band tables (Q 128-255, cached for Q 128-254) or from Q
 * (Appendix A), SOF0, the standard DHT tables, DRI for types 64-127, SOS, and EOI.
 *
 * Packets that arrive out of order are put back in RTP sequence number order first, like in
 * the other depacketizers: a packet after a gap waits until the gap fills, until a packet of
 * another timestamp arrives, or until 64 wait; then what is still missing counts as lost. So
 * the first packet of a frame may come before the last one of the frame before it, and a loss
 * delays the frame after it until the next one begins. Fragments are then placed by their
 * fragment offset; a frame is complete when its bytes up to the end of the marker packet are
 * all there. A packet with a newer timestamp ends the frame in progress. It never throws on bad
 * input: a frame that lost a packet or had an invalid one is dropped and counted in
 * {@linkcode droppedFrames}; a duplicate, or a packet later than the ones handed on, is
 * ignored.
 *
 * @example Rebuild a JPEG from one packet
 * ```ts
 * import assert from "node:assert/strict";
 * import { MjpegDepacketizer } from "./mjpeg_depacketizer.ts";
 * // Type 1 (4:2:0), Q 50, 16x16 pixels, then entropy-coded data.
 * const payload = new Uint8Array([0, 0, 0, 0, 1, 50, 2, 2, 0x12, 0x34]);
 * const [image] = new MjpegDepacketizer().depacketize({
 *   marker: true, payloadType: 26, sequenceNumber: 1, timestamp: 9, ssrc: 1, csrc: [],
 *   paddingSize: 0, payload,
 * });
 * assert.equal(image!.width, 16);
 * assert.deepEqual([...image!.frame.subarray(0, 2)], [0xff, 0xd8]);
 * assert.deepEqual([...image!.frame.subarray(-4)], [0x12, 0x34, 0xff, 0xd9]);
 * ```
 */
export class MjpegDepacketizer {
  readonly #maxBytes: number;
  /** Tables of Q 128-254 last received in band, by Q. */
  readonly #cachedTables = new Map<number, { precision: number; tables: Uint8Array }>();
  readonly #reorderer = new PacketReorderer();
  readonly #depacketizeInOrder = (pkt: RtpPacket): MjpegFrame[] => this.#readPacket(pkt);
  #active = false;
  #broken = false;
  #timestamp = 0;
  #hasLast = false;
  #lastTimestamp = 0;
  /** Newest sequence number of the frame in progress, then of the last frame. */
  #lastSequenceNumber = 0;
  /** Headers of the first packet of the frame; the others must agree. */
  #header: RtpJpegHeader | undefined;
  #precision = 0;
  #tables: Uint8Array | undefined;
  #fragments: Fragment[] = [];
  #offsets = new Set<number>();
  #received = 0;
  /** Size of the frame's data, known once the marker packet arrived; -1 before. */
  #end = -1;
  #dropped = 0;
  #invalid = 0;

  /** @param options Memory bound. */
  constructor(options: MjpegDepacketizerOptions = {}) {
    this.#maxBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  }

  /** Frames dropped because a packet was lost, invalid, or over the bound. */
  get droppedFrames(): number {
    return this.#dropped;
  }

  /** Packets whose headers could not be parsed or did not match their frame. */
  get invalidPackets(): number {
    return this.#invalid;
  }

  /**
   * Feeds one RTP packet.
   *
   * @param pkt An RTP packet of the format, in arrival order.
   * @returns The frame it completes, if any.
   */
  depacketize(pkt: RtpPacket): MjpegFrame[] {
    return this.#reorderer.depacketize(pkt, this.#depacketizeInOrder);
  }

  /**
   * Forgets the frame in progress, the held packets and the timestamp state (e.g. after a
   * seek).
   */
  reset(): void {
    this.#reorderer.reset();
    this.#active = false;
    this.#hasLast = false;
    this.#clear();
  }

  /** Reads one packet, in sequence order. */
  #readPacket(pkt: RtpPacket): MjpegFrame[] {
    const ts = pkt.timestamp >>> 0;
    const seq = pkt.sequenceNumber & 0xffff;
    if (this.#active && ts !== this.#timestamp) {
      if (tsDiff(ts, this.#timestamp) < 0 && tsDiff(ts, this.#timestamp) > -MAX_LATE_TICKS) {
        return []; // a late packet of an earlier frame
      }
      this.#finish(true);
    }
    if (!this.#active) {
      if (this.#hasLast) {
        const diff = tsDiff(ts, this.#lastTimestamp);
        // Its frame was output or dropped; but a newer packet with the same timestamp starts a
        // frame (Interop: senders that do not advance the timestamp).
        const newer = diff === 0 && seqDelta(seq, this.#lastSequenceNumber) > 0;
        if (diff <= 0 && diff > -MAX_LATE_TICKS && !newer) return [];
      }
      this.#begin(ts);
      this.#lastSequenceNumber = seq;
    }
    if (seqDelta(seq, this.#lastSequenceNumber) > 0) this.#lastSequenceNumber = seq;
    if (this.#broken) return [];
    if (!this.#add(pkt)) {
      this.#broken = true;
      this.#fragments = [];
      this.#offsets.clear();
      return [];
    }
    if (this.#end < 0 || this.#received !== this.#end || this.#tables === undefined) return [];
    const frame = this.#build();
    this.#finish(frame === undefined);
    return frame === undefined ? [] : [frame];
  }

  #begin(timestamp: number): void {
    this.#clear();
    this.#active = true;
    this.#broken = false;
    this.#timestamp = timestamp;
  }

  #clear(): void {
    this.#header = undefined;
    this.#tables = undefined;
    this.#fragments = [];
    this.#offsets.clear();
    this.#received = 0;
    this.#end = -1;
  }

  #finish(drop: boolean): void {
    if (drop) this.#dropped++;
    this.#active = false;
    this.#hasLast = true;
    this.#lastTimestamp = this.#timestamp;
    this.#clear();
  }

  /** Adds a packet to the frame in progress; false when it is invalid or breaks the frame. */
  #add(pkt: RtpPacket): boolean {
    const h = decodeRtpJpegHeader(pkt.payload);
    if (h === undefined || !this.#matches(h)) {
      this.#invalid++;
      return false;
    }
    if (h.fragmentOffset === 0) {
      if (h.q < 128) {
        this.#precision = 0;
        this.#tables = quantTablesFromQ(h.q);
      } else if (h.tables !== undefined && h.tables.byteLength > 0) {
        this.#precision = h.precision;
        this.#tables = h.tables;
        if (h.q < 255) {
          this.#cachedTables.set(h.q, { precision: h.precision, tables: h.tables.slice() });
        }
      } else {
        const cached = this.#cachedTables.get(h.q);
        if (cached === undefined) {
          this.#invalid++; // Q 255 always carries tables; 128-254 only when never sent before
          return false;
        }
        this.#precision = cached.precision;
        this.#tables = cached.tables;
      }
    }
    const data = pkt.payload.subarray(h.dataOffset);
    if (this.#offsets.has(h.fragmentOffset)) return true; // a duplicate
    const end = h.fragmentOffset + data.byteLength;
    if (
      end > this.#maxBytes || (this.#end >= 0 && end > this.#end) ||
      this.#fragments.length >= MAX_FRAGMENTS
    ) {
      return false;
    }
    if (pkt.marker) {
      if (this.#end >= 0 || end < this.#received) return false;
      this.#end = end;
    }
    this.#offsets.add(h.fragmentOffset);
    this.#fragments.push({ offset: h.fragmentOffset, data });
    this.#received += data.byteLength;
    return this.#end < 0 || this.#received <= this.#end;
  }

  /** Whether a packet's headers agree with those of the frame's first packet. */
  #matches(h: RtpJpegHeader): boolean {
    const f = this.#header;
    if (f === undefined) {
      this.#header = h;
      return true;
    }
    return h.type === f.type && h.q === f.q && h.width === f.width && h.height === f.height &&
      h.restartInterval === f.restartInterval;
  }

  /** Builds the JPEG image; undefined when the fragments leave a gap or overlap. */
  #build(): MjpegFrame | undefined {
    const h = this.#header!;
    const tables = this.#tables!;
    const fragments = this.#fragments.sort((a, b) => a.offset - b.offset);
    let expected = 0;
    for (const f of fragments) {
      if (f.offset !== expected) return undefined;
      expected += f.data.byteLength;
    }
    const frame = buildJpeg({
      type: h.type,
      width: h.width,
      height: h.height,
      restartInterval: h.restartInterval,
      precision: this.#precision,
      tables,
      data: fragments.map((f) => f.data),
      size: this.#received,
    });
    return { timestamp: this.#timestamp, frame, width: h.width * 8, height: h.height * 8 };
  }
}

interface JpegParts extends JpegImageHeaders {
  /** The entropy-coded data in pieces. */
  data: Uint8Array[];
  /** Their total size. */
  size: number;
}

/** Writes a JFIF-less baseline JPEG around entropy-coded data (RFC 2435 Appendix B). */
function buildJpeg(p: JpegParts): Uint8Array {
  const width = p.width * 8;
  const height = p.height * 8;
  // Tables 0..n-1 in band order; with one table, chrominance shares it.
  // Interop: ffmpeg sends a single table when its JPEG has one.
  const tableSizes: number[] = [];
  for (let i = 0, o = 0; o < p.tables.byteLength && i < 4; i++) {
    const size = (p.precision >> i) & 1 ? 128 : 64;
    tableSizes.push(size);
    o += size;
  }
  const chromaTable = tableSizes.length > 1 ? 1 : 0;
  const wide = tableSizes.some((s) => s === 128);
  const last = p.data.length > 0 ? p.data[p.data.length - 1]! : undefined;
  const hasEoi = last !== undefined && last.byteLength >= 2 &&
    last[last.byteLength - 2] === 0xff && last[last.byteLength - 1] === 0xd9;
  const dqtBytes = 4 + tableSizes.length + p.tables.byteLength;
  const sofBytes = 19;
  const dhtBytes = 4 + STANDARD_DHT_BODY.byteLength;
  const driBytes = p.type >= 64 && p.restartInterval > 0 ? 6 : 0;
  const sosBytes = 14;
  const total = 2 + dqtBytes + sofBytes + dhtBytes + driBytes + sosBytes + p.size +
    (hasEoi ? 0 : 2);
  const out = new Uint8Array(total);
  let o = 0;
  out.set([0xff, 0xd8], o);
  o += 2;
  // DQT: one segment holding every table.
  out.set([0xff, 0xdb, (dqtBytes - 2) >> 8, (dqtBytes - 2) & 0xff], o);
  o += 4;
  for (let i = 0, t = 0; i < tableSizes.length; i++) {
    const size = tableSizes[i]!;
    out[o++] = ((size === 128 ? 1 : 0) << 4) | i;
    out.set(p.tables.subarray(t, t + size), o);
    o += size;
    t += size;
  }
  // SOF0 (SOF1 when a table has 16-bit entries, which baseline does not allow): 8-bit samples,
  // size, then components 1 (Y: type 0 is 4:2:2, type 1 is 4:2:0, §4.1), 2 and 3 (Cb, Cr).
  const ySampling = (p.type & 1) === 0 ? 0x21 : 0x22;
  // deno-fmt-ignore
  out.set([
    0xff, wide ? 0xc1 : 0xc0, 0, 17,
    8, height >> 8, height & 0xff, width >> 8, width & 0xff,
    3, 1, ySampling, 0, 2, 0x11, chromaTable, 3, 0x11, chromaTable,
  ], o);
  o += sofBytes;
  out.set([0xff, 0xc4, (dhtBytes - 2) >> 8, (dhtBytes - 2) & 0xff], o);
  out.set(STANDARD_DHT_BODY, o + 4);
  o += dhtBytes;
  if (driBytes > 0) {
    out.set([0xff, 0xdd, 0, 4, p.restartInterval >> 8, p.restartInterval & 0xff], o);
    o += driBytes;
  }
  out.set([0xff, 0xda, 0, 12, 3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0], o);
  o += sosBytes;
  for (const d of p.data) {
    out.set(d, o);
    o += d.byteLength;
  }
  if (!hasEoi) out.set([0xff, 0xd9], o);
  return out;
}
