/**
 * Receiver state shared by the depacketizers of formats whose payload has no header, so that
 * only the marker bit tells where a unit ends (KLV, MPEG-4 Audio LATM).
 *
 * @internal
 * @module
 */

import { concat } from "../bytes/mod.ts";
import type { RtpPacket } from "../rtp/mod.ts";
import { MAX_FRAGMENTS } from "./_access_unit_assembler.ts";

/** The payloads of a marker-terminated run of packets and their RTP timestamp. */
export interface MarkedUnit {
  /** RTP timestamp of the unit's packets. */
  timestamp: number;
  /** The joined payloads; a view of the payload when the unit came in one packet. */
  data: Uint8Array;
}

/**
 * Joins the payloads of consecutive packets of one timestamp up to the one with the marker bit,
 * for packets in sequence order (behind a {@linkcode PacketReorderer}). A unit that lost a
 * packet, changed timestamp before its marker or grew over the bounds (bytes, or
 * {@linkcode MAX_FRAGMENTS} packets) is dropped and counted; after a loss, packets are skipped
 * up to the next marker, as the lost one may have been a unit's start.
 */
export class MarkerAssembler {
  readonly #maxBytes: number;
  #lastSequenceNumber = -1;
  #parts: Uint8Array[] = [];
  #size = 0;
  #timestamp = 0;
  /** After a loss: packets are skipped up to the next marker, their start may be lost. */
  #skipping = false;
  #dropped = 0;

  /** @param maxBytes Largest unit kept in memory. */
  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  /** Units dropped because a packet was lost or they outgrew the bound. */
  get dropped(): number {
    return this.#dropped;
  }

  /**
   * Takes a packet's sequence number: a gap drops the unit in progress and skips to the next
   * marker.
   *
   * @returns False while skipping, when the caller ignores the packet.
   */
  accept(pkt: RtpPacket): boolean {
    const seq = pkt.sequenceNumber & 0xffff;
    if (this.#lastSequenceNumber >= 0 && seq !== ((this.#lastSequenceNumber + 1) & 0xffff)) {
      this.drop();
      this.#skipping = true;
    }
    this.#lastSequenceNumber = seq;
    if (this.#skipping) {
      if (pkt.marker) this.#skipping = false;
      return false;
    }
    return true;
  }

  /**
   * Adds the payload of an accepted packet.
   *
   * @returns The unit the packet's marker completes, if any.
   */
  add(pkt: RtpPacket): MarkedUnit | undefined {
    if (this.#parts.length > 0 && pkt.timestamp !== this.#timestamp) {
      this.drop(); // the unit in progress never got its marker
    }
    if (this.#parts.length === 0) this.#timestamp = pkt.timestamp;
    this.#parts.push(pkt.payload);
    this.#size += pkt.payload.byteLength;
    if (this.#size > this.#maxBytes || this.#parts.length > MAX_FRAGMENTS) {
      this.discard(pkt);
      return undefined;
    }
    if (!pkt.marker) return undefined;
    const data = this.#parts.length === 1 ? this.#parts[0]! : concat(this.#parts);
    this.#parts = [];
    this.#size = 0;
    return { timestamp: this.#timestamp, data };
  }

  /** Drops the unit in progress for an accepted packet found bad, skipping to the next marker. */
  discard(pkt: RtpPacket): void {
    this.drop();
    this.#skipping = !pkt.marker;
  }

  /** Forgets the unit in progress, without counting it, and the sequence state. */
  reset(): void {
    this.#lastSequenceNumber = -1;
    this.#parts = [];
    this.#size = 0;
    this.#skipping = false;
  }

  /** Drops the unit in progress, counting it if it had data. */
  drop(): void {
    if (this.#parts.length > 0) this.#dropped++;
    this.#parts = [];
    this.#size = 0;
  }
}
