/**
 * The de-interleaving buffer of RFC 6184 interleaved mode (§7.2.2) and of RFC 7798 with
 * sprop-max-don-diff > 0 (§6, the de-packetization buffer): NAL units received in transmission
 * order are put back in decoding order by their DON, then grouped into access units.
 *
 * @internal
 * @module
 */

import type { NalAccessUnit } from "./_access_unit_assembler.ts";
import { seqDelta } from "./_packetizer_state.ts";

/** A NAL unit with its decoding order number and NALU-time. */
export interface DonNalUnit {
  /** Decoding order number, 0-65535. */
  don: number;
  /** NALU-time: the RTP timestamp the NAL unit would have in its own packet. */
  timestamp: number;
  /** The NAL unit. */
  nalu: Uint8Array;
}

interface Buffered {
  /** DON extended past 16 bits (RFC 6184 §8.1 AbsDON), so that wrapping keeps the order. */
  absDon: number;
  timestamp: number;
  nalu: Uint8Array;
}

interface Pending {
  timestamp: number;
  nalUnits: Uint8Array[];
  bytes: number;
  broken: boolean;
}

/**
 * When {@linkcode Deinterleaver} lets a NAL unit out, and its bounds. The unit with the
 * smallest DON leaves while any of the release conditions that are set holds.
 */
export interface DeinterleaverOptions {
  /** Whether a NAL unit is a VCL NAL unit, by its header. */
  isVcl(nalu: Uint8Array): boolean;
  /**
   * RFC 6184 §7.2.2: the buffer holds this many VCL NAL units (sprop-interleaving-depth + 1).
   */
  releaseAtVclUnits?: number;
  /**
   * RFC 7798 §6: the greatest AbsDon in the buffer is at least this much above the smallest
   * (sprop-max-don-diff).
   */
  releaseAtDonSpan?: number;
  /** RFC 7798 §6: the buffer holds more NAL units than this (sprop-depack-buf-nalus). */
  releaseAboveNalUnits?: number;
  /** How far behind the last DON out a DON means that the sender restarted its numbering. */
  restartGap: number;
  /** Largest access unit in bytes; a buffer holding more lets units out. */
  maxAccessUnitBytes: number;
  /** Most NAL units in one access unit; a buffer holding more lets units out. */
  maxNalUnitsPerAccessUnit: number;
}

/** Timestamps of broken access units remembered at most. */
const MAX_BROKEN = 64;

/**
 * Reorders NAL units by DON and groups them into access units.
 *
 * NAL units wait in the buffer until a release condition of the options holds; then the one
 * with the smallest DON goes out (RFC 6184 §7.2.2 and RFC 7798 §6, buffering while playing).
 * Units that go out in a row with the same NALU-time form an access unit, which is complete
 * when a unit of another NALU-time goes out, or on {@linkcode flush}. An access unit that lost
 * a NAL unit (as far as {@linkcode markLoss} can tell) is dropped and counted.
 */
export class Deinterleaver {
  readonly #isVcl: (nalu: Uint8Array) => boolean;
  readonly #releaseAtVcl: number;
  readonly #releaseAtSpan: number;
  readonly #releaseAboveUnits: number;
  /** How far behind the last DON out a DON means a restart rather than a late unit. */
  readonly #restartGap: number;
  readonly #maxBytes: number;
  readonly #maxNalUnits: number;
  #buffer: Buffered[] = [];
  #vcl = 0;
  #bytes = 0;
  #maxAbsDon: number | undefined;
  #lastOutAbsDon = -Infinity;
  #pending: Pending | undefined;
  /** NALU-times of access units known to miss a NAL unit. */
  #broken = new Set<number>();
  #dropped = 0;

  /** @param options Release conditions and memory bounds. */
  constructor(options: DeinterleaverOptions) {
    this.#isVcl = options.isVcl;
    this.#releaseAtVcl = options.releaseAtVclUnits ?? Infinity;
    this.#releaseAtSpan = options.releaseAtDonSpan ?? Infinity;
    this.#releaseAboveUnits = options.releaseAboveNalUnits ?? Infinity;
    this.#restartGap = options.restartGap;
    this.#maxBytes = options.maxAccessUnitBytes;
    this.#maxNalUnits = options.maxNalUnitsPerAccessUnit;
  }

  /** Access units dropped because they missed a NAL unit or went over the bounds. */
  get droppedAccessUnits(): number {
    return this.#dropped;
  }

  /**
   * Puts a NAL unit in the buffer. One whose decoding position has already gone out is late:
   * it is dropped and its access unit marked broken. One far behind the newest DON (by more
   * than the restart gap) means the sender restarted its DON numbering: what is buffered goes
   * out first.
   *
   * @param unit The NAL unit with its DON and NALU-time.
   * @param out Receives the access units completed by a restart.
   */
  insert(unit: DonNalUnit, out: NalAccessUnit[]): void {
    let ref = this.#maxAbsDon;
    let absDon = ref === undefined ? unit.don : ref + seqDelta(unit.don, ref & 0xffff);
    // Far behind the newest DON (and so behind every unit a sender may still send before it):
    // the sender started a new numbering.
    if (ref !== undefined && absDon < ref - this.#restartGap) {
      this.flush(out);
      this.reset();
      ref = undefined;
      absDon = unit.don;
    } else if (absDon < this.#lastOutAbsDon) {
      this.markBroken(unit.timestamp);
      return;
    }
    if (ref === undefined || absDon > ref) this.#maxAbsDon = absDon;
    // Insert after the units of equal or smaller DON, so equal DONs keep transmission order.
    let lo = 0;
    let hi = this.#buffer.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.#buffer[mid]!.absDon <= absDon) lo = mid + 1;
      else hi = mid;
    }
    this.#buffer.splice(lo, 0, { absDon, timestamp: unit.timestamp, nalu: unit.nalu });
    if (this.#isVcl(unit.nalu)) this.#vcl++;
    this.#bytes += unit.nalu.byteLength;
  }

  /**
   * Marks the access units that may have lost a NAL unit: those with a unit in the buffer and
   * the one going out, since a lost unit can only belong near them in decoding order.
   */
  markLoss(): void {
    for (const b of this.#buffer) this.markBroken(b.timestamp);
    if (this.#pending !== undefined) this.#pending.broken = true;
  }

  /**
   * Takes out the NAL units the buffer no longer needs to hold.
   *
   * @param out Receives the access units completed.
   */
  drain(out: NalAccessUnit[]): void {
    while (this.#buffer.length > 0 && this.#mustRelease()) this.#emit(this.#buffer.shift()!, out);
  }

  /**
   * Takes out every buffered NAL unit and completes the last access unit (end of stream).
   *
   * @param out Receives the access units completed.
   */
  flush(out: NalAccessUnit[]): void {
    while (this.#buffer.length > 0) this.#emit(this.#buffer.shift()!, out);
    this.#finish(out);
  }

  /** Forgets every buffered NAL unit and the DON state. */
  reset(): void {
    this.#buffer = [];
    this.#vcl = 0;
    this.#bytes = 0;
    this.#maxAbsDon = undefined;
    this.#lastOutAbsDon = -Infinity;
    this.#pending = undefined;
    this.#broken.clear();
  }

  /**
   * Marks the access unit of a NALU-time as missing a NAL unit (e.g. an unfinished FU).
   *
   * @param timestamp The NALU-time.
   */
  markBroken(timestamp: number): void {
    if (this.#pending?.timestamp === timestamp) this.#pending.broken = true;
    this.#broken.add(timestamp);
    if (this.#broken.size > MAX_BROKEN) {
      this.#broken.delete(this.#broken.values().next().value!);
    }
  }

  #mustRelease(): boolean {
    const b = this.#buffer;
    return this.#vcl >= this.#releaseAtVcl ||
      b[b.length - 1]!.absDon - b[0]!.absDon >= this.#releaseAtSpan ||
      b.length > this.#releaseAboveUnits ||
      this.#bytes > this.#maxBytes || b.length > this.#maxNalUnits;
  }

  #emit(b: Buffered, out: NalAccessUnit[]): void {
    if (this.#isVcl(b.nalu)) this.#vcl--;
    this.#bytes -= b.nalu.byteLength;
    this.#lastOutAbsDon = b.absDon;
    if (this.#pending !== undefined && this.#pending.timestamp !== b.timestamp) this.#finish(out);
    const p = this.#pending ??= {
      timestamp: b.timestamp,
      nalUnits: [],
      bytes: 0,
      broken: this.#broken.has(b.timestamp),
    };
    p.bytes += b.nalu.byteLength;
    if (p.bytes > this.#maxBytes || p.nalUnits.length >= this.#maxNalUnits) p.broken = true;
    if (!p.broken) p.nalUnits.push(b.nalu);
  }

  #finish(out: NalAccessUnit[]): void {
    const p = this.#pending;
    if (p === undefined) return;
    this.#pending = undefined;
    this.#broken.delete(p.timestamp);
    if (p.broken) this.#dropped++;
    else out.push({ timestamp: p.timestamp, nalUnits: p.nalUnits });
  }
}
