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
 * a sender restart, handed on at once.
 */
export class PacketReorderer {
  /** Sequence number expected next; -1 before the first packet. */
  #next = -1;
  /** Held packets in sequence order, all after a gap and all of one timestamp. */
  #held: RtpPacket[] = [];

  /**
   * Takes one packet in arrival order.
   *
   * @param pkt The packet.
   * @returns The packets to depacketize now, in sequence order (possibly with gaps).
   */
  push(pkt: RtpPacket): RtpPacket[] {
    const seq = pkt.sequenceNumber & 0xffff;
    if (this.#next < 0) {
      this.#next = (seq + 1) & 0xffff;
      return [pkt];
    }
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

  /** Forgets the held packets and the sequence state (e.g. after a seek). */
  reset(): void {
    this.#next = -1;
    this.#held = [];
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
