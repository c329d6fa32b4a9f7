/**
 * Opus RTP depacketizer (RFC 7587 §4.2).
 *
 * @module
 */

import type { RtpPacket } from "../../rtp/mod.ts";

/** One Opus packet and its RTP timestamp. */
export interface OpusUnit {
  /** RTP timestamp (48 kHz). */
  timestamp: number;
  /** The Opus packet; a view of the payload. */
  packet: Uint8Array;
}

/**
 * Extracts the Opus packet of each RTP packet (a view). Empty payloads (RFC 7587 §4.2 allows
 * none) are dropped and counted.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { OpusDepacketizer } from "./opus_depacketizer.ts";
 * const payload = new Uint8Array([0xfc, 1]);
 * const out = new OpusDepacketizer().depacketize({ marker: false, payloadType: 111, sequenceNumber: 1, timestamp: 960, ssrc: 1, csrc: [], paddingSize: 0, payload });
 * assert.deepEqual(out, [{ timestamp: 960, packet: payload }]);
 * ```
 */
export class OpusDepacketizer {
  #invalid = 0;

  /** Empty packets dropped. */
  get invalidPackets(): number {
    return this.#invalid;
  }

  /**
   * Feeds one RTP packet.
   *
   * @param pkt An RTP packet of the format.
   * @returns The Opus packet, or nothing for an empty payload.
   */
  depacketize(pkt: RtpPacket): OpusUnit[] {
    if (pkt.payload.byteLength === 0) {
      this.#invalid++;
      return [];
    }
    return [{ timestamp: pkt.timestamp, packet: pkt.payload }];
  }
}
