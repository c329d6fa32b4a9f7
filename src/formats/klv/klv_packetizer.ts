/**
 * KLV RTP packetizer (RFC 6597 §4).
 *
 * @module
 */

import type { RtpPacket } from "../../rtp/mod.ts";
import { type PacketizerOptions, PacketizerState } from "../_packetizer_state.ts";

/** Options of {@linkcode KlvPacketizer}. */
export interface KlvPacketizerOptions extends Partial<PacketizerOptions> {
  /** RTP payload type; default 96. */
  payloadType?: number;
}

/**
 * Turns KLV units into RTP packets ([RFC 6597 §4](https://www.rfc-editor.org/rfc/rfc6597#section-4)):
 * a unit (one or more KLV items of one time) goes whole in the payloads of consecutive packets,
 * with no payload header, cut where a packet is full; all of them carry the unit's timestamp and
 * the last has the marker bit.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { KlvPacketizer } from "./klv_packetizer.ts";
 * const unit = new Uint8Array(100);
 * const packets = new KlvPacketizer({ maxPacketSize: 12 + 60 }).packetize(unit, 3000);
 * assert.deepEqual(packets.map((p) => [p.payload.byteLength, p.marker]), [[60, false], [40, true]]);
 * ```
 */
export class KlvPacketizer {
  readonly #state: PacketizerState;

  /** @param options Payload type (default 96), optional SSRC/sequence/packet size. */
  constructor(options: KlvPacketizerOptions = {}) {
    this.#state = new PacketizerState(
      { ...options, payloadType: options.payloadType ?? 96 },
      1,
      "KlvPacketizer",
    );
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
   * Packetizes one KLV unit.
   *
   * @param unit The KLV items of one time, each a 16-byte key, a BER length and the value.
   * @param timestamp RTP timestamp of the unit.
   * @returns The RTP packets.
   * @throws {RangeError} When the unit is empty.
   */
  packetize(unit: Uint8Array, timestamp: number): RtpPacket[] {
    if (unit.byteLength === 0) throw new RangeError("Cannot packetize KLV: the unit is empty");
    const max = this.#state.maxPayloadSize;
    const payloads: Uint8Array[] = [];
    for (let o = 0; o < unit.byteLength; o += max) {
      payloads.push(unit.subarray(o, Math.min(o + max, unit.byteLength)));
    }
    return this.#state.packets(payloads, timestamp, true);
  }
}
