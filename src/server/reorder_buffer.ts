import { seqDiff } from "../rtp/mod.ts";

/** Number of slots of a {@linkcode ReorderBuffer} (SPEC §5.5). */
export const REORDER_BUFFER_SIZE = 64;

const MASK = REORDER_BUFFER_SIZE - 1;

/**
 * A 64-slot RTP reorder buffer for one inbound format over UDP (SPEC §5.5).
 *
 * - The first packet is delivered and fixes the expected sequence number.
 * - Duplicates and packets older than the last delivered one are dropped; after more than 64
 *   consecutive such packets the sender is assumed to have restarted its numbering, so the buffer
 *   resets and delivers the packet.
 * - A packet after a gap is held until the gap fills.
 * - A packet with 64 or more missing sequence numbers before it flushes everything held, in order,
 *   followed by itself; the sequence numbers not delivered are reported as lost.
 *
 * Sequence arithmetic is 16-bit and wrap-aware. The buffer allocates nothing per packet: delivered
 * packets are pushed onto an array the caller supplies.
 *
 * @typeParam T A packet; only `sequenceNumber` is read.
 *
 * @example Hold a packet until the gap before it fills
 * ```ts
 * import assert from "node:assert/strict";
 * import { ReorderBuffer } from "./reorder_buffer.ts";
 * const buffer = new ReorderBuffer<{ sequenceNumber: number }>();
 * const out: { sequenceNumber: number }[] = [];
 * buffer.push({ sequenceNumber: 10 }, out);
 * buffer.push({ sequenceNumber: 12 }, out);
 * assert.deepEqual(out.map((p) => p.sequenceNumber), [10]);
 * buffer.push({ sequenceNumber: 11 }, out);
 * assert.deepEqual(out.map((p) => p.sequenceNumber), [10, 11, 12]);
 * ```
 */
export class ReorderBuffer<T extends { readonly sequenceNumber: number }> {
  #initialized = false;
  #expected = 0;
  #slots: (T | undefined)[] = new Array(REORDER_BUFFER_SIZE).fill(undefined);
  /** Slot of the expected sequence number. */
  #head = 0;
  #held = 0;
  #oldCount = 0;

  /** Number of packets currently held back, waiting for a gap to fill. */
  get heldCount(): number {
    return this.#held;
  }

  /**
   * Takes `seq` as delivered when it is exactly the expected sequence number and nothing is held
   * back: the common case of an in-order stream, without touching the caller's output array.
   *
   * @param seq The sequence number of the received packet.
   * @returns Whether the packet was taken (deliver it); otherwise feed it to `push()`.
   */
  takeNext(seq: number): boolean {
    if (seq !== this.#expected || this.#held !== 0 || !this.#initialized) return false;
    this.#expected = (seq + 1) & 0xffff;
    this.#head = (this.#head + 1) & MASK;
    this.#oldCount = 0;
    return true;
  }

  /**
   * Feeds one packet.
   *
   * @param pkt The received packet.
   * @param out Packets ready for delivery are appended here, in sequence order.
   * @returns The number of sequence numbers given up as lost by this call (0 almost always).
   */
  push(pkt: T, out: T[]): number {
    const seq = pkt.sequenceNumber;
    if (!this.#initialized) {
      this.#initialized = true;
      this.#expected = (seq + 1) & 0xffff;
      out.push(pkt);
      return 0;
    }

    const rel = seqDiff(seq, this.#expected);

    if (rel < 0) {
      // A duplicate, or older than what was already delivered.
      if (++this.#oldCount > REORDER_BUFFER_SIZE) {
        // The sender restarted its numbering: accept the new one.
        this.#clear();
        this.#expected = (seq + 1) & 0xffff;
        out.push(pkt);
      }
      return 0;
    }
    this.#oldCount = 0;

    if (rel >= REORDER_BUFFER_SIZE) {
      // The gap cannot fill in time: give up on it and deliver everything held.
      const held = this.#held;
      if (held > 0) {
        for (let i = 0; i < REORDER_BUFFER_SIZE; i++) {
          const p = (this.#head + i) & MASK;
          const slot = this.#slots[p];
          if (slot !== undefined) {
            out.push(slot);
            this.#slots[p] = undefined;
          }
        }
        this.#held = 0;
      }
      out.push(pkt);
      this.#expected = (seq + 1) & 0xffff;
      return rel - held;
    }

    if (rel > 0) {
      const p = (this.#head + rel) & MASK;
      if (this.#slots[p] === undefined) {
        this.#slots[p] = pkt;
        this.#held++;
      }
      return 0;
    }

    // The expected packet: deliver it and every consecutive packet held after it.
    out.push(pkt);
    let head = (this.#head + 1) & MASK;
    let expected = (seq + 1) & 0xffff;
    while (this.#held > 0) {
      const slot = this.#slots[head];
      if (slot === undefined) break;
      out.push(slot);
      this.#slots[head] = undefined;
      this.#held--;
      head = (head + 1) & MASK;
      expected = (expected + 1) & 0xffff;
    }
    this.#head = head;
    this.#expected = expected;
    return 0;
  }

  /** Forgets everything, as if no packet had been seen; held packets are discarded. */
  reset(): void {
    this.#clear();
    this.#initialized = false;
    this.#oldCount = 0;
  }

  #clear(): void {
    if (this.#held > 0) this.#slots.fill(undefined);
    this.#held = 0;
    this.#oldCount = 0;
  }
}
