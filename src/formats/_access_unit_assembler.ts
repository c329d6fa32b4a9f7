/**
 * Access-unit assembly shared by the H.264 and H.265 depacketizers: sequence and timestamp
 * tracking, marker handling, fragmented NAL units, memory bounds and drop counting.
 *
 * @internal
 * @module
 */

import { concat } from "../bytes/mod.ts";
import type { RtpPacket } from "../rtp/mod.ts";
import { PacketReorderer } from "./_packet_reorderer.ts";
import { DEFAULT_MAX_FRAME_BYTES, MAX_REORDER, seqDelta } from "./_packetizer_state.ts";

/** NAL units of one access unit and their RTP timestamp. */
export interface NalAccessUnit {
  /** RTP timestamp (90 kHz) shared by the packets of the access unit. */
  timestamp: number;
  /** The NAL units in decoding order. */
  nalUnits: Uint8Array[];
}

/** Memory bounds of {@linkcode AccessUnitAssembler}. */
export interface AccessUnitAssemblerOptions {
  /** Largest access unit in bytes (sum of NAL unit sizes); default 8 MiB. */
  maxAccessUnitBytes?: number;
  /** Most NAL units in one access unit; default 256. */
  maxNalUnitsPerAccessUnit?: number;
}

/**
 * Most fragments of one NAL unit (also of one MPEG-4 audio AU, and packets of one VP8/VP9
 * frame): 8 MiB in 512-byte pieces. The byte bound alone would let a flood of 1-byte fragments
 * keep millions of views, each holding its whole packet, and a flood of empty ones grow a list
 * without end.
 */
export const MAX_FRAGMENTS = 16384;

/**
 * Groups the NAL units read from RTP payloads into access units. The codec reads each payload
 * and hands over NAL units with {@linkcode add} and fragments with {@linkcode fragment}.
 *
 * Packets are first put back in sequence order by a {@linkcode PacketReorderer}: a packet
 * after a gap waits until the gap fills, until a packet of another timestamp arrives, or until
 * 64 wait. An access unit ends with the marker bit, or when a packet with another timestamp
 * arrives. A packet still missing then, or an invalid packet, breaks the access unit it belongs
 * to, which is dropped and counted; memory is bounded by the options.
 */
export class AccessUnitAssembler {
  readonly #maxBytes: number;
  readonly #maxNalUnits: number;
  #nalUnits: Uint8Array[] = [];
  #bytes = 0;
  #timestamp = 0;
  /** An access unit is in progress (some packet of it was received). */
  #active = false;
  /** The access unit in progress lost a packet or had an invalid one. */
  #broken = false;
  /** Fragments of the NAL unit in progress (first entry: the rebuilt NAL header). */
  #fragments: Uint8Array[] = [];
  /** Fragments of the NAL unit in progress, empty ones included. */
  #fragmentCount = 0;
  #lastSequenceNumber = -1;
  #dropped = 0;
  #invalid = 0;
  readonly #reorderer = new PacketReorderer();

  /** @param options Memory bounds. */
  constructor(options: AccessUnitAssemblerOptions = {}) {
    this.#maxBytes = options.maxAccessUnitBytes ?? DEFAULT_MAX_FRAME_BYTES;
    this.#maxNalUnits = options.maxNalUnitsPerAccessUnit ?? 256;
  }

  /** Access units dropped because a packet was lost, late, invalid or over the bounds. */
  get droppedAccessUnits(): number {
    return this.#dropped;
  }

  /** Packets whose payload could not be parsed. */
  get invalidPackets(): number {
    return this.#invalid;
  }

  /** Whether a fragmented NAL unit is in progress. */
  get inFragment(): boolean {
    return this.#fragments.length > 0;
  }

  /**
   * Feeds one RTP packet.
   *
   * @param pkt The packet, in arrival order.
   * @param read Reads a payload through {@linkcode add} and {@linkcode fragment}; returns false
   *   when the payload is invalid or over the bounds. It may read the payloads of packets that
   *   waited for this one, so a depacketizer passes the same function every time.
   * @returns The access units completed by this packet and by the packets it let through.
   */
  push(pkt: RtpPacket, read: (payload: Uint8Array) => boolean): NalAccessUnit[] {
    const ready = this.#reorderer.push(pkt);
    if (ready.length === 1) return this.#pushInOrder(ready[0]!, read);
    const out: NalAccessUnit[] = [];
    for (const p of ready) this.#pushInOrder(p, read, out);
    return out;
  }

  /**
   * Outputs what is left at the end of the stream: the packets waiting behind a gap (the
   * missing ones are lost), then the access unit in progress when no packet of it was lost.
   *
   * @param read Reads a payload, as in {@linkcode push}.
   * @returns The access units completed.
   */
  flush(read: (payload: Uint8Array) => boolean): NalAccessUnit[] {
    const out = this.#reorderer.drain((p) => this.#pushInOrder(p, read));
    this.#finish(out, false);
    return out;
  }

  /** Forgets the access unit in progress, the packets waiting and the sequence state (e.g. after a seek). */
  reset(): void {
    this.#reorderer.reset();
    this.#clear();
    this.#active = false;
    this.#lastSequenceNumber = -1;
  }

  /** Feeds one packet in sequence order, where a gap is a loss; adds what it completes to `out`. */
  #pushInOrder(
    pkt: RtpPacket,
    read: (payload: Uint8Array) => boolean,
    out: NalAccessUnit[] = [],
  ): NalAccessUnit[] {
    const seq = pkt.sequenceNumber & 0xffff;
    if (this.#lastSequenceNumber >= 0) {
      const diff = seqDelta(seq, this.#lastSequenceNumber);
      if (diff <= 0 && diff > -MAX_REORDER) return out; // duplicate or late: already counted as loss
      if (diff !== 1) {
        // Loss (or a restart of the sender): what is buffered and the packet's own access unit
        // may both miss packets.
        if (this.#active && pkt.timestamp !== this.#timestamp) this.#finish(out, true);
        if (!this.#active) this.#begin(pkt.timestamp);
        this.#break();
      }
    }
    this.#lastSequenceNumber = seq;

    if (this.#active && pkt.timestamp !== this.#timestamp) this.#finish(out, false);
    if (!this.#active) this.#begin(pkt.timestamp);
    if (!this.#broken && !read(pkt.payload)) {
      this.#invalid++;
      this.#break();
    }
    if (pkt.marker) this.#finish(out, false);
    return out;
  }

  /**
   * Adds a whole NAL unit to the access unit.
   *
   * @param nalu The NAL unit; kept as given (a view of the payload).
   * @returns False when over the bounds.
   */
  add(nalu: Uint8Array): boolean {
    this.#bytes += nalu.byteLength;
    if (this.#bytes > this.#maxBytes || this.#nalUnits.length >= this.#maxNalUnits) return false;
    this.#nalUnits.push(nalu);
    return true;
  }

  /**
   * Adds the NAL units of an aggregation packet: each behind its 16-bit size (RFC 6184 §5.7.1
   * STAP-A, RFC 7798 §4.4.2 AP).
   *
   * @param payload The payload.
   * @param offset Where the first size field is.
   * @param minNaluBytes The smallest valid NAL unit (its header size).
   * @returns False when no unit is there, a size is out of range, or over the bounds.
   */
  addAggregated(payload: Uint8Array, offset: number, minNaluBytes: number): boolean {
    if (this.#fragments.length > 0 || offset >= payload.byteLength) return false;
    while (offset < payload.byteLength) {
      if (offset + 2 > payload.byteLength) return false;
      const size = (payload[offset]! << 8) | payload[offset + 1]!;
      offset += 2;
      if (size < minNaluBytes || offset + size > payload.byteLength) return false;
      if (!this.add(payload.subarray(offset, offset + size))) return false;
      offset += size;
    }
    return true;
  }

  /**
   * Adds a fragment of a NAL unit; the last one adds the NAL unit, rebuilt in one allocation.
   *
   * @param header The rebuilt NAL header on the first fragment, undefined on the others.
   * @param data The fragment's data.
   * @param end Whether it is the last fragment.
   * @returns False when a start follows an unfinished NAL unit, a continuation has no start,
   *   or the access unit goes over the bounds (bytes, or {@linkcode MAX_FRAGMENTS}).
   */
  fragment(header: Uint8Array | undefined, data: Uint8Array, end: boolean): boolean {
    if (header !== undefined) {
      if (this.#fragments.length > 0) return false; // previous NAL unit never ended
      this.#fragments.push(header);
      this.#bytes += header.byteLength;
    } else if (this.#fragments.length === 0) {
      return false; // continuation without start
    }
    this.#bytes += data.byteLength;
    if (this.#bytes > this.#maxBytes || ++this.#fragmentCount > MAX_FRAGMENTS) return false;
    // An empty fragment is valid (RFC 6184 §5.8) but adds nothing to keep.
    if (data.byteLength > 0) this.#fragments.push(data);
    if (!end) return true;
    const nalu = concat(this.#fragments);
    this.#fragments = [];
    this.#fragmentCount = 0;
    this.#bytes -= nalu.byteLength;
    return this.add(nalu);
  }

  #begin(timestamp: number): void {
    this.#clear();
    this.#active = true;
    this.#broken = false;
    this.#timestamp = timestamp;
  }

  #clear(): void {
    this.#nalUnits = [];
    this.#fragments = [];
    this.#fragmentCount = 0;
    this.#bytes = 0;
  }

  #break(): void {
    this.#broken = true;
    this.#clear();
  }

  #finish(out: NalAccessUnit[], discard: boolean): void {
    if (!this.#active) return;
    if (discard || this.#broken || this.#fragments.length > 0) {
      this.#dropped++;
    } else if (this.#nalUnits.length > 0) {
      out.push({ timestamp: this.#timestamp, nalUnits: this.#nalUnits });
    }
    this.#clear();
    this.#active = false;
    this.#broken = false;
  }
}
