/**
 * AC-3 RTP depacketizer (RFC 4184 §4).
 *
 * @module
 */

import type { RtpPacket } from "../../rtp/mod.ts";
import { FrameAssembler } from "../_frame_assembler.ts";
import { PacketReorderer } from "../_packet_reorderer.ts";
import { AC3_PAYLOAD_HEADER_BYTES, Ac3FrameType } from "./_ac3_payload_header.ts";
import { AC3_SAMPLES_PER_FRAME, readAc3FrameHeader } from "./ac3_frame.ts";

/** An AC-3 frame and its RTP timestamp. */
export interface Ac3Frame {
  /** RTP timestamp of the frame's first sample. */
  timestamp: number;
  /** The whole sync frame; a view of the payload unless it came in fragments. */
  frame: Uint8Array;
}

/**
 * The largest AC-3 frame: 640 kbit/s at 32 kHz, 1920 16-bit words (ATSC A/52 table 5.18); the
 * bound on a frame being reassembled.
 */
const MAX_AC3_FRAME_BYTES = 3840;

/**
 * Extracts AC-3 frames from RTP packets (RFC 4184 §4): the whole frames of an FT 0 packet, each
 * split off by the length in its sync frame header and stamped 1536 after the one before, and
 * the frames cut into fragments (FT 1 or 2 on the first, FT 3 on the others, the marker bit on
 * the last), joined again. Never throws: a packet whose header, frame count (NF) or frame
 * lengths do not add up counts as invalid and gives nothing; a fragmented frame that lost a
 * packet is dropped and counted, and one that does not come out as one whole sync frame is
 * dropped and its last packet counted as invalid.
 *
 * Packets that arrive out of order are put back in RTP sequence number order first (a packet
 * after a gap waits until the gap fills, a packet of another timestamp arrives, or 64 wait).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Ac3Depacketizer } from "./ac3_depacketizer.ts";
 * const frame = new Uint8Array(128); // 48 kHz, 32 kbit/s (frmsizecod 0)
 * frame.set([0x0b, 0x77, 0, 0, 0x00]);
 * const payload = new Uint8Array([0x00, 2, ...frame, ...frame]); // FT 0, NF 2
 * const out = new Ac3Depacketizer().depacketize({ marker: true, payloadType: 96, sequenceNumber: 1, timestamp: 100, ssrc: 1, csrc: [], paddingSize: 0, payload });
 * assert.deepEqual(out.map((f) => [f.timestamp, f.frame.byteLength]), [[100, 128], [1636, 128]]);
 * ```
 */
export class Ac3Depacketizer {
  readonly #frames = new FrameAssembler(MAX_AC3_FRAME_BYTES);
  readonly #reorderer = new PacketReorderer();
  readonly #depacketizeInOrder = (pkt: RtpPacket): Ac3Frame[] => this.#readPacket(pkt);
  #invalid = 0;

  /** Fragmented frames dropped because a packet was lost or they did not add up to a frame. */
  get droppedFrames(): number {
    return this.#frames.dropped;
  }

  /** Packets with an invalid payload header or frames that do not match it. */
  get invalidPackets(): number {
    return this.#invalid;
  }

  /**
   * Feeds one RTP packet.
   *
   * @param pkt An RTP packet of the format, in arrival order.
   * @returns The frames it holds or completes.
   */
  depacketize(pkt: RtpPacket): Ac3Frame[] {
    return this.#reorderer.depacketize(pkt, this.#depacketizeInOrder);
  }

  /** Forgets the frame in progress, the held packets and the sequence state (e.g. after a seek). */
  reset(): void {
    this.#reorderer.reset();
    this.#frames.reset();
  }

  /** Reads one packet, in sequence order. */
  #readPacket(pkt: RtpPacket): Ac3Frame[] {
    if (!this.#frames.accept(pkt.sequenceNumber)) return [];
    const p = pkt.payload;
    if (p.byteLength <= AC3_PAYLOAD_HEADER_BYTES || p[1] === 0) return this.#reject();
    const frameType = p[0]! & 0x03;
    const data = p.subarray(AC3_PAYLOAD_HEADER_BYTES);
    if (frameType === Ac3FrameType.COMPLETE) {
      this.#frames.drop(); // a fragmented frame cannot be interrupted by whole ones
      return this.#splitFrames(data, p[1]!, pkt.timestamp);
    }
    const start = frameType !== Ac3FrameType.CONTINUATION;
    const out = this.#frames.push(data, pkt.timestamp, start, pkt.marker);
    if (
      out.length === 1 && readAc3FrameHeader(out[0]!.frame)?.frameBytes !== out[0]!.frame.byteLength
    ) {
      this.#invalid++;
      return [];
    }
    return out;
  }

  /** The `count` whole frames of an FT 0 packet, or nothing when they do not add up. */
  #splitFrames(data: Uint8Array, count: number, timestamp: number): Ac3Frame[] {
    const out: Ac3Frame[] = [];
    let offset = 0;
    while (offset < data.byteLength && out.length < count) {
      const header = readAc3FrameHeader(data.subarray(offset));
      if (header === undefined || offset + header.frameBytes > data.byteLength) break;
      out.push({
        timestamp: (timestamp + out.length * AC3_SAMPLES_PER_FRAME) >>> 0,
        frame: data.subarray(offset, offset + header.frameBytes),
      });
      offset += header.frameBytes;
    }
    if (out.length !== count || offset !== data.byteLength) return this.#reject();
    return out;
  }

  /** Counts an invalid packet and drops the frame in progress. */
  #reject(): Ac3Frame[] {
    this.#invalid++;
    this.#frames.drop();
    return [];
  }
}
