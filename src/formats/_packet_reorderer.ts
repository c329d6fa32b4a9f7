/**
 * A small reorder stage in front of a depacketizer: packets of one frame that arrive out of
 * sequence order are held and handed on in order (RFC 3550 §5.1: the receiver restores the
 * packet sequence from the sequence numbers).
 *
 * @internal
 * @module
 */

import type { RtpPacket } from "../rtp/mod.ts";
import { MAX_REORDER, seqDelta } from "./_packetizer_state.ts";

/** Most packets held while a missing one is awaited. */
export const MAX_HELD_PACKETS = 64;

/**
 * Puts the packets of one frame (one RTP timestamp) back in sequence order.
 *
 * A packet after a gap is held until the gap fills. The wait is bounded: the missing packet is
 * given up, and the held ones are handed on with the gap left in place for the depacketizer to
 * count, as soon as a packet with another timestamp than the held ones arrives (the frame after
 * the gap is over, so a packet that is still missing is lost rather than late), or more than
 * {@linkcode MAX_HELD_PACKETS} are held. So reordering within a frame, and across the boundary
 * of two frames, costs nothing; a loss delays the frame after it until the next one starts.
 * Duplicates and late packets (behind the next expected one by less than
 * {@linkcode MAX_REORDER}) are dropped; a jump of {@linkcode MAX_REORDER} or more either way is
 * a sender restart, handed on at once. The next expected packet, with none held, is handed on
 * without an allocation and the packets are never copied.
 */
export class PacketReorderer {
  /** Sequence number expected next; -1 before the first packet. */
  #next = -1;
  /** Held packets in sequence order, all after a gap and all of one timestamp. */
  #held: RtpPacket[] = [];
  /** The answer of the in-order path, reused so that a packet in order allocates nothing. */
  readonly #single: RtpPacket[] = [];

  /**
   * Takes one packet in arrival order.
   *
   * @param pkt The packet.
   * @returns The packets to depacketize now, in sequence order (possibly with gaps). The array
   *   is valid until the next call: a packet in order comes back in the same array every time.
   */
  push(pkt: RtpPacket): readonly RtpPacket[] {
    const seq = pkt.sequenceNumber & 0xffff;
    if ((seq === this.#next || this.#next < 0) && this.#held.length === 0) {
      // The common case: the next packet, with nothing waiting.
      this.#next = (seq + 1) & 0xffff;
      this.#single[0] = pkt;
      return this.#single;
    }
    return this.#reorder(pkt, seq);
  }

  /**
   * Takes one packet in arrival order and depacketizes the packets that are ready.
   *
   * @param pkt The packet.
   * @param depacketizeInOrder Depacketizes one packet, in sequence order; kept in a field by
   *   the caller so that a packet in order allocates nothing here.
   * @returns What `depacketizeInOrder` returned for the ready packets, in order.
   */
  depacketize<T>(pkt: RtpPacket, depacketizeInOrder: (pkt: RtpPacket) => T[]): T[] {
    const ready = this.push(pkt);
    if (ready.length === 1) return depacketizeInOrder(ready[0]!);
    return depacketizeAll(ready, depacketizeInOrder);
  }

  /**
   * Gives up what is missing at the end of the stream and depacketizes the held packets.
   *
   * @param depacketizeInOrder Depacketizes one packet, in sequence order.
   * @returns What `depacketizeInOrder` returned for the held packets, in order.
   */
  drain<T>(depacketizeInOrder: (pkt: RtpPacket) => T[]): T[] {
    return depacketizeAll(this.#release(), depacketizeInOrder);
  }

  /** Forgets the held packets and the sequence state (e.g. after a seek). */
  reset(): void {
    this.#next = -1;
    this.#held = [];
    this.#single.length = 0;
  }

  /** The slow path: a gap, a packet that fills one, a late packet or a restart. */
  #reorder(pkt: RtpPacket, seq: number): RtpPacket[] {
    let out: RtpPacket[] = [];
    let diff = seqDelta(seq, this.#next);
    if (diff <= -MAX_REORDER || diff >= MAX_REORDER) {
      out = this.#release();
      this.#next = (seq + 1) & 0xffff;
      out.push(pkt);
      return out;
    }
    if (diff < 0) return out; // late or duplicate: its place has been handed on
    if (diff > 0 && this.#held.length > 0 && this.#held[0]!.timestamp !== pkt.timestamp) {
      // A packet of another frame: what is missing before the held ones is lost.
      out = this.#release();
      diff = seqDelta(seq, this.#next);
      if (diff < 0) return out; // it fell among the held packets: out of place, dropped
    }
    if (diff === 0) {
      out.push(pkt);
      this.#next = (seq + 1) & 0xffff;
      // The gap filled: hand on the held packets that now follow without a gap.
      while (this.#held.length > 0 && (this.#held[0]!.sequenceNumber & 0xffff) === this.#next) {
        out.push(this.#held.shift()!);
        this.#next = (this.#next + 1) & 0xffff;
      }
      return out;
    }
    this.#hold(pkt, diff);
    if (this.#held.length > MAX_HELD_PACKETS) out.push(...this.#release());
    return out;
  }

  /** Inserts a packet `diff` places after the next expected one, ignoring a duplicate. */
  #hold(pkt: RtpPacket, diff: number): void {
    let i = this.#held.length;
    while (i > 0) {
      const d = seqDelta(this.#held[i - 1]!.sequenceNumber & 0xffff, this.#next);
      if (d === diff) return;
      if (d < diff) break;
      i--;
    }
    this.#held.splice(i, 0, pkt);
  }

  /** Gives up what is missing: hands on every held packet, in order. */
  #release(): RtpPacket[] {
    const out = this.#held;
    this.#held = [];
    if (out.length > 0) this.#next = (out[out.length - 1]!.sequenceNumber + 1) & 0xffff;
    return out;
  }
}

/** Depacketizes several packets in order and joins what they give. */
function depacketizeAll<T>(
  packets: readonly RtpPacket[],
  depacketizeInOrder: (pkt: RtpPacket) => T[],
): T[] {
  const out: T[] = [];
  for (const p of packets) {
    for (const x of depacketizeInOrder(p)) out.push(x);
  }
  return out;
}
