/**
 * H.264 RTP depacketization in interleaved mode (RFC 6184 packetization-mode 2).
 *
 * @internal
 * @module
 */

import { concat } from "../../bytes/mod.ts";
import type { RtpPacket } from "../../rtp/mod.ts";
import { MAX_FRAGMENTS, type NalAccessUnit } from "../_access_unit_assembler.ts";
import { MAX_REORDER, seqDelta } from "../_packetizer_state.ts";
import { Deinterleaver, type DonNalUnit } from "../_deinterleaver.ts";
import { H264_NAL_TYPE } from "./_nal.ts";

/** Options of {@linkcode InterleavedDepacketizer}. */
export interface InterleavedDepacketizerOptions {
  /**
   * sprop-interleaving-depth: how many VCL NAL units may precede one in transmission order and
   * follow it in decoding order.
   */
  interleavingDepth: number;
  /** Largest access unit in bytes. */
  maxAccessUnitBytes: number;
  /** Most NAL units in one access unit. */
  maxNalUnitsPerAccessUnit: number;
}

/** Whether a NAL unit is a VCL NAL unit (coded slice or data partition, types 1-5). */
function isVcl(nalu: Uint8Array): boolean {
  const type = nalu[0]! & 0x1f;
  return type >= 1 && type <= 5;
}

/**
 * Reads STAP-B (§5.7.1), MTAP16 and MTAP24 (§5.7.2), and FU-B followed by FU-As (§5.8) into
 * NAL units with their DON and NALU-time, and hands them to a {@linkcode Deinterleaver}.
 * Single NAL unit packets and STAP-A are invalid in this mode (§6.4).
 *
 * ```
 * STAP-B:  | hdr (type 25) | DON (16) | size (16) | NAL unit | size (16) | NAL unit | ...
 * MTAP16:  | hdr (type 26) | DONB (16) | size (16) | DOND (8) | TS offset (16) | NAL unit | ...
 * MTAP24:  | hdr (type 27) | DONB (16) | size (16) | DOND (8) | TS offset (24) | NAL unit | ...
 * FU-B:    | FU indicator (type 29) | FU header (S=1) | DON (16) | FU payload
 * ```
 */
export class InterleavedDepacketizer {
  readonly #deinterleaver: Deinterleaver;
  readonly #maxBytes: number;
  /**
   * The FU in progress: DON and NALU-time of its NAL unit, its pieces so far, their bytes and
   * how many fragments came (empty ones included; at most {@linkcode MAX_FRAGMENTS}).
   */
  #fu:
    | { don: number; timestamp: number; parts: Uint8Array[]; bytes: number; count: number }
    | undefined;
  #lastSequenceNumber = -1;
  #invalid = 0;

  /** @param options Interleaving depth and bounds. */
  constructor(options: InterleavedDepacketizerOptions) {
    // §7.2.2: a unit leaves once N = depth + 1 VCL NAL units are buffered.
    const n = options.interleavingDepth + 1;
    this.#deinterleaver = new Deinterleaver({
      isVcl,
      releaseAtVclUnits: n,
      restartGap: 1024 + 2 * n,
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
   * @returns The access units that leave the de-interleaving buffer complete.
   */
  depacketize(pkt: RtpPacket): NalAccessUnit[] {
    const seq = pkt.sequenceNumber & 0xffff;
    const diff = this.#lastSequenceNumber < 0 ? 1 : seqDelta(seq, this.#lastSequenceNumber);
    if (diff <= 0 && diff > -MAX_REORDER) return []; // duplicate or late: already counted as loss
    this.#lastSequenceNumber = seq;
    const p = pkt.payload;
    // A lost packet, or any packet but an FU-A within a fragmented NAL unit, ends the FU.
    let lost = diff !== 1 ||
      (this.#fu !== undefined && (p.byteLength === 0 || (p[0]! & 0x1f) !== H264_NAL_TYPE.FU_A));
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
    if (p.byteLength < 2) return undefined;
    const type = p[0]! & 0x1f;
    const ts = pkt.timestamp >>> 0;
    // An FU payload may be empty (§5.8).
    if (type === H264_NAL_TYPE.FU_A || type === H264_NAL_TYPE.FU_B) return this.#readFu(p, ts);
    if (p.byteLength < 3) return undefined;
    const base = (p[1]! << 8) | p[2]!;
    if (type === H264_NAL_TYPE.STAP_B) return readAggregation(p, 0, (i) => [base + i, ts]);
    if (type === H264_NAL_TYPE.MTAP16 || type === H264_NAL_TYPE.MTAP24) {
      const tsBytes = type === H264_NAL_TYPE.MTAP16 ? 2 : 3;
      return readAggregation(p, 1 + tsBytes, (_, o) => {
        let offset = (p[o + 1]! << 8) | p[o + 2]!;
        if (tsBytes === 3) offset = (offset << 8) | p[o + 3]!;
        return [base + p[o]!, ts + offset];
      });
    }
    return undefined; // single NAL unit packets, STAP-A and types 0, 30, 31
  }

  #readFu(p: Uint8Array, timestamp: number): DonNalUnit[] | undefined {
    const header = p[1]!;
    const start = (header & 0x80) !== 0;
    const end = (header & 0x40) !== 0;
    const isFuB = (p[0]! & 0x1f) === H264_NAL_TYPE.FU_B;
    // FU-B starts a fragmented NAL unit and only it does; S and E are never both set.
    if (start !== isFuB || (start && end)) return undefined;
    if (start) {
      if (this.#fu !== undefined || p.byteLength < 4) return undefined;
      const nalHeader = new Uint8Array([(p[0]! & 0xe0) | (header & 0x1f)]);
      const data = p.subarray(4);
      this.#fu = {
        don: (p[2]! << 8) | p[3]!,
        timestamp,
        parts: [nalHeader, data],
        bytes: 1 + data.byteLength,
        count: 1,
      };
      return [];
    }
    const fu = this.#fu;
    if (fu === undefined || fu.timestamp !== timestamp) return undefined;
    const data = p.subarray(2);
    fu.bytes += data.byteLength;
    if (fu.bytes > this.#maxBytes || ++fu.count > MAX_FRAGMENTS) return undefined;
    // An empty FU payload is valid (§5.8) but adds nothing to keep.
    if (data.byteLength > 0) fu.parts.push(data);
    if (!end) return [];
    this.#fu = undefined;
    return [{ don: fu.don, timestamp: fu.timestamp, nalu: concat(fu.parts) }];
  }
}

/**
 * Reads the aggregation units that follow the 3-byte header of an STAP-B or MTAP: a 16-bit
 * NAL unit size, `extra` bytes (DOND and TS offset for MTAPs, none for STAP-B), the NAL unit.
 * The size counts the NAL unit alone, never the `extra` bytes (§5.7.2: "size information of
 * the following NAL unit").
 *
 * @param p The payload.
 * @param extra Bytes between the size field and the NAL unit.
 * @param donAndTime DON and NALU-time of unit `i` whose extra bytes start at `o`.
 */
function readAggregation(
  p: Uint8Array,
  extra: number,
  donAndTime: (i: number, o: number) => [number, number],
): DonNalUnit[] | undefined {
  const units: DonNalUnit[] = [];
  let o = 3;
  if (o >= p.byteLength) return undefined;
  while (o < p.byteLength) {
    if (o + 2 + extra > p.byteLength) return undefined;
    const size = (p[o]! << 8) | p[o + 1]!;
    const [don, timestamp] = donAndTime(units.length, o + 2);
    o += 2 + extra;
    if (size === 0 || o + size > p.byteLength) return undefined;
    units.push({ don: don & 0xffff, timestamp: timestamp >>> 0, nalu: p.subarray(o, o + size) });
    o += size;
  }
  return units;
}
