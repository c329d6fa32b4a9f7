/**
 * Receiver state shared by the depacketizers of formats that split a frame into a run of
 * packets with start and end flags (VP8, VP9).
 *
 * @internal
 * @module
 */

import { concat } from "../bytes/mod.ts";
import { MAX_FRAGMENTS } from "./_access_unit_assembler.ts";
import { MAX_REORDER, seqDelta } from "./_packetizer_state.ts";

/** A reassembled frame and its RTP timestamp. */
export interface AssembledFrame {
  /** RTP timestamp of the frame's packets. */
  timestamp: number;
  /** The frame; a view of the payload when it came in one packet. */
  frame: Uint8Array;
}

/**
 * Joins the data of consecutive packets from a start packet to an end packet. A sequence gap,
 * a timestamp change or a frame over the bounds (bytes, or {@linkcode MAX_FRAGMENTS} packets)
 * drops the frame in progress and counts it.
 */
export class FrameAssembler {
  readonly #maxBytes: number;
  #parts: Uint8Array[] = [];
  #size = 0;
  #timestamp = 0;
  #lastSequenceNumber = -1;
  #dropped = 0;

  /** @param maxBytes Largest frame kept in memory. */
  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  /** Frames dropped because a packet was lost, late, invalid or over the bound. */
  get dropped(): number {
    return this.#dropped;
  }

  /**
   * Takes a packet's sequence number; a gap drops the frame in progress.
   *
   * @returns False for a duplicate or late packet, which the caller ignores.
   */
  accept(sequenceNumber: number): boolean {
    const seq = sequenceNumber & 0xffff;
    if (this.#lastSequenceNumber >= 0) {
      const diff = seqDelta(seq, this.#lastSequenceNumber);
      if (diff <= 0 && diff > -MAX_REORDER) return false;
      if (diff !== 1) this.drop();
    }
    this.#lastSequenceNumber = seq;
    return true;
  }

  /**
   * Adds the data of an accepted packet.
   *
   * @param data The packet's frame data.
   * @param timestamp The packet's RTP timestamp.
   * @param start The packet starts a frame.
   * @param end The packet ends the frame.
   * @returns The frame the packet completes, if any.
   */
  push(data: Uint8Array, timestamp: number, start: boolean, end: boolean): AssembledFrame[] {
    if (start) {
      this.drop();
      this.#timestamp = timestamp;
      this.#parts = [data];
      this.#size = data.byteLength;
    } else {
      if (this.#parts.length === 0) return []; // the start was lost: already counted
      if (timestamp !== this.#timestamp) {
        this.drop();
        return [];
      }
      this.#parts.push(data);
      this.#size += data.byteLength;
    }
    if (this.#size > this.#maxBytes || this.#parts.length > MAX_FRAGMENTS) {
      this.drop();
      return [];
    }
    if (!end) return [];
    const parts = this.#parts;
    this.#parts = [];
    if (parts.length === 1) return [{ timestamp: this.#timestamp, frame: parts[0]! }];
    return [{ timestamp: this.#timestamp, frame: concat(parts) }];
  }

  /** Forgets the frame in progress, without counting it, and the sequence state. */
  reset(): void {
    this.#parts = [];
    this.#size = 0;
    this.#lastSequenceNumber = -1;
  }

  /** Drops the frame in progress, counting it if it had data. */
  drop(): void {
    if (this.#parts.length > 0) this.#dropped++;
    this.#parts = [];
    this.#size = 0;
  }
}
