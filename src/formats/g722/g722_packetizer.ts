/**
 * G.722 RTP packetizer (RFC 3551 §4.5.2).
 *
 * @module
 */

import type { RtpPacket } from "../../rtp/mod.ts";
import type { PacketizerOptions } from "../_packetizer_state.ts";
import { SamplePacketizer } from "../_sample_packetizer.ts";

/** Options of {@linkcode G722Packetizer}. */
export interface G722PacketizerOptions extends PacketizerOptions {
  /** Interleaved channels; default 1. */
  channelCount?: number;
}

/**
 * Splits G.722 data (64 kbit/s: one byte per two 16 kHz samples and channel) into RTP packets
 * whose payloads are views of the input; the timestamp advances by one per byte and channel,
 * the 8000 Hz RTP clock of RFC 3551 §4.5.2 (half the sample rate). The marker bit is not set.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { G722Packetizer } from "./g722_packetizer.ts";
 * const p = new G722Packetizer({ payloadType: 9, maxPacketSize: 12 + 160 });
 * // 20 ms is 320 samples at 16 kHz, 160 bytes, 160 ticks of the 8 kHz clock.
 * const packets = p.packetize(new Uint8Array(400), 1000);
 * assert.deepEqual(packets.map((x) => [x.timestamp, x.payload.byteLength]), [[1000, 160], [1160, 160], [1320, 80]]);
 * ```
 */
export class G722Packetizer {
  readonly #inner: SamplePacketizer;

  /** @param options Payload type (9), channels, optional SSRC/sequence/size. */
  constructor(options: G722PacketizerOptions) {
    this.#inner = new SamplePacketizer(options, options.channelCount ?? 1, "G722Packetizer");
  }

  /** SSRC of the packets. */
  get ssrc(): number {
    return this.#inner.state.ssrc;
  }

  /** The sequence number the next packet will carry. */
  get sequenceNumber(): number {
    return this.#inner.state.sequenceNumber;
  }

  /**
   * Packetizes G.722 data.
   *
   * @param data Encoded bytes, channels interleaved byte by byte.
   * @param timestamp RTP timestamp of the first byte (8 kHz clock).
   * @returns The RTP packets.
   * @throws {RangeError} When the data is not a whole number of bytes per channel.
   */
  packetize(data: Uint8Array, timestamp: number): RtpPacket[] {
    return this.#inner.packetize(data, timestamp);
  }
}
