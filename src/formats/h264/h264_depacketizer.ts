/**
 * H.264 RTP depacketizer (RFC 6184, packetization-mode 0 and 1).
 *
 * @module
 */

import type { RtpPacket } from "../../rtp/mod.ts";
import { AccessUnitAssembler } from "../_access_unit_assembler.ts";
import { FU_A_HEADER_BYTES, H264_NAL_TYPE } from "./_nal.ts";

/** An H.264 access unit: its NAL units (without start codes) and RTP timestamp. */
export interface H264AccessUnit {
  /** RTP timestamp (90 kHz) shared by the packets of the access unit. */
  timestamp: number;
  /** The NAL units in decoding order; views into the packets' payloads except for FU-A. */
  nalUnits: Uint8Array[];
}

/** Options of {@linkcode H264Depacketizer}. */
export interface H264DepacketizerOptions {
  /** Largest access unit in bytes (sum of NAL unit sizes); default 8 MiB. */
  maxAccessUnitBytes?: number;
  /** Most NAL units in one access unit; default 256. */
  maxNalUnitsPerAccessUnit?: number;
}

/**
 * Reassembles H.264 access units from RTP packets (RFC 6184 §5.6 single NAL unit, §5.7.1
 * STAP-A, §5.8 FU-A).
 *
 * An access unit ends with the marker bit, or when a packet with another timestamp arrives.
 * It never throws on bad input: a lost, late or invalid packet breaks the access unit it
 * belongs to, which is dropped and counted in {@linkcode droppedAccessUnits}. Memory is
 * bounded by `maxAccessUnitBytes` and `maxNalUnitsPerAccessUnit`.
 *
 * @example Reassemble a fragmented NAL unit
 * ```ts
 * import assert from "node:assert/strict";
 * import { H264Packetizer } from "./h264_packetizer.ts";
 * import { H264Depacketizer } from "./h264_depacketizer.ts";
 * const idr = new Uint8Array(4000).fill(7);
 * idr[0] = 0x65;
 * const packets = new H264Packetizer({ payloadType: 96 }).packetize([idr], 3000);
 * const depacketizer = new H264Depacketizer();
 * const units = packets.flatMap((p) => depacketizer.depacketize(p));
 * assert.equal(units.length, 1);
 * assert.equal(units[0].timestamp, 3000);
 * assert.deepEqual(units[0].nalUnits, [idr]);
 * ```
 */
export class H264Depacketizer {
  readonly #au: AccessUnitAssembler;

  /** @param options Memory bounds. */
  constructor(options: H264DepacketizerOptions = {}) {
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
   * @param pkt An RTP packet of the H.264 format, in arrival order.
   * @returns The access units completed by this packet: usually none or one; two when an access
   *   unit without marker is followed by a one-packet access unit with marker.
   */
  depacketize(pkt: RtpPacket): H264AccessUnit[] {
    return this.#au.push(pkt, (payload) => this.#read(payload));
  }

  /** Forgets the access unit in progress and the sequence state (e.g. after a seek). */
  reset(): void {
    this.#au.reset();
  }

  /** Reads one payload into the access unit; false when it is invalid or over the bounds. */
  #read(payload: Uint8Array): boolean {
    if (payload.byteLength === 0) return false;
    const type = payload[0]! & 0x1f;
    if (type >= 1 && type <= 23) {
      return !this.#au.inFragment && this.#au.add(payload);
    }
    if (type === H264_NAL_TYPE.STAP_A) {
      return this.#au.addAggregated(payload, 1, 1);
    }
    if (type === H264_NAL_TYPE.FU_A) {
      if (payload.byteLength <= FU_A_HEADER_BYTES) return false;
      const header = payload[1]!;
      const nalHeader = (header & 0x80) !== 0
        ? new Uint8Array([(payload[0]! & 0xe0) | (header & 0x1f)])
        : undefined;
      return this.#au.fragment(
        nalHeader,
        payload.subarray(FU_A_HEADER_BYTES),
        (header & 0x40) !== 0,
      );
    }
    // 0, 30, 31 are invalid; STAP-B, MTAP and FU-B need interleaved mode, which is not supported.
    return false;
  }
}
