/**
 * MPEG-2 transport stream RTP packetizer (RFC 2250 §2).
 *
 * @module
 */

import type { RtpPacket } from "../../rtp/mod.ts";
import { TS_PACKET_SIZE, TS_SYNC_BYTE } from "./ts_packet.ts";
import { type PacketizerOptions, PacketizerState } from "../_packetizer_state.ts";

/** The first byte of every TS packet (ISO/IEC 13818-1 §2.4.3.3). */

/** Default TS packets per RTP packet: 7 x 188 = 1316 bytes, the usual fill of a 1500-byte MTU. */
export const DEFAULT_TS_PACKETS_PER_RTP_PACKET = 7;

/** Options of {@linkcode Mp2tPacketizer}. */
export interface Mp2tPacketizerOptions extends Partial<PacketizerOptions> {
  /**
   * Largest RTP packet in bytes, including the 12-byte RTP header; default 12 + 7 x 188 = 1328.
   * Only whole TS packets go in a payload, so the payload is the largest multiple of 188 that
   * fits.
   */
  maxPacketSize?: number;
}

/**
 * Puts whole 188-byte TS packets in RTP packets (RFC 2250 §2: "an integral number of MPEG
 * transport packets"), as many as fit `maxPacketSize` (7 by default); each payload is a view of
 * the caller's bytes. Every RTP packet of one call carries the call's timestamp (90 kHz, the
 * time the first byte is due). The marker bit, which RFC 2250 sets when the timestamps jump, is
 * not set.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Mp2tPacketizer } from "./mp2t_packetizer.ts";
 * const ts = new Uint8Array(10 * 188);
 * for (let i = 0; i < 10; i++) ts[i * 188] = 0x47;
 * const packets = new Mp2tPacketizer().packetize(ts, 90000);
 * assert.deepEqual(packets.map((p) => [p.payloadType, p.payload.byteLength]), [[33, 7 * 188], [33, 3 * 188]]);
 * ```
 */
export class Mp2tPacketizer {
  readonly #state: PacketizerState;
  readonly #chunk: number;

  /** @param options Payload type (default 33), optional SSRC/sequence/packet size. */
  constructor(options: Mp2tPacketizerOptions = {}) {
    this.#state = new PacketizerState(
      {
        ...options,
        payloadType: options.payloadType ?? 33,
        maxPacketSize: options.maxPacketSize ??
          12 + DEFAULT_TS_PACKETS_PER_RTP_PACKET * TS_PACKET_SIZE,
      },
      TS_PACKET_SIZE,
      "Mp2tPacketizer",
    );
    const max = this.#state.maxPayloadSize;
    this.#chunk = max - (max % TS_PACKET_SIZE);
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
   * Packetizes TS packets.
   *
   * @param tsPackets Whole 188-byte TS packets, each starting with the 0x47 sync byte.
   * @param timestamp RTP timestamp (90 kHz) of every packet made.
   * @returns The RTP packets; none for no bytes.
   * @throws {RangeError} When the bytes are not a whole number of TS packets.
   * @throws {TypeError} When a TS packet does not start with 0x47.
   */
  packetize(tsPackets: Uint8Array, timestamp: number): RtpPacket[] {
    if (tsPackets.byteLength % TS_PACKET_SIZE !== 0) {
      throw new RangeError(
        `Cannot packetize MP2T: ${tsPackets.byteLength} bytes is not a whole number of ${TS_PACKET_SIZE}-byte TS packets`,
      );
    }
    for (let o = 0; o < tsPackets.byteLength; o += TS_PACKET_SIZE) {
      if (tsPackets[o] !== TS_SYNC_BYTE) {
        throw new TypeError(
          `Cannot packetize MP2T: the TS packet at byte ${o} does not start with 0x47`,
        );
      }
    }
    const payloads: Uint8Array[] = [];
    for (let o = 0; o < tsPackets.byteLength; o += this.#chunk) {
      payloads.push(tsPackets.subarray(o, Math.min(o + this.#chunk, tsPackets.byteLength)));
    }
    return this.#state.packets(payloads, timestamp, false);
  }
}
