/**
 * MPEG-4 Audio (AAC) RTP depacketizer, RFC 3640 (AAC-hbr, AAC-lbr and other AU header layouts).
 *
 * @module
 */

import type { RtpPacket } from "../../rtp/mod.ts";
import { MAX_FRAGMENTS } from "../_access_unit_assembler.ts";
import { PacketReorderer } from "../_packet_reorderer.ts";
import { MAX_REORDER, seqDelta } from "../_packetizer_state.ts";

/** One AAC access unit and its RTP timestamp. */
export interface Mpeg4AudioUnit {
  /** RTP timestamp (sample-rate clock). */
  timestamp: number;
  /** The raw access unit; a view into the payload unless it was fragmented. */
  data: Uint8Array;
}

/** Options of {@linkcode Mpeg4AudioDepacketizer}: the fmtp AU header layout. */
export interface Mpeg4AudioDepacketizerOptions {
  /** fmtp `sizelength`; default 13. */
  sizeLength?: number;
  /** fmtp `indexlength`; default 3. */
  indexLength?: number;
  /** fmtp `indexdeltalength`; default 3. */
  indexDeltaLength?: number;
  /** Samples per access unit, to compute timestamps of aggregated units; default 1024. */
  samplesPerAccessUnit?: number;
  /** Largest fragmented access unit kept in memory; default 64 KiB. */
  maxAccessUnitBytes?: number;
}

/**
 * Extracts AAC access units from RTP packets (RFC 3640 §3.2 and §3.3.6). Never throws on bad
 * input: an invalid packet or a fragmented access unit that lost a packet is dropped and counted.
 *
 * Packets that arrive out of order are put back in RTP sequence number order, the order of the
 * fragments of an access unit (§3.2.3): a packet after a gap waits until the gap fills, until a
 * packet of another timestamp arrives, or until 64 wait; then what is still missing counts as
 * lost. So a reordered stream (UDP without the session's reorder buffer, a relay that reorders)
 * loses no access unit, and a loss delays the packet after it until the next one arrives. A
 * duplicate, or a packet later than the ones handed on, is ignored.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Mpeg4AudioDepacketizer } from "./mpeg4_audio_depacketizer.ts";
 * const d = new Mpeg4AudioDepacketizer();
 * const payload = new Uint8Array([0x00, 0x10, 0x00, 0x10, 0x21, 0x10]);
 * const units = d.depacketize({ marker: true, payloadType: 97, sequenceNumber: 1, timestamp: 5, ssrc: 1, csrc: [], paddingSize: 0, payload });
 * assert.deepEqual(units, [{ timestamp: 5, data: new Uint8Array([0x21, 0x10]) }]);
 * ```
 */
export class Mpeg4AudioDepacketizer {
  readonly #sizeLength: number;
  readonly #indexLength: number;
  readonly #indexDeltaLength: number;
  readonly #samples: number;
  readonly #maxBytes: number;
  readonly #reorderer = new PacketReorderer();
  readonly #depacketizeInOrder = (pkt: RtpPacket): Mpeg4AudioUnit[] => this.#readPacket(pkt);
  #lastSequenceNumber = -1;
  #fragments: Uint8Array[] = [];
  #fragmentBytes = 0;
  /** Fragments of the AU in progress, empty ones included (at most MAX_FRAGMENTS). */
  #fragmentCount = 0;
  #fragmentSize = 0;
  #fragmentTimestamp = 0;
  #dropped = 0;
  #invalid = 0;
  /** After a loss: fragments are ignored until a marker, their start may be lost. */
  #skipFragments = false;

  /** @param options The AU header layout from the fmtp, and memory bounds. */
  constructor(options: Mpeg4AudioDepacketizerOptions = {}) {
    this.#sizeLength = options.sizeLength ?? 13;
    this.#indexLength = options.indexLength ?? 3;
    this.#indexDeltaLength = options.indexDeltaLength ?? 3;
    this.#samples = options.samplesPerAccessUnit ?? 1024;
    this.#maxBytes = options.maxAccessUnitBytes ?? 65536;
  }

  /** Access units dropped because a fragment was lost or over the bound. */
  get droppedAccessUnits(): number {
    return this.#dropped;
  }

  /** Packets whose payload could not be parsed. */
  get invalidPackets(): number {
    return this.#invalid;
  }

  /**
   * Feeds one RTP packet.
   *
   * @param pkt An RTP packet of the format, in arrival order.
   * @returns The access units it completes.
   */
  depacketize(pkt: RtpPacket): Mpeg4AudioUnit[] {
    return this.#reorderer.depacketize(pkt, this.#depacketizeInOrder);
  }

  /**
   * Forgets the access unit in progress, the held packets and the sequence state (e.g. after a
   * seek).
   */
  reset(): void {
    this.#reorderer.reset();
    this.#lastSequenceNumber = -1;
    this.#skipFragments = false;
    this.#fragments = [];
    this.#fragmentBytes = 0;
    this.#fragmentCount = 0;
  }

  /** Reads one packet, in sequence order. */
  #readPacket(pkt: RtpPacket): Mpeg4AudioUnit[] {
    const seq = pkt.sequenceNumber & 0xffff;
    if (this.#lastSequenceNumber >= 0) {
      const diff = seqDelta(seq, this.#lastSequenceNumber);
      if (diff <= 0 && diff > -MAX_REORDER) return [];
      if (diff !== 1) {
        this.#dropFragments();
        this.#skipFragments = true;
      }
    }
    this.#lastSequenceNumber = seq;
    const units = this.#read(pkt);
    if (units === undefined) {
      this.#invalid++;
      this.#dropFragments();
      return [];
    }
    return units;
  }

  #dropFragments(): void {
    if (this.#fragmentCount > 0) this.#dropped++;
    this.#fragments = [];
    this.#fragmentBytes = 0;
    this.#fragmentCount = 0;
  }

  #read(pkt: RtpPacket): Mpeg4AudioUnit[] | undefined {
    const p = pkt.payload;
    if (p.byteLength < 2) return undefined;
    const headersBits = (p[0]! << 8) | p[1]!;
    const headersBytes = Math.ceil(headersBits / 8);
    if (2 + headersBytes > p.byteLength) return undefined;
    const sizes: number[] = [];
    let bit = 16;
    const end = 16 + headersBits;
    while (bit < end) {
      const first = sizes.length === 0;
      const need = this.#sizeLength + (first ? this.#indexLength : this.#indexDeltaLength);
      if (bit + need > end) return undefined;
      sizes.push(readBits(p, bit, this.#sizeLength));
      bit += need;
    }
    if (sizes.length === 0) return undefined;
    let offset = 2 + headersBytes;
    const data = p.subarray(offset);

    // A fragment: one AU header whose size exceeds the data (RFC 3640 §3.2.3), or a continuation.
    const isFragment = sizes.length === 1 && sizes[0]! > data.byteLength;
    if (this.#skipFragments) {
      // Every fragment, even the last, has less data than its AU size.
      if (isFragment) {
        if (pkt.marker) this.#skipFragments = false;
        return [];
      }
      this.#skipFragments = false;
    }
    if (this.#fragmentCount > 0 || isFragment) {
      if (sizes.length !== 1) return undefined;
      if (
        this.#fragmentCount > 0 &&
        (sizes[0] !== this.#fragmentSize || pkt.timestamp !== this.#fragmentTimestamp)
      ) {
        this.#dropFragments(); // the previous AU lost its last fragment
        if (sizes[0]! <= data.byteLength) return this.#read(pkt);
      }
      if (this.#fragmentCount === 0) {
        this.#fragmentSize = sizes[0]!;
        this.#fragmentTimestamp = pkt.timestamp;
      }
      // An empty fragment adds nothing to keep, but counts: a flood of them is bounded too.
      if (data.byteLength > 0) this.#fragments.push(data);
      this.#fragmentCount++;
      this.#fragmentBytes += data.byteLength;
      if (
        this.#fragmentBytes > this.#maxBytes || this.#fragmentBytes > this.#fragmentSize ||
        this.#fragmentCount > MAX_FRAGMENTS
      ) {
        this.#dropFragments();
        return [];
      }
      if (!pkt.marker && this.#fragmentBytes < this.#fragmentSize) return [];
      if (this.#fragmentBytes !== this.#fragmentSize) {
        this.#dropFragments();
        return [];
      }
      const au = new Uint8Array(this.#fragmentSize);
      let o = 0;
      for (const f of this.#fragments) {
        au.set(f, o);
        o += f.byteLength;
      }
      this.#fragments = [];
      this.#fragmentBytes = 0;
      this.#fragmentCount = 0;
      return [{ timestamp: this.#fragmentTimestamp, data: au }];
    }

    const units: Mpeg4AudioUnit[] = [];
    for (let i = 0; i < sizes.length; i++) {
      const size = sizes[i]!;
      if (offset + size > p.byteLength) return undefined;
      units.push({
        timestamp: (pkt.timestamp + i * this.#samples) >>> 0,
        data: p.subarray(offset, offset + size),
      });
      offset += size;
    }
    return units;
  }
}

/** Reads `count` (at most 16) bits starting at bit `bit`, most significant first. */
function readBits(b: Uint8Array, bit: number, count: number): number {
  let value = 0;
  for (let i = 0; i < count; i++) {
    const at = bit + i;
    value = (value << 1) | ((b[at >> 3]! >> (7 - (at & 7))) & 1);
  }
  return value;
}
