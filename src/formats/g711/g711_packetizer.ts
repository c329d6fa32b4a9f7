/**
 * G.711 (PCMU/PCMA) RTP packetizer (RFC 3551 §4.5.14).
 *
 * @module
 */

import type { RtpPacket } from "../../rtp/mod.ts";
import type { PacketizerOptions } from "../_packetizer_state.ts";
import { SamplePacketizer } from "../_sample_packetizer.ts";

/** Options of {@linkcode G711Packetizer}. */
export interface G711PacketizerOptions extends PacketizerOptions {
  /** Interleaved channels; default 1. */
  channelCount?: number;
}

/**
 * Splits G.711 samples (one byte per sample and channel) into RTP packets whose payloads are
 * views of the input holding whole sample frames; the timestamp advances by one per frame. The
 * marker bit is not set.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { G711Packetizer } from "./g711_packetizer.ts";
 * const p = new G711Packetizer({ payloadType: 8, maxPacketSize: 12 + 160 });
 * const packets = p.packetize(new Uint8Array(400), 1000);
 * assert.deepEqual(packets.map((x) => [x.timestamp, x.payload.byteLength]), [[1000, 160], [1160, 160], [1320, 80]]);
 * ```
 */
export class G711Packetizer {
  readonly #inner: SamplePacketizer;

  /** @param options Payload type (0 PCMU, 8 PCMA), channels, optional SSRC/sequence/size. */
  constructor(options: G711PacketizerOptions) {
    this.#inner = new SamplePacketizer(options, options.channelCount ?? 1, "G711Packetizer");
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
   * Packetizes samples.
   *
   * @param samples Encoded samples, channels interleaved.
   * @param timestamp RTP timestamp of the first sample (8 kHz clock).
   * @returns The RTP packets.
   * @throws {RangeError} When the samples are not whole frames.
   */
  packetize(samples: Uint8Array, timestamp: number): RtpPacket[] {
    return this.#inner.packetize(samples, timestamp);
  }
}
