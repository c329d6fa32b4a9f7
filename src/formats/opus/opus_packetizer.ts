/**
 * Opus RTP packetizer (RFC 7587 §4.2).
 *
 * @module
 */

import type { RtpPacket } from "../../rtp/mod.ts";
import { type PacketizerOptions, PacketizerState } from "../_packetizer_state.ts";

/** Options of {@linkcode OpusPacketizer}. */
export type OpusPacketizerOptions = PacketizerOptions;

/**
 * Puts each Opus packet in one RTP packet (RFC 7587 §4.2: no fragmentation, no aggregation); the
 * payload is a view of the caller's bytes. Timestamps use the 48 kHz clock whatever the coded
 * rate. The marker bit is not set.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { OpusPacketizer } from "./opus_packetizer.ts";
 * const p = new OpusPacketizer({ payloadType: 111, initialSequenceNumber: 7 });
 * const [pkt] = p.packetize(new Uint8Array([0xfc, 0xff, 0xfe]), 960);
 * assert.deepEqual([pkt.sequenceNumber, pkt.timestamp, pkt.payload.byteLength], [7, 960, 3]);
 * ```
 */
export class OpusPacketizer {
  readonly #state: PacketizerState;

  /** @param options Payload type, optional SSRC/sequence/packet size. */
  constructor(options: OpusPacketizerOptions) {
    this.#state = new PacketizerState(options, 1, "OpusPacketizer");
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
   * Packetizes one Opus packet.
   *
   * @param packet An Opus packet (RFC 6716 §3).
   * @param timestamp RTP timestamp (48 kHz).
   * @returns One RTP packet.
   * @throws {RangeError} When the packet is empty or does not fit `maxPacketSize`.
   */
  packetize(packet: Uint8Array, timestamp: number): RtpPacket[] {
    if (packet.byteLength === 0 || packet.byteLength > this.#state.maxPayloadSize) {
      throw new RangeError(
        `Cannot packetize Opus: packet of ${packet.byteLength} bytes does not fit 1..${this.#state.maxPayloadSize}`,
      );
    }
    return this.#state.packets([packet], timestamp, false);
  }
}
