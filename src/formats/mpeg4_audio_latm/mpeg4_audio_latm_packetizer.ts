/**
 * MPEG-4 Audio LATM RTP packetizer (RFC 6416 §6).
 *
 * @module
 */

import type { RtpPacket } from "../../rtp/mod.ts";
import { type PacketizerOptions, PacketizerState } from "../_packetizer_state.ts";

/** Options of {@linkcode Mpeg4AudioLatmPacketizer}. */
export interface Mpeg4AudioLatmPacketizerOptions extends Partial<PacketizerOptions> {
  /** RTP payload type; default 96. */
  payloadType?: number;
  /** RTP clock ticks of one access unit; default 1024 (AAC frames, clock = sample rate). */
  ticksPerAccessUnit?: number;
}

/**
 * The PayloadLengthInfo of an access unit of `length` bytes (ISO/IEC 14496-3 §1.7.3,
 * frameLengthType 0): a run of 0xFF bytes, each adding 255, then the remainder.
 *
 * @param length Bytes of the access unit.
 * @returns The PayloadLengthInfo bytes.
 */
export function payloadLengthInfo(length: number): Uint8Array {
  const out = new Uint8Array(Math.floor(length / 255) + 1);
  out.fill(0xff, 0, out.byteLength - 1);
  out[out.byteLength - 1] = length % 255;
  return out;
}

/**
 * Turns AAC access units into RTP packets of MPEG-4 Audio LATM with the StreamMuxConfig out of
 * band (RFC 6416 §6.1, `cpresent=0`, one program, one layer, one subframe). Each access unit
 * becomes one AudioMuxElement, its PayloadLengthInfo then the unit:
 *
 * ```
 * +--------+--------+-----+--------+------------------------------+
 * |  0xFF  |  0xFF  | ... |  rest  |  PayloadMux: the access unit |
 * +--------+--------+-----+--------+------------------------------+
 * ```
 *
 * An element goes in one packet, or is cut into as many as it needs; the marker bit is set on
 * the packet that holds the element's end, and all its packets carry the unit's timestamp.
 * Units after the first get the first's timestamp plus `ticksPerAccessUnit` each.
 *
 * @example An access unit of 300 bytes: two 0xFF-led length bytes, 255 + 45
 * ```ts
 * import assert from "node:assert/strict";
 * import { Mpeg4AudioLatmPacketizer } from "./mpeg4_audio_latm_packetizer.ts";
 * const [pkt] = new Mpeg4AudioLatmPacketizer().packetize([new Uint8Array(300)], 1000);
 * assert.deepEqual([...pkt.payload.subarray(0, 2)], [0xff, 45]);
 * assert.equal(pkt.payload.byteLength, 302);
 * assert.equal(pkt.marker, true);
 * ```
 */
export class Mpeg4AudioLatmPacketizer {
  readonly #state: PacketizerState;
  readonly #ticks: number;

  /**
   * @param options Payload type (default 96), ticks per access unit, SSRC/sequence/packet size.
   * @throws {RangeError} When `ticksPerAccessUnit` is not a positive integer.
   */
  constructor(options: Mpeg4AudioLatmPacketizerOptions = {}) {
    this.#state = new PacketizerState(
      { ...options, payloadType: options.payloadType ?? 96 },
      1,
      "Mpeg4AudioLatmPacketizer",
    );
    this.#ticks = options.ticksPerAccessUnit ?? 1024;
    if (!Number.isInteger(this.#ticks) || this.#ticks <= 0) {
      throw new RangeError(
        `Cannot create Mpeg4AudioLatmPacketizer: ticksPerAccessUnit must be a positive integer, got ${this.#ticks}`,
      );
    }
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
   * Packetizes consecutive access units.
   *
   * @param accessUnits Raw AAC access units (no ADTS header), in order.
   * @param timestamp RTP timestamp of the first unit.
   * @returns The RTP packets.
   */
  packetize(accessUnits: readonly Uint8Array[], timestamp: number): RtpPacket[] {
    const max = this.#state.maxPayloadSize;
    const out: RtpPacket[] = [];
    accessUnits.forEach((unit, i) => {
      const lengthInfo = payloadLengthInfo(unit.byteLength);
      const element = new Uint8Array(lengthInfo.byteLength + unit.byteLength);
      element.set(lengthInfo);
      element.set(unit, lengthInfo.byteLength);
      const payloads: Uint8Array[] = [];
      for (let o = 0; o < element.byteLength; o += max) {
        payloads.push(element.subarray(o, Math.min(o + max, element.byteLength)));
      }
      out.push(...this.#state.packets(payloads, timestamp + i * this.#ticks, true));
    });
    return out;
  }
}
