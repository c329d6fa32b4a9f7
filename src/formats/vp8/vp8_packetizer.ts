/**
 * VP8 RTP packetizer (RFC 7741 §4).
 *
 * @module
 */

import type { RtpPacket } from "../../rtp/mod.ts";
import { type PacketizerOptions, PacketizerState } from "../_packetizer_state.ts";

/** Options of {@linkcode Vp8Packetizer}. */
export type Vp8PacketizerOptions = PacketizerOptions;

/**
 * Splits VP8 frames into RTP packets, each with a one-byte payload descriptor (RFC 7741 §4.2:
 * `X=0 R=0 N=0 S PID=0`), S set on the first packet of the frame; the marker bit is set on the
 * last. Each packet is one allocation holding the descriptor and the data.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Vp8Packetizer } from "./vp8_packetizer.ts";
 * const p = new Vp8Packetizer({ payloadType: 96, maxPacketSize: 12 + 4 });
 * const packets = p.packetize(new Uint8Array([1, 2, 3, 4, 5]), 0);
 * assert.deepEqual(packets.map((x) => [...x.payload]), [[0x10, 1, 2, 3], [0x00, 4, 5]]);
 * ```
 */
export class Vp8Packetizer {
  readonly #state: PacketizerState;

  /** @param options Payload type, optional SSRC/sequence/packet size. */
  constructor(options: Vp8PacketizerOptions) {
    this.#state = new PacketizerState(options, 2, "Vp8Packetizer");
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
   * @param frame A VP8 frame.
   * @param timestamp RTP timestamp (90 kHz).
   * @returns The RTP packets.
   * @throws {RangeError} When the frame is empty.
   */
  packetize(frame: Uint8Array, timestamp: number): RtpPacket[] {
    if (frame.byteLength === 0) throw new RangeError("Cannot packetize VP8: empty frame");
    const chunk = this.#state.maxPayloadSize - 1;
    const payloads: Uint8Array[] = [];
    for (let offset = 0; offset < frame.byteLength; offset += chunk) {
      const end = Math.min(offset + chunk, frame.byteLength);
      const payload = new Uint8Array(1 + end - offset);
      payload[0] = offset === 0 ? 0x10 : 0x00;
      payload.set(frame.subarray(offset, end), 1);
      payloads.push(payload);
    }
    return this.#state.packets(payloads, timestamp);
  }
}
