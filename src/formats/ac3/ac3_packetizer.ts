/**
 * AC-3 RTP packetizer (RFC 4184 §4).
 *
 * @module
 */

import type { RtpPacket } from "../../rtp/mod.ts";
import { type PacketizerOptions, PacketizerState } from "../_packetizer_state.ts";
import { AC3_PAYLOAD_HEADER_BYTES, Ac3FrameType, fiveEighthsBytes } from "./_ac3_payload_header.ts";
import { AC3_SAMPLES_PER_FRAME, readAc3FrameHeader } from "./ac3_frame.ts";

/** Options of {@linkcode Ac3Packetizer}. */
export type Ac3PacketizerOptions = PacketizerOptions;

/** Most frames or fragments one NF field counts. */
const MAX_NF = 255;

/**
 * Puts AC-3 frames into RTP packets (RFC 4184 §4): as many whole frames as fit go into one
 * packet (FT 0, NF the number of frames), stamped with the first one's timestamp; a frame that
 * does not fit in a packet on its own is cut into fragments of the largest size (FT 1 on the
 * first when it holds the frame's first 5/8, else FT 2; FT 3 on the others; NF the number of
 * fragments), all stamped with the frame's timestamp. The marker bit is set on every packet
 * that holds whole frames and on the last fragment of a frame (§4.2).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Ac3Packetizer } from "./ac3_packetizer.ts";
 * // Two frames of 384 bytes (48 kHz, frmsizecod 12): one packet, FT 0, NF 2.
 * const frame = new Uint8Array(384);
 * frame.set([0x0b, 0x77, 0, 0, 0x0c]);
 * const p = new Ac3Packetizer({ payloadType: 96 });
 * const [pkt] = p.packetize([frame, frame], 1000);
 * assert.deepEqual([pkt!.payload[0], pkt!.payload[1], pkt!.payload.byteLength, pkt!.marker], [0, 2, 770, true]);
 * ```
 */
export class Ac3Packetizer {
  readonly #state: PacketizerState;

  /** @param options Payload type, optional SSRC/sequence/packet size. */
  constructor(options: Ac3PacketizerOptions) {
    this.#state = new PacketizerState(options, AC3_PAYLOAD_HEADER_BYTES + 1, "Ac3Packetizer");
  }

  /** SSRC of the packets. */
  get ssrc(): number {
    return this.#state.ssrc;
  }

  /** The sequence number the next packet will carry. */
  get sequenceNumber(): number {
    return this.#state.sequenceNumber;
  }

  /**
   * Packetizes consecutive frames.
   *
   * @param frames Whole AC-3 sync frames, in order.
   * @param timestamp RTP timestamp of the first frame (the sample rate is the clock rate); each
   *   frame after it is 1536 later.
   * @returns The RTP packets.
   * @throws {RangeError} When a frame has no valid sync frame header, its length is not the one
   *   of its header, or it would need more than 255 fragments.
   */
  packetize(frames: readonly Uint8Array[], timestamp: number): RtpPacket[] {
    for (const frame of frames) {
      const header = readAc3FrameHeader(frame);
      if (header === undefined || header.frameBytes !== frame.byteLength) {
        throw new RangeError(
          `Cannot packetize AC-3: a frame of ${frame.byteLength} bytes is not a whole sync frame`,
        );
      }
    }
    const room = this.#state.maxPayloadSize - AC3_PAYLOAD_HEADER_BYTES;
    const out: RtpPacket[] = [];
    let group: Uint8Array[] = [];
    let groupBytes = 0;
    let groupStart = 0;
    const flush = (): void => {
      if (group.length === 0) return;
      const payload = new Uint8Array(AC3_PAYLOAD_HEADER_BYTES + groupBytes);
      payload[0] = Ac3FrameType.COMPLETE;
      payload[1] = group.length;
      let o = AC3_PAYLOAD_HEADER_BYTES;
      for (const f of group) {
        payload.set(f, o);
        o += f.byteLength;
      }
      const ts = timestamp + groupStart * AC3_SAMPLES_PER_FRAME;
      for (const pkt of this.#state.packets([payload], ts)) out.push(pkt);
      group = [];
      groupBytes = 0;
    };
    for (let i = 0; i < frames.length; i++) {
      const frame = frames[i]!;
      if (frame.byteLength > room) {
        flush();
        for (const pkt of this.#fragment(frame, timestamp + i * AC3_SAMPLES_PER_FRAME, room)) {
          out.push(pkt);
        }
        continue;
      }
      if (groupBytes + frame.byteLength > room || group.length === MAX_NF) flush();
      if (group.length === 0) groupStart = i;
      group.push(frame);
      groupBytes += frame.byteLength;
    }
    flush();
    return out;
  }

  /** Cuts one frame into fragments of `room` bytes (RFC 4184 §4.2). */
  #fragment(frame: Uint8Array, timestamp: number, room: number): RtpPacket[] {
    const count = Math.ceil(frame.byteLength / room);
    if (count > MAX_NF) {
      throw new RangeError(
        `Cannot packetize AC-3: a frame of ${frame.byteLength} bytes needs ${count} fragments, over ${MAX_NF}`,
      );
    }
    const first = room >= fiveEighthsBytes(frame.byteLength)
      ? Ac3FrameType.INITIAL_WITH_FIVE_EIGHTHS
      : Ac3FrameType.INITIAL;
    const payloads: Uint8Array[] = [];
    for (let offset = 0; offset < frame.byteLength; offset += room) {
      const piece = frame.subarray(offset, Math.min(offset + room, frame.byteLength));
      const payload = new Uint8Array(AC3_PAYLOAD_HEADER_BYTES + piece.byteLength);
      payload[0] = offset === 0 ? first : Ac3FrameType.CONTINUATION;
      payload[1] = count;
      payload.set(piece, AC3_PAYLOAD_HEADER_BYTES);
      payloads.push(payload);
    }
    return this.#state.packets(payloads, timestamp);
  }
}
