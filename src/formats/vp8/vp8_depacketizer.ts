/**
 * VP8 RTP depacketizer (RFC 7741 §4).
 *
 * @module
 */

import type { RtpPacket } from "../../rtp/mod.ts";
import { FrameAssembler } from "../_frame_assembler.ts";
import { PacketReorderer } from "../_packet_reorderer.ts";
import { DEFAULT_MAX_FRAME_BYTES } from "../_packetizer_state.ts";

/** A VP8 frame and its RTP timestamp. */
export interface Vp8Frame {
  /** RTP timestamp (90 kHz). */
  timestamp: number;
  /** The frame; a view of the payload when it came in one packet. */
  frame: Uint8Array;
}

/** Options of {@linkcode Vp8Depacketizer}. */
export interface Vp8DepacketizerOptions {
  /** Largest frame kept in memory; default 8 MiB. */
  maxFrameBytes?: number;
}

/**
 * Reassembles VP8 frames from RTP packets: a frame starts with S=1 and PID=0 and ends with the
 * marker bit (RFC 7741 §4.2, §4.5). Never throws: a frame that lost a packet, or an invalid
 * payload descriptor, is dropped and counted.
 *
 * Packets that arrive out of order are put back in RTP sequence number order, the order of a
 * frame's partitions across its packets (§4.5): a packet after a gap waits until the gap fills,
 * until a packet of another timestamp arrives, or until 64 wait; then what is still missing
 * counts as lost and the frame it belongs to is dropped. So a frame reordered within itself or
 * across its boundary (UDP without the session's reorder buffer, a relay that reorders) decodes
 * whole, and a loss delays the frame after it until the next one begins. A duplicate, or a
 * packet later than the ones handed on, is ignored.
 *
 * ```
 * X R N S R PID(3) | [I L T K RSV(4)] | [M PictureID(7|15)] | [TL0PICIDX(8)] | [TID(2) Y KEYIDX(5)]
 * ```
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Vp8Depacketizer } from "./vp8_depacketizer.ts";
 * const payload = new Uint8Array([0x90, 0x80, 0x05, 0xaa]); // X, S; I; PictureID 5
 * const out = new Vp8Depacketizer().depacketize({ marker: true, payloadType: 96, sequenceNumber: 1, timestamp: 9, ssrc: 1, csrc: [], paddingSize: 0, payload });
 * assert.deepEqual(out, [{ timestamp: 9, frame: new Uint8Array([0xaa]) }]);
 * ```
 */
export class Vp8Depacketizer {
  readonly #frames: FrameAssembler;
  readonly #reorderer = new PacketReorderer();
  readonly #depacketizeInOrder = (pkt: RtpPacket): Vp8Frame[] => this.#readPacket(pkt);
  #invalid = 0;

  /** @param options Memory bound. */
  constructor(options: Vp8DepacketizerOptions = {}) {
    this.#frames = new FrameAssembler(options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES);
  }

  /** Frames dropped because a packet was lost or the frame was over the bound. */
  get droppedFrames(): number {
    return this.#frames.dropped;
  }

  /** Packets with an invalid payload descriptor. */
  get invalidPackets(): number {
    return this.#invalid;
  }

  /**
   * Feeds one RTP packet.
   *
   * @param pkt An RTP packet of the format, in arrival order.
   * @returns The frame it completes, if any.
   */
  depacketize(pkt: RtpPacket): Vp8Frame[] {
    return this.#reorderer.depacketize(pkt, this.#depacketizeInOrder);
  }

  /** Forgets the frame in progress, the held packets and the sequence state (e.g. after a seek). */
  reset(): void {
    this.#reorderer.reset();
    this.#frames.reset();
  }

  /** Reads one packet, in sequence order. */
  #readPacket(pkt: RtpPacket): Vp8Frame[] {
    if (!this.#frames.accept(pkt.sequenceNumber)) return [];
    const p = pkt.payload;
    const offset = descriptorLength(p);
    if (offset < 0 || offset >= p.byteLength) {
      this.#invalid++;
      this.#frames.drop();
      return [];
    }
    const start = (p[0]! & 0x10) !== 0 && (p[0]! & 0x07) === 0;
    return this.#frames.push(p.subarray(offset), pkt.timestamp, start, pkt.marker);
  }
}

/** Length of the payload descriptor, or -1 when truncated. */
function descriptorLength(p: Uint8Array): number {
  if (p.byteLength < 1) return -1;
  let o = 1;
  if (p[0]! & 0x80) {
    if (p.byteLength < 2) return -1;
    const x = p[1]!;
    o = 2;
    if (x & 0x80) {
      if (o >= p.byteLength) return -1;
      o += p[o]! & 0x80 ? 2 : 1;
    }
    if (x & 0x40) o++;
    if (x & 0x30) o++;
  }
  return o > p.byteLength ? -1 : o;
}
