/**
 * Sample-aligned splitting of raw audio into RTP packets (RFC 3551 §4.5: one timestamp unit per
 * sample frame), shared by G.711 and LPCM.
 *
 * @internal
 * @module
 */

import type { RtpPacket } from "../rtp/mod.ts";
import { type PacketizerOptions, PacketizerState } from "./_packetizer_state.ts";

/** Splits sample buffers into payload views that hold whole sample frames. */
export class SamplePacketizer {
  readonly state: PacketizerState;
  readonly #frameBytes: number;
  readonly #name: string;

  constructor(options: PacketizerOptions, frameBytes: number, name: string) {
    this.#frameBytes = frameBytes;
    this.#name = name;
    this.state = new PacketizerState(options, frameBytes, name);
  }

  packetize(samples: Uint8Array, timestamp: number): RtpPacket[] {
    if (samples.byteLength % this.#frameBytes !== 0) {
      throw new RangeError(
        `Cannot packetize with ${this.#name}: ${samples.byteLength} bytes is not a whole number of ${this.#frameBytes}-byte sample frames`,
      );
    }
    const chunk = this.state.maxPayloadSize - (this.state.maxPayloadSize % this.#frameBytes);
    const out: RtpPacket[] = [];
    for (let offset = 0; offset < samples.byteLength; offset += chunk) {
      const payload = samples.subarray(offset, Math.min(offset + chunk, samples.byteLength));
      const ts = timestamp + offset / this.#frameBytes;
      out.push(...this.state.packets([payload], ts, false));
    }
    return out;
  }
}
