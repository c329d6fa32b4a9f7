/**
 * Depacketization shared by the two modes that put NAL units in decoding order by their
 * decoding order number (DON): H.264 interleaved mode (RFC 6184 packetization-mode 2, §5.5 and
 * §6.3) and H.265 with DONL (RFC 7798 §6, sprop-max-don-diff > 0). Sequence tracking and loss,
 * the fragmented NAL unit in progress, the de-interleaving buffer, flush and reset are here;
 * each codec reads its own packet types and DON fields through a {@linkcode DonPayloadFormat}.
 *
 * @internal
 * @module
 */

import { concat } from "../bytes/mod.ts";
import type { RtpPacket } from "../rtp/mod.ts";
import { MAX_FRAGMENTS, type NalAccessUnit } from "./_access_unit_assembler.ts";
import { Deinterleaver, type DeinterleaverOptions, type DonNalUnit } from "./_deinterleaver.ts";
import { PacketReorderer } from "./_packet_reorderer.ts";
import { MAX_REORDER, seqDelta } from "./_packetizer_state.ts";

/**
 * The start bit of an FU header; its end bit is {@linkcode FU_END}. The two bits are the same in
 * RFC 6184 §5.8 and RFC 7798 §4.4.3, and never both set: a NAL unit is never sent in one FU.
 */
export const FU_START = 0x80;
/** The end bit of an FU header. */
export const FU_END = 0x40;

/** The fragmented NAL unit in progress, as a codec's payload reader adds to it. */
export interface DonFragments {
  /**
   * Starts a fragmented NAL unit.
   *
   * @param unit DON and NALU-time of the NAL unit (the DON comes in its first fragment only),
   *   and its header, rebuilt from the fragment's headers.
   * @param data The first fragment's data after its headers.
   * @param fuHeader The FU header, with {@linkcode FU_START} set.
   * @returns No NAL unit yet; undefined (invalid) when one is already in progress or the FU
   *   header also has {@linkcode FU_END}.
   */
  start(unit: DonNalUnit, data: Uint8Array, fuHeader: number): DonNalUnit[] | undefined;
  /**
   * Adds a later fragment; an empty one is valid (RFC 6184 §5.8).
   *
   * @param timestamp The packet's timestamp, which must be the NAL unit's.
   * @param data The fragment's data after its headers.
   * @param fuHeader The FU header, without {@linkcode FU_START}; {@linkcode FU_END} on the last.
   * @returns The NAL unit on its last fragment, none before; undefined (invalid) when no
   *   fragmented NAL unit of this timestamp is in progress or it goes over the bounds.
   */
  add(timestamp: number, data: Uint8Array, fuHeader: number): DonNalUnit[] | undefined;
}

/** What a codec supplies to {@linkcode DonDepacketizer}: how to read its payloads. */
export interface DonPayloadFormat {
  /**
   * Whether a payload continues a fragmented NAL unit; any other packet ends the one in
   * progress, since its fragments come in consecutive packets.
   */
  continuesFragment(payload: Uint8Array): boolean;
  /**
   * Reads a payload into NAL units with their DON and NALU-time.
   *
   * @param payload The payload.
   * @param timestamp The packet's RTP timestamp.
   * @param fragments The fragmented NAL unit in progress, for fragmentation units.
   * @returns The NAL units the payload completes; undefined when it is invalid.
   */
  read(payload: Uint8Array, timestamp: number, fragments: DonFragments): DonNalUnit[] | undefined;
}

/**
 * Feeds the NAL units that RTP packets carry, with their DON, to a {@linkcode Deinterleaver}.
 *
 * Packets are first put back in sequence order by a {@linkcode PacketReorderer}, then NAL units
 * in DON order: the DON orders NAL units, but the fragments of one NAL unit carry its DON in the
 * first only and must be joined in sequence order (RFC 6184 §5.8, RFC 7798 §4.4.3). A packet
 * after a gap waits until the gap fills, until a packet of another timestamp arrives, or until
 * 64 wait; then what is still missing counts as lost.
 *
 * A lost packet (a gap in the sequence numbers) or an invalid one marks the access units that may
 * miss a NAL unit, which are then dropped and counted; a fragmented NAL unit that loses a fragment,
 * or that another packet cuts short, breaks its access unit too. Duplicate and late packets are
 * ignored. Memory is bounded by the de-interleaving buffer's options and, for the fragmented NAL
 * unit in progress, by `maxAccessUnitBytes` and {@linkcode MAX_FRAGMENTS}.
 */
export class DonDepacketizer {
  readonly #format: DonPayloadFormat;
  readonly #deinterleaver: Deinterleaver;
  readonly #fragments: FragmentedNalUnit;
  readonly #reorderer = new PacketReorderer();
  #lastSequenceNumber = -1;
  #invalid = 0;

  /**
   * @param format How the codec reads its payloads.
   * @param options When NAL units leave the de-interleaving buffer, and its bounds.
   */
  constructor(format: DonPayloadFormat, options: DeinterleaverOptions) {
    this.#format = format;
    this.#deinterleaver = new Deinterleaver(options);
    this.#fragments = new FragmentedNalUnit(options.maxAccessUnitBytes);
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
    const out: NalAccessUnit[] = [];
    for (const p of this.#reorderer.push(pkt)) this.#readPacket(p, out);
    return out;
  }

  /**
   * @returns The access units still buffered, in decoding order (end of stream): the packets
   *   waiting behind a gap are read first (the missing ones are lost).
   */
  flush(): NalAccessUnit[] {
    const out = this.#reorderer.drain((p) => this.#readPacket(p));
    this.#deinterleaver.flush(out);
    return out;
  }

  /**
   * Forgets the buffer, the packets waiting behind a gap, the fragmented NAL unit in progress
   * and the sequence state.
   */
  reset(): void {
    this.#reorderer.reset();
    this.#deinterleaver.reset();
    this.#fragments.discard();
    this.#lastSequenceNumber = -1;
  }

  /** Reads one packet, in sequence order, where a gap is a loss; adds what it completes to `out`. */
  #readPacket(pkt: RtpPacket, out: NalAccessUnit[] = []): NalAccessUnit[] {
    const seq = pkt.sequenceNumber & 0xffff;
    const diff = this.#lastSequenceNumber < 0 ? 1 : seqDelta(seq, this.#lastSequenceNumber);
    if (diff <= 0 && diff > -MAX_REORDER) return out; // duplicate or late: already counted as loss
    this.#lastSequenceNumber = seq;
    const p = pkt.payload;
    let lost = diff !== 1 || (this.#fragments.inProgress && !this.#format.continuesFragment(p));
    if (lost) this.#dropFragment();
    const units = this.#format.read(p, pkt.timestamp >>> 0, this.#fragments);
    if (units === undefined) {
      this.#invalid++;
      this.#dropFragment();
      lost = true;
    } else {
      for (const u of units) this.#deinterleaver.insert(u, out);
    }
    if (lost) this.#deinterleaver.markLoss();
    this.#deinterleaver.drain(out);
    return out;
  }

  /** Gives up the fragmented NAL unit in progress, and with it its access unit. */
  #dropFragment(): void {
    const timestamp = this.#fragments.discard();
    if (timestamp !== undefined) this.#deinterleaver.markBroken(timestamp);
  }
}

/** The fragmented NAL unit in progress: its DON, NALU-time, pieces, bytes and fragment count. */
class FragmentedNalUnit implements DonFragments {
  readonly #maxBytes: number;
  #don = 0;
  #timestamp = 0;
  /** The pieces so far (first: the rebuilt header); empty when none is in progress. */
  #parts: Uint8Array[] = [];
  #bytes = 0;
  /** Fragments so far, empty ones included (at most {@linkcode MAX_FRAGMENTS}). */
  #count = 0;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  get inProgress(): boolean {
    return this.#parts.length > 0;
  }

  start(unit: DonNalUnit, data: Uint8Array, fuHeader: number): DonNalUnit[] | undefined {
    if (this.inProgress || (fuHeader & FU_END) !== 0) return undefined;
    this.#don = unit.don;
    this.#timestamp = unit.timestamp;
    this.#parts = [unit.nalu, data];
    this.#bytes = unit.nalu.byteLength + data.byteLength;
    this.#count = 1;
    return [];
  }

  add(timestamp: number, data: Uint8Array, fuHeader: number): DonNalUnit[] | undefined {
    if (!this.inProgress || timestamp !== this.#timestamp) return undefined;
    this.#bytes += data.byteLength;
    if (this.#bytes > this.#maxBytes || ++this.#count > MAX_FRAGMENTS) return undefined;
    // An empty fragment is valid but adds nothing to keep.
    if (data.byteLength > 0) this.#parts.push(data);
    if ((fuHeader & FU_END) === 0) return [];
    const nalu = concat(this.#parts);
    this.#parts = [];
    return [{ don: this.#don, timestamp: this.#timestamp, nalu }];
  }

  /** @returns The NALU-time of the NAL unit given up; undefined when none was in progress. */
  discard(): number | undefined {
    if (!this.inProgress) return undefined;
    this.#parts = [];
    return this.#timestamp;
  }
}
