/**
 * H.265 RTP depacketizer (RFC 7798, without DONL).
 *
 * @module
 */

import type { RtpPacket } from "../../rtp/mod.ts";
import { AccessUnitAssembler } from "../_access_unit_assembler.ts";

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
  readonly #au: AccessUnitAssembler;

  /** @param options Memory bounds. */
  constructor(options: H265DepacketizerOptions = {}) {
    this.#au = new AccessUnitAssembler(options);
  }

  /** Access units dropped because a packet was lost, late, invalid or over the bounds. */
  get droppedAccessUnits(): number {
    return this.#au.droppedAccessUnits;
  }

  /** Packets whose payload could not be parsed. */
  get invalidPackets(): number {
    return this.#au.invalidPackets;
  }

  /**
   * Feeds one RTP packet.
   *
   * @param pkt An RTP packet of the H.265 format, in arrival order.
   * @returns The access units completed by this packet: usually none or one; two when an access
   *   unit without marker is followed by a one-packet access unit with marker.
   */
  depacketize(pkt: RtpPacket): H265AccessUnit[] {
    return this.#au.push(pkt, (payload) => this.#read(payload));
  }

  /** Forgets the access unit in progress and the sequence state (e.g. after a seek). */
  reset(): void {
    this.#au.reset();
  }

  /** Reads one payload into the access unit; false when it is invalid or over the bounds. */
  #read(payload: Uint8Array): boolean {
    if (payload.byteLength < 3) return false;
    const type = (payload[0]! >> 1) & 0x3f;
    if (type < 48) {
      return !this.#au.inFragment && this.#au.add(payload);
    }
    if (type === 48) {
      return this.#au.addAggregated(payload, 2, 2);
    }
    if (type === 49) {
      if (payload.byteLength <= 3) return false;
      const header = payload[2]!;
      const nalHeader = (header & 0x80) !== 0
        ? new Uint8Array([(payload[0]! & 0x81) | ((header & 0x3f) << 1), payload[1]!])
        : undefined;
      return this.#au.fragment(nalHeader, payload.subarray(3), (header & 0x40) !== 0);
    }
    // 50 (PACI) and 51-63 (unspecified) are not supported.
    return false;
  }
}
