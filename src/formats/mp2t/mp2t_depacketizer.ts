/**
 * MPEG-2 transport stream RTP depacketizer (RFC 2250 §2).
 *
 * @module
 */

import type { RtpPacket } from "../../rtp/mod.ts";
import { PacketReorderer } from "../_packet_reorderer.ts";
import { TS_PACKET_SIZE, TS_SYNC_BYTE } from "./ts_packet.ts";

/** The TS packets of one RTP packet. */
export interface Mp2tUnit {
  /** RTP timestamp (90 kHz). */
  timestamp: number;
  /**
   * Whole 188-byte TS packets, each starting with 0x47; a view of the payload, ready for an
   * `MpegTsReader`.
   */
  data: Uint8Array;
}

/**
 * Extracts the TS packets of RTP packets (RFC 2250 §2). Never throws on bad input: a payload
 * that is empty, not a multiple of 188 bytes, or holds a TS packet without the 0x47 sync byte
 * is dropped whole and counted in {@linkcode Mp2tDepacketizer.invalidPackets}.
 *
 * Packets that arrive out of order are put back in RTP sequence number order (a packet after a
 * gap waits until the gap fills, a packet of another timestamp arrives, or 64 wait); a
 * duplicate or a packet later than the ones handed on is ignored. A lost packet is not
 * repaired: the TS continuity counters tell the demuxer.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Mp2tDepacketizer } from "./mp2t_depacketizer.ts";
 * const payload = new Uint8Array(2 * 188);
 * payload[0] = payload[188] = 0x47;
 * const d = new Mp2tDepacketizer();
 * const out = d.depacketize({ marker: false, payloadType: 33, sequenceNumber: 1, timestamp: 3000, ssrc: 1, csrc: [], paddingSize: 0, payload });
 * assert.deepEqual(out, [{ timestamp: 3000, data: payload }]);
 * assert.deepEqual(d.depacketize({ marker: false, payloadType: 33, sequenceNumber: 2, timestamp: 3000, ssrc: 1, csrc: [], paddingSize: 0, payload: payload.subarray(1) }), []);
 * assert.equal(d.invalidPackets, 1);
 * ```
 */
export class Mp2tDepacketizer {
  readonly #reorderer = new PacketReorderer();
  readonly #depacketizeInOrder = (pkt: RtpPacket): Mp2tUnit[] => this.#read(pkt);
  #invalid = 0;

  /** Packets dropped: empty, not whole TS packets, or without the sync byte. */
  get invalidPackets(): number {
    return this.#invalid;
  }

  /**
   * Feeds one RTP packet.
   *
   * @param pkt An RTP packet of the format, in arrival order.
   * @returns The TS packets of the packets now in order.
   */
  depacketize(pkt: RtpPacket): Mp2tUnit[] {
    return this.#reorderer.depacketize(pkt, this.#depacketizeInOrder);
  }

  /**
   * Gives up what is missing at the end of the stream.
   *
   * @returns The TS packets of the packets that waited for a missing one.
   */
  flush(): Mp2tUnit[] {
    return this.#reorderer.drain(this.#depacketizeInOrder);
  }

  /** Forgets the packets waiting and the sequence state (e.g. after a seek). */
  reset(): void {
    this.#reorderer.reset();
  }

  #read(pkt: RtpPacket): Mp2tUnit[] {
    const p = pkt.payload;
    let valid = p.byteLength > 0 && p.byteLength % TS_PACKET_SIZE === 0;
    for (let o = 0; valid && o < p.byteLength; o += TS_PACKET_SIZE) {
      valid = p[o] === TS_SYNC_BYTE;
    }
    if (!valid) {
      this.#invalid++;
      return [];
    }
    return [{ timestamp: pkt.timestamp, data: p }];
  }
}
