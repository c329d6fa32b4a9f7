/**
 * AV1 RTP depacketizer (AOM AV1 RTP payload format v1.0 §4.4–§5).
 *
 * @module
 */

import type { RtpPacket } from "../../rtp/mod.ts";
import { AccessUnitAssembler } from "../_access_unit_assembler.ts";
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
 * Packets that arrive out of order are put back in RTP sequence number order, the order of the
 * OBU elements and fragments (AOM AV1 RTP §4.2, §4.4): a packet after a gap
 * waits until the gap fills, until a packet of another timestamp arrives, or until 64 wait;
 * then what is still missing counts as lost. So a reordered stream (UDP without the session's
 * reorder buffer) decodes whole, and a loss delays the temporal unit after it until the next
 * one begins.
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
  readonly #au: AccessUnitAssembler;
  readonly #readPayload = (payload: Uint8Array): boolean => this.#read(payload);

  /** @param options Memory bounds. */
  constructor(options: Av1DepacketizerOptions = {}) {
    this.#au = new AccessUnitAssembler({
      maxAccessUnitBytes: options.maxTemporalUnitBytes,
      maxNalUnitsPerAccessUnit: options.maxObusPerTemporalUnit,
    });
  }

  /** Temporal units dropped because a packet was lost, late, invalid or over the bounds. */
  get droppedTemporalUnits(): number {
    return this.#au.droppedAccessUnits;
  }

  /** Packets whose payload could not be parsed. */
  get invalidPackets(): number {
    return this.#au.invalidPackets;
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
    for (const { timestamp, nalUnits } of this.#au.push(pkt, this.#readPayload)) {
      // A temporal delimiter or tile list may also have come in fragments.
      const obus = nalUnits.filter(isKept);
      if (obus.length > 0) out.push({ timestamp, obus });
    }
    return out;
  }

  /**
   * Forgets the temporal unit in progress, the held packets and the sequence state (e.g. after
   * a seek).
   */
  reset(): void {
    this.#au.reset();
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
    if (z !== this.#au.inFragment) return false;
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
      let ok: boolean;
      if (first && z) {
        ok = this.#au.fragment(undefined, element, !(last && y));
      } else if (last && y) {
        // The OBU header byte stands where the assembler expects a NAL unit header.
        ok = isValidObu(element) &&
          this.#au.fragment(element.subarray(0, 1), element.subarray(1), false);
      } else {
        ok = isValidObu(element) && (!isKept(element) || this.#au.add(element));
      }
      if (!ok) return false;
    }
    return w === 0 || count === w;
  }
}

/** Whether the forbidden bit of the OBU header is clear. */
function isValidObu(obu: Uint8Array): boolean {
  return (obu[0]! & 0x80) === 0;
}

/** Whether a receiver keeps the OBU: temporal delimiters and tile lists are ignored (§5). */
function isKept(obu: Uint8Array): boolean {
  const type = obuType(obu[0]!);
  return type !== AV1_OBU_TYPE.TEMPORAL_DELIMITER && type !== AV1_OBU_TYPE.TILE_LIST;
}
