/**
 * G.722 RTP depacketizer (RFC 3551 §4.5.2).
 *
 * @module
 */

import type { RtpPacket } from "../../rtp/mod.ts";
import type { AudioSamples } from "../g711/g711_depacketizer.ts";

/**
 * Extracts G.722 data from RTP packets; the payload is returned as is (a view), with its
 * timestamp on the 8000 Hz RTP clock (one tick per byte and channel, two 16 kHz samples).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { G722Depacketizer } from "./g722_depacketizer.ts";
 * const payload = new Uint8Array([0xfa, 0xfb]);
 * const out = new G722Depacketizer().depacketize({ marker: false, payloadType: 9, sequenceNumber: 1, timestamp: 160, ssrc: 1, csrc: [], paddingSize: 0, payload });
 * assert.deepEqual(out, [{ timestamp: 160, samples: payload }]);
 * ```
 */
export class G722Depacketizer {
  /**
   * Feeds one RTP packet.
   *
   * @param pkt An RTP packet of the format.
   * @returns The packet's data; empty for an empty payload.
   */
  depacketize(pkt: RtpPacket): AudioSamples[] {
    if (pkt.payload.byteLength === 0) return [];
    return [{ timestamp: pkt.timestamp, samples: pkt.payload }];
  }
}
