/**
 * Linear PCM (L8, L16, L24) RTP depacketizer (RFC 3551 §4.5.10-§4.5.11, RFC 3190 §4).
 *
 * @module
 */

import type { RtpPacket } from "../../rtp/mod.ts";
import type { AudioSamples } from "../g711/g711_depacketizer.ts";

/** Options of {@linkcode LpcmDepacketizer}. */
export interface LpcmDepacketizerOptions {
  /** Bits per sample: 8, 16 or 24. */
  bitDepth: 8 | 16 | 24;
  /** Interleaved channels; default 1. */
  channelCount?: number;
}

/**
 * Extracts big-endian PCM samples from RTP packets (views of the payload). A payload that is not
 * a whole number of sample frames is dropped and counted in {@linkcode invalidPackets}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { LpcmDepacketizer } from "./lpcm_depacketizer.ts";
 * const d = new LpcmDepacketizer({ bitDepth: 16, channelCount: 2 });
 * const payload = new Uint8Array(6);
 * const pkt = { marker: false, payloadType: 96, sequenceNumber: 1, timestamp: 0, ssrc: 1, csrc: [], paddingSize: 0, payload };
 * assert.deepEqual(d.depacketize(pkt), []);
 * assert.equal(d.invalidPackets, 1);
 * ```
 */
export class LpcmDepacketizer {
  readonly #frameBytes: number;
  #invalid = 0;

  /** @param options Bit depth and channel count of the format. */
  constructor(options: LpcmDepacketizerOptions) {
    this.#frameBytes = (options.bitDepth / 8) * (options.channelCount ?? 1);
  }

  /** Packets dropped because their payload is not whole sample frames. */
  get invalidPackets(): number {
    return this.#invalid;
  }

  /**
   * Feeds one RTP packet.
   *
   * @param pkt An RTP packet of the format.
   * @returns The packet's samples; empty when invalid or empty.
   */
  depacketize(pkt: RtpPacket): AudioSamples[] {
    if (pkt.payload.byteLength % this.#frameBytes !== 0) {
      this.#invalid++;
      return [];
    }
    if (pkt.payload.byteLength === 0) return [];
    return [{ timestamp: pkt.timestamp, samples: pkt.payload }];
  }
}
