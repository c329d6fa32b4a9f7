/**
 * VP9 RTP depacketizer (RFC 9628 §4).
 *
 * @module
 */

import type { RtpPacket } from "../../rtp/mod.ts";
import { FrameAssembler } from "../_frame_assembler.ts";
import { PacketReorderer } from "../_packet_reorderer.ts";
import { DEFAULT_MAX_FRAME_BYTES } from "../_packetizer_state.ts";
import { decodeVp9PayloadDescriptor, type Vp9Payload } from "./vp9_payload_descriptor.ts";

/** A VP9 frame and its RTP timestamp. */
export interface Vp9Frame {
  /** RTP timestamp (90 kHz); the frames of the spatial layers of one picture share it. */
  timestamp: number;
  /** The frame; a view of the payload when it came in one packet. */
  frame: Uint8Array;
}

/** Options of {@linkcode Vp9Depacketizer}. */
export interface Vp9DepacketizerOptions {
  /** Largest frame kept in memory; default 8 MiB. */
  maxFrameBytes?: number;
}

/**
 * Reassembles VP9 frames from RTP packets: a frame runs from the packet with B=1 to the one
 * with E=1 (RFC 9628 §4.2), or to the marker bit for senders that omit E. Each layer frame of
 * a spatially scalable picture comes out on its own, with the picture's timestamp. Never
 * throws: a frame that lost a packet, or a packet with an invalid payload descriptor, is
 * dropped and counted.
 *
 * Packets that arrive out of order are put back in RTP sequence number order, the order of a
 * frame's data across its packets (RFC 9628 §4.2): a packet after a gap waits until the gap
 * fills, until a packet of another timestamp arrives, or until 64 wait; then what is still
 * missing counts as lost. So a reordered stream (TCP never, UDP without the session's reorder
 * buffer) decodes whole, and a loss delays the frame after it until the next one begins.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Vp9Depacketizer } from "./vp9_depacketizer.ts";
 * const payload = new Uint8Array([0x8c, 0x81, 0x23, 0xaa]); // I, B, E; picture ID 0x123
 * const out = new Vp9Depacketizer().depacketize({ marker: true, payloadType: 96, sequenceNumber: 1, timestamp: 9, ssrc: 1, csrc: [], paddingSize: 0, payload });
 * assert.deepEqual(out, [{ timestamp: 9, frame: new Uint8Array([0xaa]) }]);
 * ```
 */
export class Vp9Depacketizer {
  readonly #frames: FrameAssembler;
  readonly #reorderer = new PacketReorderer();
  readonly #depacketizeInOrder = (pkt: RtpPacket): Vp9Frame[] => this.#readPacket(pkt);
  #invalid = 0;

  /** @param options Memory bound. */
  constructor(options: Vp9DepacketizerOptions = {}) {
    this.#frames = new FrameAssembler(options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES);
  }

  /** Frames dropped because a packet was lost, late, invalid, or the frame was over the bound. */
  get droppedFrames(): number {
    return this.#frames.dropped;
  }

  /** Packets with an invalid payload descriptor or no data. */
  get invalidPackets(): number {
    return this.#invalid;
  }

  /**
   * Feeds one RTP packet.
   *
   * @param pkt An RTP packet of the format, in arrival order.
   * @returns The frame it completes, if any.
   */
  depacketize(pkt: RtpPacket): Vp9Frame[] {
    return this.#reorderer.depacketize(pkt, this.#depacketizeInOrder);
  }

  /** Forgets the frame in progress, the held packets and the sequence state (e.g. after a seek). */
  reset(): void {
    this.#reorderer.reset();
    this.#frames.reset();
  }

  /** Reads one packet, in sequence order. */
  #readPacket(pkt: RtpPacket): Vp9Frame[] {
    if (!this.#frames.accept(pkt.sequenceNumber)) return [];
    let decoded: Vp9Payload | undefined;
    try {
      decoded = decodeVp9PayloadDescriptor(pkt.payload);
    } catch {
      // counted below
    }
    if (decoded === undefined || decoded.data.byteLength === 0) {
      this.#invalid++;
      this.#frames.drop();
      return [];
    }
    const { descriptor, data } = decoded;
    const end = descriptor.endOfFrame || pkt.marker;
    return this.#frames.push(data, pkt.timestamp, descriptor.startOfFrame, end);
  }
}
