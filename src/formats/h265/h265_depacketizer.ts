/**
 * H.265 RTP depacketizer (RFC 7798).
 *
 * @module
 */

import type { RtpPacket } from "../../rtp/mod.ts";
import { AccessUnitAssembler } from "../_access_unit_assembler.ts";
import { DEFAULT_MAX_FRAME_BYTES } from "../_packetizer_state.ts";
import { DonlDepacketizer } from "./_donl_depacketizer.ts";

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
  /**
   * sprop-max-don-diff of the stream (RFC 7798 §7.1), 0 to 32767; default 0. Above 0 the
   * payloads carry DONL and DOND fields, and NAL units are put in decoding order by their DON
   * (§6); pass the `maxDonDiff` of the stream's `H265Format`.
   */
  maxDonDiff?: number;
  /**
   * sprop-depack-buf-nalus of the stream (RFC 7798 §7.1), 0 to 32767: with `maxDonDiff` above
   * 0, the de-packetization buffer lets a NAL unit out while it holds more than this many.
   * When absent only the DON span and the memory bounds let units out (a sender that signals
   * sprop-max-don-diff alone would otherwise get no reordering from the default of 0).
   */
  depackBufNalus?: number;
}

/** Checks an sprop parameter given as an option: an integer from 0 to 32767. */
function checkSprop(name: string, value: number | undefined): void {
  if (value !== undefined && (!Number.isInteger(value) || value < 0 || value > 32767)) {
    throw new RangeError(
      `Cannot create H265Depacketizer: ${name} must be an integer from 0 to 32767, got ${value}`,
    );
  }
}

/**
 * Reassembles H.265 access units from RTP packets (RFC 7798 §4.4.1 single NAL unit, §4.4.2
 * aggregation packet, §4.4.3 fragmentation unit).
 *
 * With `maxDonDiff` above 0 the payloads carry decoding order numbers: the DONL field of single
 * NAL unit packets, of aggregation packets (then DOND before each further NAL unit) and of the
 * first fragment of a fragmentation unit. Packets are first put back in RTP sequence number
 * order, as below, so that the fragments of a NAL unit join in order (§4.4.3); then NAL units go
 * through a de-packetization buffer (§6) and leave it smallest DON first. An access unit is the
 * run of NAL units with one RTP timestamp and is output when the next one starts to leave the
 * buffer, or on {@linkcode flush}. A lost or invalid packet drops the access units with a NAL
 * unit in the buffer at that moment.
 *
 * Otherwise (no DONL) packets that arrive out of order are put back in RTP sequence number
 * order, the order of the NAL units and of the fragments (§4.4.3): a packet after a gap waits
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
  readonly #donl: DonlDepacketizer | undefined;
  readonly #readPayload = (payload: Uint8Array): boolean => this.#read(payload);

  /**
   * @param options Memory bounds, sprop-max-don-diff and sprop-depack-buf-nalus.
   * @throws {RangeError} When `maxDonDiff` or `depackBufNalus` is not an integer from 0 to 32767.
   */
  constructor(options: H265DepacketizerOptions = {}) {
    this.#au = new AccessUnitAssembler(options);
    checkSprop("maxDonDiff", options.maxDonDiff);
    checkSprop("depackBufNalus", options.depackBufNalus);
    if ((options.maxDonDiff ?? 0) > 0) {
      this.#donl = new DonlDepacketizer({
        maxDonDiff: options.maxDonDiff!,
        depackBufNalus: options.depackBufNalus,
        maxAccessUnitBytes: options.maxAccessUnitBytes ?? DEFAULT_MAX_FRAME_BYTES,
        maxNalUnitsPerAccessUnit: options.maxNalUnitsPerAccessUnit ?? 256,
      });
    }
  }

  /** Access units dropped because a packet was lost, late, invalid or over the bounds. */
  get droppedAccessUnits(): number {
    return (this.#donl ?? this.#au).droppedAccessUnits;
  }

  /** Packets whose payload could not be parsed. */
  get invalidPackets(): number {
    return (this.#donl ?? this.#au).invalidPackets;
  }

  /**
   * Feeds one RTP packet.
   *
   * @param pkt An RTP packet of the H.265 format, in arrival order.
   * @returns The access units completed by this packet: usually none or one; two when an access
   *   unit without marker is followed by a one-packet access unit with marker.
   */
  depacketize(pkt: RtpPacket): H265AccessUnit[] {
    if (this.#donl !== undefined) return this.#donl.depacketize(pkt);
    return this.#au.push(pkt, this.#readPayload);
  }

  /**
   * Outputs what is still buffered at the end of the stream: the packets waiting behind a gap
   * (the missing ones are lost), then with DONL the NAL units in the de-packetization buffer, in
   * DON order, and otherwise the access unit in progress when no packet of it was lost.
   *
   * @returns The access units completed.
   */
  flush(): H265AccessUnit[] {
    if (this.#donl !== undefined) return this.#donl.flush();
    return this.#au.flush(this.#readPayload);
  }

  /**
   * Forgets the access unit in progress, the packets waiting behind a gap and the sequence state
   * (e.g. after a seek).
   */
  reset(): void {
    this.#au.reset();
    this.#donl?.reset();
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
