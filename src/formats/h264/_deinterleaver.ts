/**
 * The de-interleaving buffer of RFC 6184 interleaved mode (§7.2.2): NAL units received in
 * transmission order are put back in decoding order by their DON, then grouped into access units.
 *
 * @internal
 * @module
 */

import type { NalAccessUnit } from "../_access_unit_assembler.ts";
import { seqDelta } from "../_packetizer_state.ts";

/** A NAL unit of interleaved mode with its decoding order number and NALU-time. */
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

/** Bounds of {@linkcode Deinterleaver}. */
export interface DeinterleaverOptions {
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

/** Timestamps of broken access units remembered at most. */
const MAX_BROKEN = 64;

/** Whether a NAL unit is a VCL NAL unit (coded slice or data partition, types 1-5). */
function isVcl(nalu: Uint8Array): boolean {
  const type = nalu[0]! & 0x1f;
  return type >= 1 && type <= 5;
}

/**
 * Reorders NAL units by DON and groups them into access units.
 *
 * NAL units wait in the buffer until it holds N = interleavingDepth + 1 VCL NAL units; then the
 * one with the smallest DON goes out (§7.2.2, buffering while playing). Units that go out in a
 * row with the same NALU-time form an access unit, which is complete when a unit of another
 * NALU-time goes out, or on {@linkcode flush}. An access unit that lost a NAL unit (as far as
 * {@linkcode markLoss} can tell) is dropped and counted.
 */
export class Deinterleaver {
  readonly #n: number;
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

  /** @param options Interleaving depth and memory bounds. */
  constructor(options: DeinterleaverOptions) {
    this.#n = options.interleavingDepth + 1;
    this.#restartGap = 1024 + 2 * this.#n;
    this.#maxBytes = options.maxAccessUnitBytes;
    this.#maxNalUnits = options.maxNalUnitsPerAccessUnit;
  }

  /** Access units dropped because they missed a NAL unit or went over the bounds. */
  get droppedAccessUnits(): number {
    return this.#dropped;
  }

  /**
   * Puts a NAL unit in the buffer. One whose decoding position has already gone out is late:
   * it is dropped and its access unit marked broken. One far behind that means the sender
   * restarted its DON numbering: what is buffered goes out first.
   *
   * @param unit The NAL unit with its DON and NALU-time.
   * @param out Receives the access units completed by a restart.
   */
  insert(unit: DonNalUnit, out: NalAccessUnit[]): void {
    let ref = this.#maxAbsDon;
    let absDon = ref === undefined ? unit.don : ref + seqDelta(unit.don, ref & 0xffff);
    if (absDon < this.#lastOutAbsDon - this.#restartGap) {
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
    if (isVcl(unit.nalu)) this.#vcl++;
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
    while (
      this.#buffer.length > 0 &&
      (this.#vcl >= this.#n || this.#bytes > this.#maxBytes ||
        this.#buffer.length > this.#maxNalUnits)
    ) {
      this.#emit(this.#buffer.shift()!, out);
    }
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

  #emit(b: Buffered, out: NalAccessUnit[]): void {
    if (isVcl(b.nalu)) this.#vcl--;
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
