/**
 * MPEG-4 Visual RTP packetizer (RFC 6416 §5.1).
 *
 * @module
 */

import type { RtpPacket } from "../../rtp/mod.ts";
import { type PacketizerOptions, PacketizerState } from "../_packetizer_state.ts";

/** Options of {@linkcode Mpeg4VideoPacketizer}. */
export type Mpeg4VideoPacketizerOptions = PacketizerOptions;

/**
 * Splits MPEG-4 Visual frames into RTP packets (RFC 6416 §5.1): the payload has no header of
 * its own, a frame (a VOP, with any VOS/VOL/GOV headers before it) that does not fit in one
 * packet is cut into consecutive pieces of the largest size, all with the frame's timestamp,
 * and the marker bit is set on the last packet of the frame. The payloads are views of the
 * input.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Mpeg4VideoPacketizer } from "./mpeg4_video_packetizer.ts";
 * const p = new Mpeg4VideoPacketizer({ payloadType: 96, maxPacketSize: 12 + 4 });
 * const packets = p.packetize(new Uint8Array([0, 0, 1, 0xb6, 0x10, 0x20]), 3600);
 * assert.deepEqual(packets.map((x) => [x.marker, x.timestamp, ...x.payload]), [
 *   [false, 3600, 0, 0, 1, 0xb6],
 *   [true, 3600, 0x10, 0x20],
 * ]);
 * ```
 */
export class Mpeg4VideoPacketizer {
  readonly #state: PacketizerState;

  /** @param options Payload type, optional SSRC/sequence/packet size. */
  constructor(options: Mpeg4VideoPacketizerOptions) {
    this.#state = new PacketizerState(options, 1, "Mpeg4VideoPacketizer");
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
   * Packetizes one frame.
   *
   * @param frame A VOP, possibly preceded by VOS/VO/VOL/GOV headers.
   * @param timestamp RTP timestamp (90 kHz).
   * @returns The RTP packets.
   * @throws {RangeError} When the frame is empty.
   */
  packetize(frame: Uint8Array, timestamp: number): RtpPacket[] {
    if (frame.byteLength === 0) throw new RangeError("Cannot packetize MPEG-4 Visual: empty frame");
    const chunk = this.#state.maxPayloadSize;
    const payloads: Uint8Array[] = [];
    for (let offset = 0; offset < frame.byteLength; offset += chunk) {
      payloads.push(frame.subarray(offset, Math.min(offset + chunk, frame.byteLength)));
    }
    return this.#state.packets(payloads, timestamp);
  }
}
