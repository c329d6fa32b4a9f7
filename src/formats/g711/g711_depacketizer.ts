/**
 * G.711 (PCMU/PCMA) RTP depacketizer (RFC 3551 §4.5.14).
 *
 * @module
 */

import type { RtpPacket } from "../../rtp/mod.ts";

/** Samples of one packet and the timestamp of the first one. */
export interface AudioSamples {
  /** RTP timestamp of the first sample frame. */
  timestamp: number;
  /** The samples; a view of the payload. */
  samples: Uint8Array;
}

/**
 * Extracts G.711 samples from RTP packets; the payload is returned as is (a view).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { G711Depacketizer } from "./g711_depacketizer.ts";
 * const payload = new Uint8Array([0xd5, 0xd5]);
 * const out = new G711Depacketizer().depacketize({ marker: false, payloadType: 8, sequenceNumber: 1, timestamp: 160, ssrc: 1, csrc: [], paddingSize: 0, payload });
 * assert.deepEqual(out, [{ timestamp: 160, samples: payload }]);
 * ```
 */
export class G711Depacketizer {
  /**
   * Feeds one RTP packet.
   *
   * @param pkt An RTP packet of the format.
   * @returns The packet's samples; empty for an empty payload.
   */
  depacketize(pkt: RtpPacket): AudioSamples[] {
    if (pkt.payload.byteLength === 0) return [];
    return [{ timestamp: pkt.timestamp, samples: pkt.payload }];
  }
}
