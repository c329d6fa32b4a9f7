/**
 * H.265 RTP packetizer (RFC 7798, without DONL).
 *
 * @module
 */

import type { RtpPacket } from "../../rtp/mod.ts";
import { type PacketizerOptions, PacketizerState } from "../_packetizer_state.ts";

/** Options of {@linkcode H265Packetizer}. */
export type H265PacketizerOptions = PacketizerOptions;

/** Aggregation packet NAL unit type (RFC 7798 §4.4.2). */
const AP = 48;
/** Fragmentation unit NAL unit type (RFC 7798 §4.4.3). */
const FU = 49;

/**
 * Turns H.265 access units (arrays of NAL units without start codes) into RTP packets: single NAL
 * unit packets (views of the caller's bytes), aggregation packets of small NAL units, and
 * fragmentation units of large ones (RFC 7798 §4.4.1-§4.4.3). The last packet of an access unit
 * carries the marker bit.
 *
 * ```
 * PayloadHdr: F(1) Type(6) LayerId(6) TID(3)    FU header: S(1) E(1) FuType(6)
 * ```
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { H265Packetizer } from "./h265_packetizer.ts";
 * const p = new H265Packetizer({ payloadType: 96 });
 * const vps = new Uint8Array([0x40, 0x01, 0x0c]);
 * const sps = new Uint8Array([0x42, 0x01, 0x01]);
 * const [ap] = p.packetize([vps, sps], 0);
 * assert.equal(ap.payload[0] >> 1, 48);
 * ```
 */
export class H265Packetizer {
  readonly #state: PacketizerState;

  /** @param options Payload type, and optionally SSRC, initial sequence number and packet size. */
  constructor(options: H265PacketizerOptions) {
    this.#state = new PacketizerState(options, 4, "H265Packetizer");
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
   * Packetizes one access unit.
   *
   * @param nalUnits The NAL units, without start codes, in decoding order.
   * @param timestamp RTP timestamp (90 kHz).
   * @returns The RTP packets.
   * @throws {RangeError} When a NAL unit is shorter than its 2-byte header.
   */
  packetize(nalUnits: readonly Uint8Array[], timestamp: number): RtpPacket[] {
    const max = this.#state.maxPayloadSize;
    const payloads: Uint8Array[] = [];
    let batch: Uint8Array[] = [];
    let batchSize = 2;
    const flush = () => {
      if (batch.length === 1) payloads.push(batch[0]!);
      else if (batch.length > 1) payloads.push(aggregate(batch, batchSize));
      batch = [];
      batchSize = 2;
    };
    for (let i = 0; i < nalUnits.length; i++) {
      const nalu = nalUnits[i]!;
      if (nalu.byteLength < 3) {
        throw new RangeError(
          `Cannot packetize H.265 access unit: NAL unit ${i} is shorter than 3 bytes`,
        );
      }
      const entry = 2 + nalu.byteLength;
      if (batchSize + entry > max) flush();
      if (2 + entry <= max) {
        batch.push(nalu);
        batchSize += entry;
      } else if (nalu.byteLength <= max) {
        payloads.push(nalu);
      } else {
        fragment(nalu, max, payloads);
      }
    }
    flush();
    return this.#state.packets(payloads, timestamp);
  }
}

/** Builds an AP: PayloadHdr (F = OR, LayerId and TID = lowest), then `size16 NAL unit` entries. */
function aggregate(nalUnits: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let f = 0;
  let layerId = 63;
  let tid = 7;
  let offset = 2;
  for (const nalu of nalUnits) {
    f |= nalu[0]! & 0x80;
    layerId = Math.min(layerId, ((nalu[0]! & 0x01) << 5) | (nalu[1]! >> 3));
    tid = Math.min(tid, nalu[1]! & 0x07);
    out[offset] = nalu.byteLength >> 8;
    out[offset + 1] = nalu.byteLength & 0xff;
    out.set(nalu, offset + 2);
    offset += 2 + nalu.byteLength;
  }
  out[0] = f | (AP << 1) | (layerId >> 5);
  out[1] = ((layerId & 0x1f) << 3) | tid;
  return out;
}

/** Splits a NAL unit into FUs: PayloadHdr with type 49, FU header, data (one allocation each). */
function fragment(nalu: Uint8Array, max: number, out: Uint8Array[]): void {
  const h0 = (nalu[0]! & 0x81) | (FU << 1);
  const h1 = nalu[1]!;
  const type = (nalu[0]! >> 1) & 0x3f;
  const chunk = max - 3;
  for (let offset = 2; offset < nalu.byteLength; offset += chunk) {
    const end = Math.min(offset + chunk, nalu.byteLength);
    const payload = new Uint8Array(3 + end - offset);
    payload[0] = h0;
    payload[1] = h1;
    payload[2] = (offset === 2 ? 0x80 : 0) | (end === nalu.byteLength ? 0x40 : 0) | type;
    payload.set(nalu.subarray(offset, end), 3);
    out.push(payload);
  }
}
