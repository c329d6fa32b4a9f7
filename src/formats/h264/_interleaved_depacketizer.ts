/**
 * H.264 RTP depacketization in interleaved mode (RFC 6184 packetization-mode 2).
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
 * NAL units with their DON and NALU-time for a {@linkcode DonDepacketizer}.
 * Single NAL unit packets and STAP-A are invalid in this mode (§6.4).
 *
 * ```
 * STAP-B:  | hdr (type 25) | DON (16) | size (16) | NAL unit | size (16) | NAL unit | ...
 * MTAP16:  | hdr (type 26) | DONB (16) | size (16) | DOND (8) | TS offset (16) | NAL unit | ...
 * MTAP24:  | hdr (type 27) | DONB (16) | size (16) | DOND (8) | TS offset (24) | NAL unit | ...
 * FU-B:    | FU indicator (type 29) | FU header (S=1) | DON (16) | FU payload
 * ```
 */
export class InterleavedDepacketizer extends DonDepacketizer {
  /** @param options Interleaving depth and bounds. */
  constructor(options: InterleavedDepacketizerOptions) {
    // §7.2.2: a unit leaves once N = depth + 1 VCL NAL units are buffered.
    const n = options.interleavingDepth + 1;
    super(INTERLEAVED_PAYLOADS, {
      isVcl,
      releaseAtVclUnits: n,
      restartGap: 1024 + 2 * n,
      maxAccessUnitBytes: options.maxAccessUnitBytes,
      maxNalUnitsPerAccessUnit: options.maxNalUnitsPerAccessUnit,
    });
  }
}

/** The payloads of interleaved mode. */
const INTERLEAVED_PAYLOADS: DonPayloadFormat = { continuesFragment, read };

/** Any packet but an FU-A ends a fragmented NAL unit. */
function continuesFragment(p: Uint8Array): boolean {
  return p.byteLength > 0 && (p[0]! & 0x1f) === H264_NAL_TYPE.FU_A;
}

/** The NAL units a payload completes; undefined when it is invalid. */
function read(p: Uint8Array, ts: number, fragments: DonFragments): DonNalUnit[] | undefined {
  if (p.byteLength < 2) return undefined;
  const type = p[0]! & 0x1f;
  // An FU payload may be empty (§5.8).
  if (type === H264_NAL_TYPE.FU_A || type === H264_NAL_TYPE.FU_B) {
    return readFu(p, ts, fragments);
  }
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

/** Reads an FU-B (the start, with the DON) or an FU-A (the fragments after it). */
function readFu(p: Uint8Array, ts: number, fu: DonFragments): DonNalUnit[] | undefined {
  const fuHeader = p[1]!;
  // FU-B starts a fragmented NAL unit and only it does.
  const isFuB = (p[0]! & 0x1f) === H264_NAL_TYPE.FU_B;
  if (isFuB !== ((fuHeader & FU_START) !== 0)) return undefined;
  if (!isFuB) return fu.add(ts, p.subarray(2), fuHeader);
  if (p.byteLength < 4) return undefined;
  const header = new Uint8Array([(p[0]! & 0xe0) | (fuHeader & 0x1f)]);
  return fu.start(
    { don: (p[2]! << 8) | p[3]!, timestamp: ts, nalu: header },
    p.subarray(4),
    fuHeader,
  );
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
