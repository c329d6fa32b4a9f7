/**
 * H.265 RTP depacketization with decoding order numbers (RFC 7798, sprop-max-don-diff > 0).
 *
 * @internal
 * @module
 */

import type { DonNalUnit } from "../_deinterleaver.ts";
import {
  DonDepacketizer,
  type DonFragments,
  type DonPayloadFormat,
  FU_START,
} from "../_don_depacketizer.ts";

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
 * units (RFC 7798 §4.4.1-§4.4.3); a {@linkcode DonDepacketizer} puts the NAL units in order
 * by the de-packetization process of §6: a NAL unit leaves
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
export class DonlDepacketizer extends DonDepacketizer {
  /** @param options sprop parameters and bounds. */
  constructor(options: DonlDepacketizerOptions) {
    super(DONL_PAYLOADS, {
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
  }
}

/** The payloads with DONL. */
const DONL_PAYLOADS: DonPayloadFormat = { continuesFragment, read };

/**
 * Only an FU continuation keeps a fragmented NAL unit going (§4.4.3: the fragments of a NAL
 * unit are sent in consecutive packets).
 */
function continuesFragment(p: Uint8Array): boolean {
  return p.byteLength >= 3 && (p[0]! >> 1) === FU && (p[2]! & FU_START) === 0;
}

/** The NAL units a payload completes; undefined when it is invalid. */
function read(
  p: Uint8Array,
  timestamp: number,
  fragments: DonFragments,
): DonNalUnit[] | undefined {
  if (p.byteLength < 3) return undefined;
  const type = (p[0]! >> 1) & 0x3f;
  if (type < AP) {
    // §4.4.1: the NAL unit is the payload header and the data after the DONL.
    if (p.byteLength < 5) return undefined;
    const nalu = new Uint8Array(p.byteLength - 2);
    nalu.set(p.subarray(0, 2));
    nalu.set(p.subarray(4), 2);
    return [{ don: (p[2]! << 8) | p[3]!, timestamp, nalu }];
  }
  if (type === AP) return readAggregation(p, timestamp);
  if (type === FU) return readFu(p, timestamp, fragments);
  return undefined; // 50 (PACI) and 51-63 are not supported
}

/** Reads an FU: the DONL comes in the first fragment only (§4.4.3). */
function readFu(p: Uint8Array, ts: number, fu: DonFragments): DonNalUnit[] | undefined {
  const fuHeader = p[2]!;
  if ((fuHeader & FU_START) === 0) {
    return p.byteLength < 4 ? undefined : fu.add(ts, p.subarray(3), fuHeader);
  }
  if (p.byteLength < 6) return undefined;
  const header = new Uint8Array([(p[0]! & 0x81) | ((fuHeader & 0x3f) << 1), p[1]!]);
  return fu.start(
    { don: (p[3]! << 8) | p[4]!, timestamp: ts, nalu: header },
    p.subarray(5),
    fuHeader,
  );
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
