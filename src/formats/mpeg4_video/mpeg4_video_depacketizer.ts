/**
 * MPEG-4 Visual RTP depacketizer (RFC 6416 §5.1).
 *
 * @module
 */

import type { RtpPacket } from "../../rtp/mod.ts";
import { FrameAssembler } from "../_frame_assembler.ts";
import { PacketReorderer } from "../_packet_reorderer.ts";
import { DEFAULT_MAX_FRAME_BYTES } from "../_packetizer_state.ts";

/** An MPEG-4 Visual frame and its RTP timestamp. */
export interface Mpeg4VideoFrame {
  /** RTP timestamp. */
  timestamp: number;
  /** The frame (a VOP with the headers sent before it); a view of the payload when it came in one packet. */
  frame: Uint8Array;
}

/** Options of {@linkcode Mpeg4VideoDepacketizer}. */
export interface Mpeg4VideoDepacketizerOptions {
  /** Largest frame kept in memory; default 8 MiB. */
  maxFrameBytes?: number;
}

/**
 * Whether the payload begins with a start code prefix, `00 00 01`, or with as much of it as a
 * payload of 1 or 2 bytes holds.
 */
function beginsWithStartCode(p: Uint8Array): boolean {
  const prefix = [0, 0, 1];
  const n = Math.min(p.byteLength, 3);
  for (let i = 0; i < n; i++) if (p[i] !== prefix[i]) return false;
  return n > 0;
}

/**
 * Reassembles MPEG-4 Visual frames from RTP packets (RFC 6416 §5.1): the packets of a frame
 * share its timestamp and the marker bit is set on the last one. The payload has no header,
 * so a frame starts with the packet after a marker; at the first packet and after a loss, only a
 * packet that begins with a start code (`00 00 01`: a VOP, GOV, VOS or VOL header, as every
 * frame does) starts one, so a frame that lost its first packet is not handed on cut short. Never throws: a frame
 * that lost a packet, changed timestamp before its marker, or grew over the bound is dropped
 * and counted.
 *
 * Packets that arrive out of order are put back in RTP sequence number order first (a packet
 * after a gap waits until the gap fills, a packet of another timestamp arrives, or 64 wait).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Mpeg4VideoDepacketizer } from "./mpeg4_video_depacketizer.ts";
 * const d = new Mpeg4VideoDepacketizer();
 * const pkt = (sequenceNumber: number, marker: boolean, payload: number[]) => ({ marker, payloadType: 96, sequenceNumber, timestamp: 3600, ssrc: 1, csrc: [], paddingSize: 0, payload: new Uint8Array(payload) });
 * assert.deepEqual(d.depacketize(pkt(1, false, [0, 0, 1, 0xb6])), []);
 * assert.deepEqual(d.depacketize(pkt(2, true, [0x10, 0x20])), [
 *   { timestamp: 3600, frame: new Uint8Array([0, 0, 1, 0xb6, 0x10, 0x20]) },
 * ]);
 * ```
 */
export class Mpeg4VideoDepacketizer {
  readonly #frames: FrameAssembler;
  readonly #reorderer = new PacketReorderer();
  readonly #depacketizeInOrder = (pkt: RtpPacket): Mpeg4VideoFrame[] => this.#readPacket(pkt);
  /** The packet before ended a frame, with no gap since: the next one starts a frame. */
  #afterMarker = true;
  #lastSequenceNumber = -1;

  /** @param options Memory bound. */
  constructor(options: Mpeg4VideoDepacketizerOptions = {}) {
    this.#frames = new FrameAssembler(options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES);
  }

  /** Frames dropped because a packet was lost or the frame was over the bound. */
  get droppedFrames(): number {
    return this.#frames.dropped;
  }

  /**
   * Feeds one RTP packet.
   *
   * @param pkt An RTP packet of the format, in arrival order.
   * @returns The frame it completes, if any.
   */
  depacketize(pkt: RtpPacket): Mpeg4VideoFrame[] {
    return this.#reorderer.depacketize(pkt, this.#depacketizeInOrder);
  }

  /** Forgets the frame in progress, the held packets and the sequence state (e.g. after a seek). */
  reset(): void {
    this.#reorderer.reset();
    this.#frames.reset();
    this.#afterMarker = true;
    this.#lastSequenceNumber = -1;
  }

  /** Reads one packet, in sequence order. */
  #readPacket(pkt: RtpPacket): Mpeg4VideoFrame[] {
    const seq = pkt.sequenceNumber & 0xffff;
    const contiguous = this.#lastSequenceNumber >= 0 &&
      seq === ((this.#lastSequenceNumber + 1) & 0xffff);
    if (!this.#frames.accept(seq)) return [];
    this.#lastSequenceNumber = seq;
    const p = pkt.payload;
    // Within a run, only the marker tells where a frame ends: a piece of a frame may begin
    // with a start code too (the VOP after a VOL header).
    const start = contiguous ? this.#afterMarker : beginsWithStartCode(p);
    this.#afterMarker = pkt.marker;
    if (p.byteLength === 0) {
      this.#frames.drop();
      return [];
    }
    return this.#frames.push(p, pkt.timestamp, start, pkt.marker);
  }
}
