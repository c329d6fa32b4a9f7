/**
 * KLV RTP depacketizer (RFC 6597 §4).
 *
 * @module
 */

import type { RtpPacket } from "../../rtp/mod.ts";
import { MarkerAssembler } from "../_marker_assembler.ts";
import { PacketReorderer } from "../_packet_reorderer.ts";

/** Options of {@linkcode KlvDepacketizer}. */
export interface KlvDepacketizerOptions {
  /**
   * Largest KLV unit kept in memory; default 1 MiB, far above the metadata of a video frame
   * (a MISB ST 0601 set is a few hundred bytes).
   */
  maxUnitBytes?: number;
}

/** One KLV unit and its RTP timestamp. */
export interface KlvUnit {
  /** RTP timestamp. */
  timestamp: number;
  /** The unit's KLV items; a view of the payload when it came in one packet. */
  data: Uint8Array;
}

/**
 * Rebuilds KLV units from RTP packets ([RFC 6597 §4](https://www.rfc-editor.org/rfc/rfc6597#section-4)):
 * the payloads of consecutive packets of one timestamp, up to the one with the marker bit.
 *
 * Never throws on bad input: a unit that lost a packet, changed timestamp before its marker or
 * outgrew `maxUnitBytes` is dropped and counted in {@linkcode KlvDepacketizer.droppedUnits}
 * (RFC 6597 §4.2: a damaged unit is discarded); after a loss, packets are skipped up to the next
 * marker, as the lost one may have been a unit's start. An empty payload is counted in
 * {@linkcode KlvDepacketizer.invalidPackets}.
 *
 * Packets that arrive out of order are put back in RTP sequence number order (a packet after a
 * gap waits until the gap fills, a packet of another timestamp arrives, or 64 wait); a
 * duplicate or a packet later than the ones handed on is ignored.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { KlvDepacketizer } from "./klv_depacketizer.ts";
 * const d = new KlvDepacketizer();
 * const packet = (sequenceNumber: number, marker: boolean, payload: number[]) => ({ marker, payloadType: 96, sequenceNumber, timestamp: 90, ssrc: 1, csrc: [], paddingSize: 0, payload: new Uint8Array(payload) });
 * assert.deepEqual(d.depacketize(packet(1, false, [6, 14, 43])), []);
 * assert.deepEqual(d.depacketize(packet(2, true, [52, 1])), [{ timestamp: 90, data: new Uint8Array([6, 14, 43, 52, 1]) }]);
 * ```
 */
export class KlvDepacketizer {
  readonly #units: MarkerAssembler;
  readonly #reorderer = new PacketReorderer();
  readonly #depacketizeInOrder = (pkt: RtpPacket): KlvUnit[] => this.#read(pkt);
  #invalid = 0;

  /**
   * @param options The memory bound.
   * @throws {RangeError} When the bound is not a positive integer.
   */
  constructor(options: KlvDepacketizerOptions = {}) {
    const maxBytes = options.maxUnitBytes ?? 1024 * 1024;
    if (!Number.isInteger(maxBytes) || maxBytes <= 0) {
      throw new RangeError(`Cannot create KlvDepacketizer: invalid maxUnitBytes ${maxBytes}`);
    }
    this.#units = new MarkerAssembler(maxBytes);
  }

  /** Units dropped because a packet was lost or they outgrew the bound. */
  get droppedUnits(): number {
    return this.#units.dropped;
  }

  /** Packets with an empty payload. */
  get invalidPackets(): number {
    return this.#invalid;
  }

  /**
   * Feeds one RTP packet.
   *
   * @param pkt An RTP packet of the format, in arrival order.
   * @returns The unit it completes, if any.
   */
  depacketize(pkt: RtpPacket): KlvUnit[] {
    return this.#reorderer.depacketize(pkt, this.#depacketizeInOrder);
  }

  /**
   * Gives up what is missing at the end of the stream.
   *
   * @returns The units of the packets that waited for a missing one.
   */
  flush(): KlvUnit[] {
    const out = this.#reorderer.drain(this.#depacketizeInOrder);
    this.#units.drop();
    return out;
  }

  /** Forgets the unit in progress, the held packets and the sequence state. */
  reset(): void {
    this.#reorderer.reset();
    this.#units.reset();
  }

  #read(pkt: RtpPacket): KlvUnit[] {
    if (!this.#units.accept(pkt)) return [];
    if (pkt.payload.byteLength === 0) {
      this.#invalid++;
      this.#units.discard(pkt);
      return [];
    }
    const unit = this.#units.add(pkt);
    return unit === undefined ? [] : [unit];
  }
}
