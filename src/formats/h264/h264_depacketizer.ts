/**
 * H.264 RTP depacketizer (RFC 6184, packetization-mode 0, 1 and 2).
 *
 * @module
 */

import type { RtpPacket } from "../../rtp/mod.ts";
import { AccessUnitAssembler } from "../_access_unit_assembler.ts";
import { DEFAULT_MAX_FRAME_BYTES } from "../_packetizer_state.ts";
import { InterleavedDepacketizer } from "./_interleaved_depacketizer.ts";
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
  /**
   * RFC 6184 §6.2 packetization-mode of the stream; default 1. Mode 2 (interleaved) reads
   * STAP-B, MTAP16, MTAP24 and FU-B and reorders NAL units by DON; modes 0 and 1 read single
   * NAL unit packets, STAP-A and FU-A.
   */
  packetizationMode?: number;
  /**
   * sprop-interleaving-depth (RFC 6184 §8.1) in mode 2: how many VCL NAL units may precede one
   * in transmission order and follow it in decoding order; default 16. The buffer holds one
   * more VCL NAL unit than this before it lets one out.
   */
  interleavingDepth?: number;
}

/**
 * Reassembles H.264 access units from RTP packets (RFC 6184 §5.6 single NAL unit, §5.7.1
 * STAP-A, §5.8 FU-A; in interleaved mode §5.7.1 STAP-B, §5.7.2 MTAP16/MTAP24, §5.8 FU-B).
 *
 * In interleaved mode (`packetizationMode: 2`) packets are first put back in RTP sequence number
 * order, as below, so that the fragments of a NAL unit join in order (§5.8); then NAL units go
 * through a de-interleaving buffer (§7.2.2) and leave it in DON order. An access unit is the run
 * of NAL units with one NALU-time and is output when the next one starts to leave the buffer, or
 * on {@linkcode flush}. A lost or invalid packet drops the access units with a NAL unit in the
 * buffer at that moment.
 *
 * Otherwise (modes 0 and 1) packets that arrive out of order are put back in RTP sequence number
 * order, the order of the NAL units and of the FU-A fragments (§5.5): a packet after a gap waits
 * until the gap fills, until a packet of another timestamp arrives, or until 64 wait; then what
 * is still missing counts as lost. So an access unit reordered within itself or across its
 * boundary (UDP without the session's reorder buffer, a relay that reorders) decodes whole, and
 * a loss delays the access unit after it until the next one begins.
 *
 * An access unit ends with the marker bit, or when a packet with another timestamp arrives.
 * It never throws on bad input: a lost or invalid packet breaks the access unit it belongs to,
 * which is dropped and counted in {@linkcode droppedAccessUnits}; a duplicate, or a packet
 * later than the ones handed on, is ignored. Memory is bounded by `maxAccessUnitBytes` and
 * `maxNalUnitsPerAccessUnit`.
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
  readonly #interleaved: InterleavedDepacketizer | undefined;
  readonly #readPayload = (payload: Uint8Array): boolean => this.#read(payload);

  /**
   * @param options Memory bounds, packetization mode and interleaving depth.
   * @throws {RangeError} When `interleavingDepth` is not an integer from 0 to 65535.
   */
  constructor(options: H264DepacketizerOptions = {}) {
    this.#au = new AccessUnitAssembler(options);
    if (options.packetizationMode === 2) {
      const depth = options.interleavingDepth ?? 16;
      if (!Number.isInteger(depth) || depth < 0 || depth > 65535) {
        throw new RangeError(
          "Cannot create H264Depacketizer: interleavingDepth must be an integer from 0 to " +
            `65535, got ${depth}`,
        );
      }
      this.#interleaved = new InterleavedDepacketizer({
        interleavingDepth: depth,
        maxAccessUnitBytes: options.maxAccessUnitBytes ?? DEFAULT_MAX_FRAME_BYTES,
        maxNalUnitsPerAccessUnit: options.maxNalUnitsPerAccessUnit ?? 256,
      });
    }
  }

  /** Access units dropped because a packet was lost, late, invalid or over the bounds. */
  get droppedAccessUnits(): number {
    return (this.#interleaved ?? this.#au).droppedAccessUnits;
  }

  /** Packets whose payload could not be parsed. */
  get invalidPackets(): number {
    return (this.#interleaved ?? this.#au).invalidPackets;
  }

  /**
   * Feeds one RTP packet.
   *
   * @param pkt An RTP packet of the H.264 format, in arrival order.
   * @returns The access units completed by this packet: usually none or one; two when an access
   *   unit without marker is followed by a one-packet access unit with marker.
   */
  depacketize(pkt: RtpPacket): H264AccessUnit[] {
    if (this.#interleaved !== undefined) return this.#interleaved.depacketize(pkt);
    return this.#au.push(pkt, this.#readPayload);
  }

  /**
   * Outputs what is still buffered at the end of the stream: the packets waiting behind a gap
   * (the missing ones are lost), then in interleaved mode the NAL units in the de-interleaving
   * buffer, in DON order, and otherwise the access unit in progress when no packet of it was
   * lost.
   *
   * @returns The access units completed.
   */
  flush(): H264AccessUnit[] {
    if (this.#interleaved !== undefined) return this.#interleaved.flush();
    return this.#au.flush(this.#readPayload);
  }

  /**
   * Forgets the access unit in progress, the packets waiting behind a gap and the sequence state
   * (e.g. after a seek).
   */
  reset(): void {
    this.#au.reset();
    this.#interleaved?.reset();
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
      // The FU payload may be empty (§5.8).
      if (payload.byteLength < FU_A_HEADER_BYTES) return false;
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
    // 0, 30, 31 are invalid; STAP-B, MTAP and FU-B only come in interleaved mode (§6.3).
    return false;
  }
}
