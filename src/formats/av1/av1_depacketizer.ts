/**
 * AV1 RTP depacketizer (AOM AV1 RTP payload format v1.0 §4.4–§5).
 *
 * @module
 */

import type { RtpPacket } from "../../rtp/mod.ts";
import { seqDelta } from "../_packetizer_state.ts";
import { AV1_OBU_TYPE, obuType, readLeb128 } from "./_obu.ts";

/** An AV1 temporal unit: its OBUs and RTP timestamp. */
export interface Av1TemporalUnit {
  /** RTP timestamp (90 kHz) shared by the packets of the temporal unit. */
  timestamp: number;
  /**
   * The OBUs in decoding order, as sent (normally without obu_size fields; see
   * {@linkcode joinAv1Bitstream} for a decoder); views into the packets' payloads except for
   * fragmented OBUs. Temporal delimiters and tile lists are left out.
   */
  obus: Uint8Array[];
}

/** Options of {@linkcode Av1Depacketizer}. */
export interface Av1DepacketizerOptions {
  /** Largest temporal unit in bytes (sum of OBU sizes); default 8 MiB. */
  maxTemporalUnitBytes?: number;
  /** Most OBUs in one temporal unit; default 256. */
  maxObusPerTemporalUnit?: number;
}

/** Late packets within this many sequence numbers are ignored; further back means a restart. */
const MAX_REORDER = 100;

/**
 * Reassembles AV1 temporal units from RTP packets: reads the aggregation header and OBU
 * elements (§4.4, §4.5), joins OBU fragments across packets, and ignores temporal delimiter
 * and tile list OBUs (§5).
 *
 * A temporal unit ends with the marker bit, or when a packet with another timestamp arrives
 * (§4.2). It never throws on bad input: a lost, late or invalid packet breaks the temporal unit
 * it belongs to, which is dropped and counted in {@linkcode droppedTemporalUnits}. Memory is
 * bounded by `maxTemporalUnitBytes` and `maxObusPerTemporalUnit`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Av1Depacketizer } from "./av1_depacketizer.ts";
 * const payload = new Uint8Array([0x10, 0x30, 0xaa, 0xbb]); // W=1: one frame OBU
 * const out = new Av1Depacketizer().depacketize({ marker: true, payloadType: 96, sequenceNumber: 1, timestamp: 9, ssrc: 1, csrc: [], paddingSize: 0, payload });
 * assert.deepEqual(out, [{ timestamp: 9, obus: [new Uint8Array([0x30, 0xaa, 0xbb])] }]);
 * ```
 */
export class Av1Depacketizer {
  readonly #maxBytes: number;
  readonly #maxObus: number;
  #obus: Uint8Array[] = [];
  #bytes = 0;
  #timestamp = 0;
  /** A temporal unit is in progress (some packet of it was received). */
  #active = false;
  /** The temporal unit in progress lost a packet or had an invalid one. */
  #broken = false;
  /** Fragments of the OBU that continues in the next packet (Y=1). */
  #fragments: Uint8Array[] = [];
  #lastSequenceNumber = -1;
  #dropped = 0;
  #invalid = 0;

  /** @param options Memory bounds. */
  constructor(options: Av1DepacketizerOptions = {}) {
    this.#maxBytes = options.maxTemporalUnitBytes ?? 8 * 1024 * 1024;
    this.#maxObus = options.maxObusPerTemporalUnit ?? 256;
  }

  /** Temporal units dropped because a packet was lost, late, invalid or over the bounds. */
  get droppedTemporalUnits(): number {
    return this.#dropped;
  }

  /** Packets whose payload could not be parsed. */
  get invalidPackets(): number {
    return this.#invalid;
  }

  /**
   * Feeds one RTP packet.
   *
   * @param pkt An RTP packet of the AV1 format, in arrival order.
   * @returns The temporal units completed by this packet: usually none or one; two when a
   *   temporal unit without marker is followed by a one-packet temporal unit with marker.
   */
  depacketize(pkt: RtpPacket): Av1TemporalUnit[] {
    const out: Av1TemporalUnit[] = [];
    const seq = pkt.sequenceNumber & 0xffff;
    if (this.#lastSequenceNumber >= 0) {
      const diff = seqDelta(seq, this.#lastSequenceNumber);
      if (diff <= 0 && diff > -MAX_REORDER) return out; // duplicate or late: already counted as loss
      if (diff !== 1) {
        // Loss (or a restart of the sender): what is buffered and the packet's own temporal
        // unit may both miss packets.
        if (this.#active && pkt.timestamp !== this.#timestamp) this.#finish(out, true);
        if (!this.#active) this.#begin(pkt.timestamp);
        this.#break();
      }
    }
    this.#lastSequenceNumber = seq;

    if (this.#active && pkt.timestamp !== this.#timestamp) this.#finish(out, false);
    if (!this.#active) this.#begin(pkt.timestamp);
    if (!this.#broken && !this.#read(pkt.payload)) {
      this.#invalid++;
      this.#break();
    }
    if (pkt.marker) this.#finish(out, false);
    return out;
  }

  /** Forgets the temporal unit in progress and the sequence state (e.g. after a seek). */
  reset(): void {
    this.#clear();
    this.#active = false;
    this.#lastSequenceNumber = -1;
  }

  #begin(timestamp: number): void {
    this.#clear();
    this.#active = true;
    this.#broken = false;
    this.#timestamp = timestamp;
  }

  #clear(): void {
    this.#obus = [];
    this.#fragments = [];
    this.#bytes = 0;
  }

  #break(): void {
    this.#broken = true;
    this.#clear();
  }

  #finish(out: Av1TemporalUnit[], discard: boolean): void {
    if (!this.#active) return;
    if (discard || this.#broken || this.#fragments.length > 0) {
      this.#dropped++;
    } else if (this.#obus.length > 0) {
      out.push({ timestamp: this.#timestamp, obus: this.#obus });
    }
    this.#clear();
    this.#active = false;
    this.#broken = false;
  }

  /** Adds a complete OBU; false when it is empty or over the bounds. */
  #add(obu: Uint8Array): boolean {
    if (obu.byteLength === 0 || obu[0]! & 0x80) return false; // forbidden bit
    const type = obuType(obu[0]!);
    if (type === AV1_OBU_TYPE.TEMPORAL_DELIMITER || type === AV1_OBU_TYPE.TILE_LIST) return true;
    this.#bytes += obu.byteLength;
    if (this.#bytes > this.#maxBytes || this.#obus.length >= this.#maxObus) return false;
    this.#obus.push(obu);
    return true;
  }

  /** Reads one payload into the temporal unit; false when it is invalid or over the bounds. */
  #read(payload: Uint8Array): boolean {
    const n = payload.byteLength;
    if (n < 2) return false;
    const header = payload[0]!;
    const z = (header & 0x80) !== 0;
    const y = (header & 0x40) !== 0;
    const w = (header >> 4) & 0x03;
    // A continuation must follow a fragment, and a fragment must be continued.
    if (z !== (this.#fragments.length > 0)) return false;
    let offset = 1;
    let count = 0;
    while (offset < n) {
      let end = n;
      if (w === 0 || count < w - 1) {
        const length = readLeb128(payload, offset, n);
        if (length === undefined) return false;
        offset += length.length;
        end = offset + length.value;
        if (end > n) return false;
      }
      if (end === offset) return false;
      const element = payload.subarray(offset, end);
      offset = end;
      const first = count++ === 0;
      const last = offset === n;
      if (first && z) {
        if (!this.#continueFragment(element, last && y)) return false;
      } else if (last && y) {
        this.#bytes += element.byteLength;
        if (this.#bytes > this.#maxBytes) return false;
        this.#fragments.push(element);
      } else if (!this.#add(element)) {
        return false;
      }
    }
    return w === 0 || count === w;
  }

  /** Appends a continuation; when it is the end of the OBU, adds the joined OBU. */
  #continueFragment(element: Uint8Array, continues: boolean): boolean {
    this.#bytes += element.byteLength;
    if (this.#bytes > this.#maxBytes) return false;
    this.#fragments.push(element);
    if (continues) return true;
    let size = 0;
    for (const f of this.#fragments) size += f.byteLength;
    const obu = new Uint8Array(size);
    let o = 0;
    for (const f of this.#fragments) {
      obu.set(f, o);
      o += f.byteLength;
    }
    this.#fragments = [];
    this.#bytes -= size;
    return this.#add(obu);
  }
}
