/**
 * H.265 RTP depacketizer (RFC 7798, without DONL).
 *
 * @module
 */

import type { RtpPacket } from "../../rtp/mod.ts";

/** An H.265 access unit: its NAL units (without start codes) and RTP timestamp. */
export interface H265AccessUnit {
  /** RTP timestamp (90 kHz) shared by the packets of the access unit. */
  timestamp: number;
  /** The NAL units in decoding order; views into the packets' payloads except for fragmented ones. */
  nalUnits: Uint8Array[];
}

/** Options of {@linkcode H265Depacketizer}. */
export interface H265DepacketizerOptions {
  /** Largest access unit in bytes (sum of NAL unit sizes); default 8 MiB. */
  maxAccessUnitBytes?: number;
  /** Most NAL units in one access unit; default 256. */
  maxNalUnitsPerAccessUnit?: number;
}

/** Late packets within this many sequence numbers are ignored; further back means a restart. */
const MAX_REORDER = 100;

/**
 * Reassembles H.265 access units from RTP packets (RFC 7798 §4.4.1 single NAL unit, §4.4.2
 * aggregation packet, §4.4.3 fragmentation unit). DONL fields (sprop-max-don-diff > 0) are not
 * supported: such packets are invalid.
 *
 * An access unit ends with the marker bit, or when a packet with another timestamp arrives.
 * It never throws on bad input: a lost, late or invalid packet breaks the access unit it
 * belongs to, which is dropped and counted in {@linkcode droppedAccessUnits}. Memory is
 * bounded by `maxAccessUnitBytes` and `maxNalUnitsPerAccessUnit`.
 *
 * @example Reassemble a fragmented NAL unit
 * ```ts
 * import assert from "node:assert/strict";
 * import { H265Packetizer } from "./h265_packetizer.ts";
 * import { H265Depacketizer } from "./h265_depacketizer.ts";
 * const idr = new Uint8Array(4000).fill(7);
 * idr.set([0x26, 0x01]);
 * const packets = new H265Packetizer({ payloadType: 96 }).packetize([idr], 3000);
 * const depacketizer = new H265Depacketizer();
 * const units = packets.flatMap((p) => depacketizer.depacketize(p));
 * assert.deepEqual(units, [{ timestamp: 3000, nalUnits: [idr] }]);
 * ```
 */
export class H265Depacketizer {
  readonly #maxBytes: number;
  readonly #maxNalUnits: number;
  #nalUnits: Uint8Array[] = [];
  #bytes = 0;
  #timestamp = 0;
  /** An access unit is in progress (some packet of it was received). */
  #active = false;
  /** The access unit in progress lost a packet or had an invalid one. */
  #broken = false;
  /** FU fragments of the NAL unit in progress (first entry: the rebuilt NAL header). */
  #fragments: Uint8Array[] = [];
  #lastSequenceNumber = -1;
  #dropped = 0;
  #invalid = 0;

  /** @param options Memory bounds. */
  constructor(options: H265DepacketizerOptions = {}) {
    this.#maxBytes = options.maxAccessUnitBytes ?? 8 * 1024 * 1024;
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

  /**
   * Feeds one RTP packet.
   *
   * @param pkt An RTP packet of the H.265 format, in arrival order.
   * @returns The access units completed by this packet: usually none or one; two when an access
   *   unit without marker is followed by a one-packet access unit with marker.
   */
  depacketize(pkt: RtpPacket): H265AccessUnit[] {
    const out: H265AccessUnit[] = [];
    const seq = pkt.sequenceNumber & 0xffff;
    if (this.#lastSequenceNumber >= 0) {
      const diff = ((seq - this.#lastSequenceNumber) << 16) >> 16;
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
    if (!this.#broken && !this.#read(pkt.payload)) {
      this.#invalid++;
      this.#break();
    }
    if (pkt.marker) this.#finish(out, false);
    return out;
  }

  /** Forgets the access unit in progress and the sequence state (e.g. after a seek). */
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
    this.#nalUnits = [];
    this.#fragments = [];
    this.#bytes = 0;
  }

  #break(): void {
    this.#broken = true;
    this.#clear();
  }

  #finish(out: H265AccessUnit[], discard: boolean): void {
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

  #add(nalu: Uint8Array): boolean {
    this.#bytes += nalu.byteLength;
    if (this.#bytes > this.#maxBytes || this.#nalUnits.length >= this.#maxNalUnits) return false;
    this.#nalUnits.push(nalu);
    return true;
  }

  /** Reads one payload into the access unit; false when it is invalid or over the bounds. */
  #read(payload: Uint8Array): boolean {
    if (payload.byteLength < 3) return false;
    const type = (payload[0]! >> 1) & 0x3f;
    if (type < 48) {
      return this.#fragments.length === 0 && this.#add(payload);
    }
    if (type === 48) {
      if (this.#fragments.length > 0) return false;
      let offset = 2;
      while (offset < payload.byteLength) {
        if (offset + 2 > payload.byteLength) return false;
        const size = (payload[offset]! << 8) | payload[offset + 1]!;
        offset += 2;
        if (size < 2 || offset + size > payload.byteLength) return false;
        if (!this.#add(payload.subarray(offset, offset + size))) return false;
        offset += size;
      }
      return true;
    }
    if (type === 49) {
      if (payload.byteLength <= 3) return false;
      const header = payload[2]!;
      const start = (header & 0x80) !== 0;
      const end = (header & 0x40) !== 0;
      const data = payload.subarray(3);
      if (start) {
        if (this.#fragments.length > 0) return false; // previous NAL unit never ended
        this.#fragments.push(
          new Uint8Array([(payload[0]! & 0x81) | ((header & 0x3f) << 1), payload[1]!]),
        );
        this.#bytes += 2;
      } else if (this.#fragments.length === 0) {
        return false; // continuation without start
      }
      this.#bytes += data.byteLength;
      if (this.#bytes > this.#maxBytes) return false;
      this.#fragments.push(data);
      if (!end) return true;
      let size = 0;
      for (const f of this.#fragments) size += f.byteLength;
      const nalu = new Uint8Array(size);
      let offset = 0;
      for (const f of this.#fragments) {
        nalu.set(f, offset);
        offset += f.byteLength;
      }
      this.#fragments = [];
      this.#bytes -= size;
      return this.#add(nalu);
    }
    // 50 (PACI) and 51-63 (unspecified) are not supported.
    return false;
  }
}
