/**
 * H.265 RTP packetizer (RFC 7798).
 *
 * @module
 */

import type { RtpPacket } from "../../rtp/mod.ts";
import { type PacketizerOptions, PacketizerState } from "../_packetizer_state.ts";

/** Options of {@linkcode H265Packetizer}. */
export interface H265PacketizerOptions extends PacketizerOptions {
  /**
   * sprop-max-don-diff of the stream (RFC 7798 §7.1), 0 to 32767; default 0. Above 0 every
   * payload carries the DONL field (and DOND in aggregation packets) that such a stream must
   * have (§4.4.1-§4.4.3); pass the `maxDonDiff` of the stream's `H265Format`.
   *
   * Interop: ffmpeg 5.1 and GStreamer 1.22 (rtph265depay) read the DONL of a single NAL unit
   * packet as NAL unit data and fail to decode such a stream even with sprop-max-don-diff in
   * the SDP; keep the default of 0 for them.
   */
  maxDonDiff?: number;
}

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
 * With `maxDonDiff` above 0 the NAL units get decoding order numbers 0, 1, 2, ... (mod 65536)
 * in the order given: a DONL field after the payload header of single NAL unit packets (which
 * then cannot be views), of aggregation packets (each further NAL unit behind DOND = 0) and of
 * the first fragment of a fragmentation unit. Packets go out in decoding order, which every
 * sprop-max-don-diff allows; sending out of decoding order is left to the caller.
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
  readonly #donl: boolean;
  /** DON of the next NAL unit. */
  #don = 0;

  /**
   * @param options Payload type, and optionally SSRC, initial sequence number, packet size and
   *   sprop-max-don-diff.
   * @throws {RangeError} When `maxDonDiff` is not an integer from 0 to 32767, or the packet size
   *   leaves no room for a fragment.
   */
  constructor(options: H265PacketizerOptions) {
    const maxDonDiff = options.maxDonDiff ?? 0;
    if (!Number.isInteger(maxDonDiff) || maxDonDiff < 0 || maxDonDiff > 32767) {
      throw new RangeError(
        `Cannot create H265Packetizer: maxDonDiff must be an integer from 0 to 32767, got ${maxDonDiff}`,
      );
    }
    this.#donl = maxDonDiff > 0;
    // The first fragment of an FU needs room for PayloadHdr, FU header, DONL and one byte.
    this.#state = new PacketizerState(options, this.#donl ? 6 : 4, "H265Packetizer");
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
    // DONL adds 2 bytes to a single NAL unit packet, to an AP (DONL before the first unit,
    // DOND before the others: 1 byte per unit and 1 more) and to the first fragment of an FU.
    const donl = this.#donl ? 2 : 0;
    const perUnit = this.#donl ? 3 : 2;
    const apHeader = this.#donl ? 3 : 2;
    const payloads: Uint8Array[] = [];
    let batch: Uint8Array[] = [];
    let batchSize = apHeader;
    // DONs are taken for good only when the whole access unit is packetized.
    let nextDon = this.#don;
    let batchDon = nextDon;
    const flush = () => {
      if (batch.length === 1) payloads.push(this.#single(batch[0]!, batchDon));
      else if (batch.length > 1) payloads.push(aggregate(batch, batchSize, this.#donl, batchDon));
      batch = [];
      batchSize = apHeader;
    };
    for (let i = 0; i < nalUnits.length; i++) {
      const nalu = nalUnits[i]!;
      if (nalu.byteLength < 3) {
        throw new RangeError(
          `Cannot packetize H.265 access unit: NAL unit ${i} is shorter than 3 bytes`,
        );
      }
      const entry = perUnit + nalu.byteLength;
      if (batchSize + entry > max) flush();
      const don = nextDon;
      nextDon = (nextDon + 1) & 0xffff;
      if (apHeader + entry <= max) {
        if (batch.length === 0) batchDon = don;
        batch.push(nalu);
        batchSize += entry;
      } else if (nalu.byteLength + donl <= max) {
        payloads.push(this.#single(nalu, don));
      } else {
        fragment(nalu, max, this.#donl ? don : undefined, payloads);
      }
    }
    flush();
    this.#don = nextDon;
    return this.#state.packets(payloads, timestamp);
  }

  /** A single NAL unit packet: the NAL unit itself, or with DONL a copy with it (§4.4.1). */
  #single(nalu: Uint8Array, don: number): Uint8Array {
    if (!this.#donl) return nalu;
    const out = new Uint8Array(nalu.byteLength + 2);
    out[0] = nalu[0]!;
    out[1] = nalu[1]!;
    out[2] = don >> 8;
    out[3] = don & 0xff;
    out.set(nalu.subarray(2), 4);
    return out;
  }
}

/**
 * Builds an AP: PayloadHdr (F = OR, LayerId and TID = lowest), then `size16 NAL unit` entries;
 * with DONL, the DON of the first unit before it and DOND = 0 before each further one, the DONs
 * being consecutive.
 */
function aggregate(nalUnits: Uint8Array[], size: number, donl: boolean, don: number): Uint8Array {
  const out = new Uint8Array(size);
  let f = 0;
  let layerId = 63;
  let tid = 7;
  let offset = 2;
  for (const nalu of nalUnits) {
    if (donl && offset === 2) {
      out[2] = don >> 8;
      out[3] = don & 0xff;
      offset = 4;
    } else if (donl) {
      out[offset++] = 0; // DOND: the next DON
    }
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

/**
 * Splits a NAL unit into FUs: PayloadHdr with type 49, FU header, DONL on the first when `don`
 * is given, data (one allocation each).
 */
function fragment(nalu: Uint8Array, max: number, don: number | undefined, out: Uint8Array[]): void {
  const h0 = (nalu[0]! & 0x81) | (FU << 1);
  const h1 = nalu[1]!;
  const type = (nalu[0]! >> 1) & 0x3f;
  for (let offset = 2; offset < nalu.byteLength;) {
    const head = offset === 2 && don !== undefined ? 5 : 3;
    const end = Math.min(offset + max - head, nalu.byteLength);
    const payload = new Uint8Array(head + end - offset);
    payload[0] = h0;
    payload[1] = h1;
    payload[2] = (offset === 2 ? 0x80 : 0) | (end === nalu.byteLength ? 0x40 : 0) | type;
    if (head === 5) {
      payload[3] = don! >> 8;
      payload[4] = don! & 0xff;
    }
    payload.set(nalu.subarray(offset, end), head);
    out.push(payload);
    offset = end;
  }
}
