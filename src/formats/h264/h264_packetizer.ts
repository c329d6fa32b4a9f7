/**
 * H.264 RTP packetizer (RFC 6184, packetization-mode 1).
 *
 * @module
 */

import type { RtpPacket } from "../../rtp/mod.ts";
import { randomUint32 } from "../_random.ts";
import { FU_A_HEADER_BYTES, H264_NAL_TYPE, STAP_A_SIZE_FIELD_BYTES } from "./_nal.ts";

const RTP_HEADER_BYTES = 12;

/** Options of {@linkcode H264Packetizer}. */
export interface H264PacketizerOptions {
  /** RTP payload type (dynamic, usually 96). */
  payloadType: number;
  /** SSRC of the packets; random when absent. */
  ssrc?: number;
  /** Sequence number of the first packet; random when absent. */
  initialSequenceNumber?: number;
  /** Largest RTP packet in bytes, including the 12-byte RTP header; default 1472. */
  maxPacketSize?: number;
}

/**
 * Turns H.264 access units (arrays of NAL units without start codes) into RTP packets
 * (RFC 6184 §5.6 single NAL unit, §5.7.1 STAP-A, §5.8 FU-A).
 *
 * Consecutive NAL units that fit together are aggregated into a STAP-A; a NAL unit that fits
 * alone is sent as a single NAL unit packet whose payload is a view of the caller's bytes (no
 * copy); a larger one is fragmented into FU-A packets, each one allocation holding the two FU
 * header bytes and the data. All packets of an access unit share its timestamp, and the last
 * one carries the marker bit. The caller must not change the NAL unit bytes afterwards.
 *
 * @example Packetize an access unit
 * ```ts
 * import assert from "node:assert/strict";
 * import { H264Packetizer } from "./h264_packetizer.ts";
 * const packetizer = new H264Packetizer({ payloadType: 96, ssrc: 1, initialSequenceNumber: 100 });
 * const packets = packetizer.packetize([new Uint8Array(3000).fill(0x65, 0, 1)], 90000);
 * assert.equal(packets.length, 3);
 * assert.deepEqual(packets.map((p) => p.marker), [false, false, true]);
 * assert.equal(packetizer.sequenceNumber, 103);
 * ```
 */
export class H264Packetizer {
  /** RTP payload type of the packets. */
  readonly payloadType: number;
  /** SSRC of the packets. */
  readonly ssrc: number;
  /** Largest RTP packet in bytes, including the RTP header. */
  readonly maxPacketSize: number;
  #sequenceNumber: number;
  #maxPayloadSize: number;

  /** @param options Payload type, and optionally SSRC, initial sequence number and packet size. */
  constructor(options: H264PacketizerOptions) {
    this.payloadType = options.payloadType;
    this.ssrc = (options.ssrc ?? randomUint32()) >>> 0;
    this.#sequenceNumber = (options.initialSequenceNumber ?? randomUint32()) & 0xffff;
    this.maxPacketSize = options.maxPacketSize ?? 1472;
    this.#maxPayloadSize = this.maxPacketSize - RTP_HEADER_BYTES;
    if (!Number.isInteger(this.maxPacketSize) || this.#maxPayloadSize <= FU_A_HEADER_BYTES) {
      throw new RangeError(
        `Cannot create H264Packetizer: maxPacketSize must be an integer above ${
          RTP_HEADER_BYTES + FU_A_HEADER_BYTES
        }, got ${this.maxPacketSize}`,
      );
    }
  }

  /** The sequence number the next packet will carry. */
  get sequenceNumber(): number {
    return this.#sequenceNumber;
  }

  /**
   * Packetizes one access unit.
   *
   * @param nalUnits The NAL units of the access unit, without start codes, in decoding order.
   * @param timestamp RTP timestamp (90 kHz) of the access unit.
   * @returns The RTP packets; empty when `nalUnits` is empty.
   * @throws {RangeError} When a NAL unit is empty.
   */
  packetize(nalUnits: readonly Uint8Array[], timestamp: number): RtpPacket[] {
    const payloads: Uint8Array[] = [];
    const max = this.#maxPayloadSize;
    let batchStart = 0;
    let batchSize = 1; // STAP-A NAL header
    for (let i = 0; i < nalUnits.length; i++) {
      const nalu = nalUnits[i]!;
      if (nalu.byteLength === 0) {
        throw new RangeError(`Cannot packetize H.264 access unit: NAL unit ${i} is empty`);
      }
      const entry = STAP_A_SIZE_FIELD_BYTES + nalu.byteLength;
      if (batchSize + entry <= max) {
        batchSize += entry;
        continue;
      }
      this.#flushBatch(nalUnits, batchStart, i, batchSize, payloads);
      batchStart = i;
      batchSize = 1;
      if (1 + entry <= max) {
        batchSize += entry;
      } else {
        // Too large even for a STAP-A of one: alone as single NAL unit packet, or fragmented.
        if (nalu.byteLength <= max) payloads.push(nalu);
        else fragment(nalu, max, payloads);
        batchStart = i + 1;
      }
    }
    this.#flushBatch(nalUnits, batchStart, nalUnits.length, batchSize, payloads);

    const ts = timestamp >>> 0;
    const packets: RtpPacket[] = new Array(payloads.length);
    for (let i = 0; i < payloads.length; i++) {
      packets[i] = {
        marker: i === payloads.length - 1,
        payloadType: this.payloadType,
        sequenceNumber: this.#sequenceNumber,
        timestamp: ts,
        ssrc: this.ssrc,
        csrc: [],
        paddingSize: 0,
        payload: payloads[i]!,
      };
      this.#sequenceNumber = (this.#sequenceNumber + 1) & 0xffff;
    }
    return packets;
  }

  #flushBatch(
    nalUnits: readonly Uint8Array[],
    start: number,
    end: number,
    stapSize: number,
    out: Uint8Array[],
  ): void {
    if (end - start === 1) {
      out.push(nalUnits[start]!);
      return;
    }
    if (end - start < 1) return;
    out.push(aggregate(nalUnits, start, end, stapSize));
  }
}

/**
 * Builds a STAP-A (RFC 6184 §5.7.1): NAL header with type 24, F = OR of the F bits and
 * NRI = the largest NRI of the aggregated units, then `size16 NAL unit` entries.
 */
function aggregate(
  nalUnits: readonly Uint8Array[],
  start: number,
  end: number,
  size: number,
): Uint8Array {
  const out = new Uint8Array(size);
  let f = 0;
  let nri = 0;
  let offset = 1;
  for (let i = start; i < end; i++) {
    const nalu = nalUnits[i]!;
    f |= nalu[0]! & 0x80;
    nri = Math.max(nri, nalu[0]! & 0x60);
    out[offset] = nalu.byteLength >> 8;
    out[offset + 1] = nalu.byteLength & 0xff;
    out.set(nalu, offset + 2);
    offset += 2 + nalu.byteLength;
  }
  out[0] = f | nri | H264_NAL_TYPE.STAP_A;
  return out;
}

/**
 * Splits a NAL unit into FU-A payloads (RFC 6184 §5.8). The NAL header byte is not sent: its
 * F and NRI go to the FU indicator and its type to the FU header.
 */
function fragment(nalu: Uint8Array, maxPayloadSize: number, out: Uint8Array[]): void {
  const indicator = (nalu[0]! & 0xe0) | H264_NAL_TYPE.FU_A;
  const type = nalu[0]! & 0x1f;
  const chunk = maxPayloadSize - FU_A_HEADER_BYTES;
  for (let offset = 1; offset < nalu.byteLength; offset += chunk) {
    const end = Math.min(offset + chunk, nalu.byteLength);
    const payload = new Uint8Array(FU_A_HEADER_BYTES + end - offset);
    payload[0] = indicator;
    payload[1] = (offset === 1 ? 0x80 : 0) | (end === nalu.byteLength ? 0x40 : 0) | type;
    payload.set(nalu.subarray(offset, end), FU_A_HEADER_BYTES);
    out.push(payload);
  }
}
