/**
 * H.265 RTP depacketization with decoding order numbers (RFC 7798, sprop-max-don-diff > 0).
 *
 * @internal
 * @module
 */

import { concat } from "../../bytes/mod.ts";
import type { RtpPacket } from "../../rtp/mod.ts";
import { MAX_FRAGMENTS, type NalAccessUnit } from "../_access_unit_assembler.ts";
import { Deinterleaver, type DonNalUnit } from "../_deinterleaver.ts";
import { MAX_REORDER, seqDelta } from "../_packetizer_state.ts";

/** Options of {@linkcode DonlDepacketizer}. */
export interface DonlDepacketizerOptions {
  /** sprop-max-don-diff, 1 to 32767. */
  maxDonDiff: number;
  /** sprop-depack-buf-nalus; undefined when the sender did not signal it. */
  depackBufNalus: number | undefined;
  /** Largest access unit in bytes. */
  maxAccessUnitBytes: number;
  /** Most NAL units in one access unit. */
  maxNalUnitsPerAccessUnit: number;
}

/** Aggregation packet type (RFC 7798 §4.4.2). */
const AP = 48;
/** Fragmentation unit type (RFC 7798 §4.4.3). */
const FU = 49;

/** Whether an H.265 NAL unit is a VCL NAL unit (types 0-31). */
function isVcl(nalu: Uint8Array): boolean {
  return (nalu[0]! >> 1) < 32;
}

/**
 * Reads the DONL fields of single NAL unit packets, aggregation packets and fragmentation
 * units (RFC 7798 §4.4.1-§4.4.3), and hands the NAL units with their DON to a
 * {@linkcode Deinterleaver} that follows the de-packetization process of §6: a NAL unit leaves
 * the buffer, smallest AbsDon first, while the AbsDon values in the buffer span at least
 * sprop-max-don-diff, or while the buffer holds more than sprop-depack-buf-nalus NAL units.
 *
 * ```
 * single NAL unit: | PayloadHdr (16) | DONL (16) | NAL unit payload data
 * AP:  | PayloadHdr (type 48) | DONL (16) | size (16) | NALU 1 | DOND (8) | size (16) | NALU 2 | ...
 * FU:  | PayloadHdr (type 49) | FU header (S E FuType) | DONL (16), only when S = 1 | FU payload
 * ```
 *
 * The DON of a NAL unit after the first in an AP is the DON before it plus DOND + 1 (§4.4.2).
 * NAL units of one RTP timestamp that leave the buffer in a row form an access unit.
 */
export class DonlDepacketizer {
  readonly #deinterleaver: Deinterleaver;
  readonly #maxBytes: number;
  /** The FU in progress: DON and timestamp of its NAL unit, its pieces, bytes and count. */
  #fu:
    | { don: number; timestamp: number; parts: Uint8Array[]; bytes: number; count: number }
    | undefined;
  #lastSequenceNumber = -1;
  #invalid = 0;

  /** @param options sprop parameters and bounds. */
  constructor(options: DonlDepacketizerOptions) {
    this.#deinterleaver = new Deinterleaver({
      isVcl,
      releaseAtDonSpan: options.maxDonDiff,
      // Interop: a sender that signals sprop-max-don-diff alone would, by the default of 0, have
      // every NAL unit leave at once; the DON span and the bounds then decide alone.
      releaseAboveNalUnits: options.depackBufNalus,
      // A late unit is at most sprop-max-don-diff behind; far more means a new numbering.
      restartGap: Math.min(1024 + 2 * options.maxDonDiff, 30000),
      maxAccessUnitBytes: options.maxAccessUnitBytes,
      maxNalUnitsPerAccessUnit: options.maxNalUnitsPerAccessUnit,
    });
    this.#maxBytes = options.maxAccessUnitBytes;
  }

  /** Access units dropped because a packet was lost, late or invalid, or over the bounds. */
  get droppedAccessUnits(): number {
    return this.#deinterleaver.droppedAccessUnits;
  }

  /** Packets whose payload could not be parsed. */
  get invalidPackets(): number {
    return this.#invalid;
  }

  /**
   * Feeds one RTP packet.
   *
   * @param pkt The packet, in arrival order.
   * @returns The access units that leave the de-packetization buffer complete.
   */
  depacketize(pkt: RtpPacket): NalAccessUnit[] {
    const seq = pkt.sequenceNumber & 0xffff;
    const diff = this.#lastSequenceNumber < 0 ? 1 : seqDelta(seq, this.#lastSequenceNumber);
    if (diff <= 0 && diff > -MAX_REORDER) return []; // duplicate or late: already counted as loss
    this.#lastSequenceNumber = seq;
    const p = pkt.payload;
    // A lost packet, or any packet but an FU continuation within a fragmented NAL unit, ends
    // the FU (§4.4.3: the fragments of a NAL unit are sent in consecutive packets).
    let lost = diff !== 1 ||
      (this.#fu !== undefined && (p.byteLength < 3 || (p[0]! >> 1) !== FU || (p[2]! & 0x80) !== 0));
    if (lost) this.#dropFu();
    const units = this.#read(pkt);
    const out: NalAccessUnit[] = [];
    if (units === undefined) {
      this.#invalid++;
      this.#dropFu();
      lost = true;
    } else {
      for (const u of units) this.#deinterleaver.insert(u, out);
    }
    if (lost) this.#deinterleaver.markLoss();
    this.#deinterleaver.drain(out);
    return out;
  }

  /** @returns The access units still buffered, in decoding order (end of stream). */
  flush(): NalAccessUnit[] {
    const out: NalAccessUnit[] = [];
    this.#deinterleaver.flush(out);
    return out;
  }

  /** Forgets the buffer, the FU in progress and the sequence state. */
  reset(): void {
    this.#deinterleaver.reset();
    this.#fu = undefined;
    this.#lastSequenceNumber = -1;
  }

  #dropFu(): void {
    if (this.#fu !== undefined) this.#deinterleaver.markBroken(this.#fu.timestamp);
    this.#fu = undefined;
  }

  /** The NAL units a payload completes; undefined when it is invalid. */
  #read(pkt: RtpPacket): DonNalUnit[] | undefined {
    const p = pkt.payload;
    if (p.byteLength < 3) return undefined;
    const type = (p[0]! >> 1) & 0x3f;
    const timestamp = pkt.timestamp >>> 0;
    if (type < AP) {
      // §4.4.1: the NAL unit is the payload header and the data after the DONL.
      if (p.byteLength < 5) return undefined;
      const nalu = new Uint8Array(p.byteLength - 2);
      nalu.set(p.subarray(0, 2));
      nalu.set(p.subarray(4), 2);
      return [{ don: (p[2]! << 8) | p[3]!, timestamp, nalu }];
    }
    if (type === AP) return readAggregation(p, timestamp);
    if (type === FU) return this.#readFu(p, timestamp);
    return undefined; // 50 (PACI) and 51-63 are not supported
  }

  #readFu(p: Uint8Array, timestamp: number): DonNalUnit[] | undefined {
    const header = p[2]!;
    const start = (header & 0x80) !== 0;
    const end = (header & 0x40) !== 0;
    // A NAL unit is never sent in one FU (§4.4.3).
    if (start && end) return undefined;
    if (start) {
      if (this.#fu !== undefined || p.byteLength < 6) return undefined;
      const nalHeader = new Uint8Array([(p[0]! & 0x81) | ((header & 0x3f) << 1), p[1]!]);
      const data = p.subarray(5);
      this.#fu = {
        don: (p[3]! << 8) | p[4]!,
        timestamp,
        parts: [nalHeader, data],
        bytes: 2 + data.byteLength,
        count: 1,
      };
      return [];
    }
    const fu = this.#fu;
    if (fu === undefined || fu.timestamp !== timestamp || p.byteLength < 4) return undefined;
    const data = p.subarray(3);
    fu.bytes += data.byteLength;
    if (fu.bytes > this.#maxBytes || ++fu.count > MAX_FRAGMENTS) return undefined;
    fu.parts.push(data);
    if (!end) return [];
    this.#fu = undefined;
    return [{ don: fu.don, timestamp: fu.timestamp, nalu: concat(fu.parts) }];
  }
}

/**
 * Reads the aggregation units of an AP with DONL (RFC 7798 §4.4.2): DONL and the first NAL
 * unit, then DOND and each further one, every NAL unit behind its 16-bit size.
 */
function readAggregation(p: Uint8Array, timestamp: number): DonNalUnit[] | undefined {
  const units: DonNalUnit[] = [];
  let o = 2;
  let don = 0;
  while (o < p.byteLength) {
    const first = units.length === 0;
    const fields = first ? 4 : 3;
    if (o + fields > p.byteLength) return undefined;
    don = first ? (p[o]! << 8) | p[o + 1]! : (don + p[o]! + 1) & 0xffff;
    const size = (p[o + fields - 2]! << 8) | p[o + fields - 1]!;
    o += fields;
    if (size < 2 || o + size > p.byteLength) return undefined;
    units.push({ don, timestamp, nalu: p.subarray(o, o + size) });
    o += size;
  }
  return units.length > 0 ? units : undefined;
}
