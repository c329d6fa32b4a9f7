/**
 * Linear PCM (L8, L16, L24) RTP packetizer (RFC 3551 §4.5.10-§4.5.11, RFC 3190 §4).
 *
 * @module
 */

import type { RtpPacket } from "../../rtp/mod.ts";
import type { PacketizerOptions } from "../_packetizer_state.ts";
import { SamplePacketizer } from "../_sample_packetizer.ts";

/** Options of {@linkcode LpcmPacketizer}. */
export interface LpcmPacketizerOptions extends PacketizerOptions {
  /** Bits per sample: 8, 16 or 24 (big-endian on the wire). */
  bitDepth: 8 | 16 | 24;
  /** Interleaved channels; default 1. */
  channelCount?: number;
}

/**
 * Splits big-endian PCM samples into RTP packets whose payloads are views of the input holding
 * whole sample frames (`bitDepth / 8 * channelCount` bytes); the timestamp advances by one per
 * frame. The marker bit is not set.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { LpcmPacketizer } from "./lpcm_packetizer.ts";
 * const p = new LpcmPacketizer({ payloadType: 96, bitDepth: 16, channelCount: 2, maxPacketSize: 12 + 10 });
 * const packets = p.packetize(new Uint8Array(12), 0);
 * assert.deepEqual(packets.map((x) => [x.timestamp, x.payload.byteLength]), [[0, 8], [2, 4]]);
 * ```
 */
export class LpcmPacketizer {
  readonly #inner: SamplePacketizer;

  /** @param options Payload type, bit depth, channels, optional SSRC/sequence/size. */
  constructor(options: LpcmPacketizerOptions) {
    if (options.bitDepth !== 8 && options.bitDepth !== 16 && options.bitDepth !== 24) {
      throw new RangeError(
        `Cannot create LpcmPacketizer: bit depth ${options.bitDepth} is not 8, 16 or 24`,
      );
    }
    const frameBytes = (options.bitDepth / 8) * (options.channelCount ?? 1);
    this.#inner = new SamplePacketizer(options, frameBytes, "LpcmPacketizer");
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
   * @param timestamp RTP timestamp of the first sample (clock rate = sample rate).
   * @returns The RTP packets.
   * @throws {RangeError} When the samples are not whole frames.
   */
  packetize(samples: Uint8Array, timestamp: number): RtpPacket[] {
    return this.#inner.packetize(samples, timestamp);
  }
}
