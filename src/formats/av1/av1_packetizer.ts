/**
 * AV1 RTP packetizer (AOM AV1 RTP payload format v1.0 §4.4–§5).
 *
 * @module
 */

import type { RtpPacket } from "../../rtp/mod.ts";
import { type PacketizerOptions, PacketizerState } from "../_packetizer_state.ts";
import { AV1_OBU_TYPE, leb128Size, locateObu, obuType, writeLeb128 } from "./_obu.ts";

/** Options of {@linkcode Av1Packetizer}. */
export type Av1PacketizerOptions = PacketizerOptions;

/** An OBU as sent: its header with obu_has_size_field cleared, then its payload. */
interface Element {
  head: Uint8Array;
  body: Uint8Array;
  size: number;
  /** temporal_id and spatial_id from the extension header, or -1 without one. */
  layer: number;
}

/** A run of bytes of an element placed in a packet. */
interface Piece {
  element: Element;
  from: number;
  to: number;
}

const Z_BIT = 0x80;
const Y_BIT = 0x40;
const N_BIT = 0x08;

/**
 * Splits AV1 temporal units into RTP packets (AOM AV1 RTP payload format v1.0).
 *
 * Temporal delimiter and tile list OBUs are dropped (§5), and every OBU is sent with
 * obu_has_size_field = 0, its obu_size removed (§4.5). OBUs are aggregated into packets up to
 * `maxPacketSize` and fragmented across packets where they do not fit, with Z and Y marking the
 * fragments (§4.4). A packet with at most three OBU elements has W set to their count and no
 * length field on the last one; with more, W = 0 and each has a leb128 length. OBUs of different
 * layers (extension headers with other temporal_id/spatial_id) go into different packets, and an
 * OBU without extension header does not follow one with it in a packet (§5). N is set on the
 * first packet of a temporal unit that has a sequence header and a key frame. The marker bit is
 * set on the last packet of the temporal unit (§4.2). Each packet is one allocation.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Av1Packetizer } from "./av1_packetizer.ts";
 * const td = new Uint8Array([0x12, 0x00]); // temporal delimiter, with obu_size
 * const frame = new Uint8Array([0x32, 0x02, 0xaa, 0xbb]); // frame OBU, with obu_size
 * const packets = new Av1Packetizer({ payloadType: 96 }).packetize([td, frame], 0);
 * assert.deepEqual([...packets[0].payload], [0x10, 0x30, 0xaa, 0xbb]); // W=1, no obu_size
 * assert.equal(packets[0].marker, true);
 * ```
 */
export class Av1Packetizer {
  readonly #state: PacketizerState;

  /** @param options Payload type, optional SSRC/sequence/packet size. */
  constructor(options: Av1PacketizerOptions) {
    this.#state = new PacketizerState(options, 2, "Av1Packetizer");
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
   * Packetizes one temporal unit.
   *
   * @param obus The OBUs of the temporal unit, with or without obu_size fields (as
   *   {@linkcode splitAv1Bitstream} returns them, or as a depacketizer does).
   * @param timestamp RTP timestamp (90 kHz).
   * @returns The RTP packets; none when only temporal delimiters and tile lists were given.
   * @throws {RangeError} When there is no OBU, or an OBU is empty, truncated or has its forbidden
   *   bit set.
   */
  packetize(obus: readonly Uint8Array[], timestamp: number): RtpPacket[] {
    if (obus.length === 0) throw new RangeError("Cannot packetize AV1: no OBU");
    const elements: Element[] = [];
    for (const obu of obus) {
      const element = toElement(obu);
      const type = obuType(obu[0]!);
      if (type !== AV1_OBU_TYPE.TEMPORAL_DELIMITER && type !== AV1_OBU_TYPE.TILE_LIST) {
        elements.push(element);
      }
    }
    const payloads: Uint8Array[] = [];
    const cap = this.#state.maxPayloadSize - 1;
    let pieces: Piece[] = [];
    let used = 0;
    let layer = -1;
    const flush = () => {
      if (pieces.length === 0) return;
      const n = payloads.length === 0 && startsCodedVideoSequence(elements);
      payloads.push(encodePayload(pieces, n));
      pieces = [];
      used = 0;
      layer = -1;
    };
    for (const element of elements) {
      if (
        pieces.length > 0 &&
        (element.layer === -1 ? layer !== -1 : layer !== -1 && layer !== element.layer)
      ) {
        flush();
      }
      if (element.layer !== -1) layer = element.layer;
      for (let from = 0; from < element.size;) {
        const rest = element.size - from;
        const free = cap - used;
        if (leb128Size(rest) + rest <= free) {
          // The rest fits with a length field, leaving room for more.
          pieces.push({ element, from, to: element.size });
          used += leb128Size(rest) + rest;
          break;
        }
        if (pieces.length < 3 && rest <= free) {
          // The rest fits as the last element, without length field (W = count).
          pieces.push({ element, from, to: element.size });
          flush();
          break;
        }
        // A fragment: the last element, without length field when W can count the elements.
        const take = pieces.length < 3 ? free : free - leb128Size(free);
        if (take > 0) {
          pieces.push({ element, from, to: from + take });
          from += take;
        }
        flush();
        if (element.layer !== -1) layer = element.layer;
      }
    }
    flush();
    return this.#state.packets(payloads, timestamp);
  }
}

/** Views an OBU as it is sent: obu_has_size_field cleared and the obu_size field left out. */
function toElement(obu: Uint8Array): Element {
  const bounds = locateObu(obu, 0, obu.byteLength);
  if (bounds === undefined) throw new RangeError("Cannot packetize AV1: invalid OBU");
  let head = obu.subarray(0, bounds.headerSize);
  if (bounds.payloadStart !== bounds.headerSize) {
    head = head.slice();
    head[0] = head[0]! & ~0x02;
  }
  const body = obu.subarray(bounds.payloadStart, bounds.end);
  const layer = bounds.headerSize === 2 ? obu[1]! >> 3 : -1;
  return { head, body, size: head.byteLength + body.byteLength, layer };
}

/** Writes the aggregation header and the pieces (§4.4, §4.5). */
function encodePayload(pieces: Piece[], n: boolean): Uint8Array {
  const w = pieces.length <= 3 ? pieces.length : 0;
  let size = 1;
  for (let i = 0; i < pieces.length; i++) {
    const length = pieces[i]!.to - pieces[i]!.from;
    size += length + (w !== 0 && i === pieces.length - 1 ? 0 : leb128Size(length));
  }
  const first = pieces[0]!;
  const last = pieces[pieces.length - 1]!;
  const out = new Uint8Array(size);
  out[0] = (first.from > 0 ? Z_BIT : 0) | (last.to < last.element.size ? Y_BIT : 0) | (w << 4) |
    (n ? N_BIT : 0);
  let o = 1;
  for (let i = 0; i < pieces.length; i++) {
    const { element, from, to } = pieces[i]!;
    if (w === 0 || i < pieces.length - 1) o = writeLeb128(out, o, to - from);
    const headSize = element.head.byteLength;
    if (from < headSize) out.set(element.head.subarray(from, Math.min(to, headSize)), o);
    if (to > headSize) {
      out.set(
        element.body.subarray(Math.max(from - headSize, 0), to - headSize),
        o + Math.max(headSize - from, 0),
      );
    }
    o += to - from;
  }
  return out;
}

/**
 * Whether a temporal unit begins a coded video sequence: it has a sequence header, and its
 * first frame is a key frame (reduced_still_picture_header, or show_existing_frame = 0 and
 * frame_type = KEY_FRAME at the start of the uncompressed header, AV1 bitstream §5.9.2).
 */
function startsCodedVideoSequence(elements: readonly Element[]): boolean {
  let reducedStillPicture: boolean | undefined;
  for (const { head, body } of elements) {
    const type = obuType(head[0]!);
    if (type === AV1_OBU_TYPE.SEQUENCE_HEADER) {
      reducedStillPicture = ((body[0] ?? 0) & 0x08) !== 0;
    } else if (type === AV1_OBU_TYPE.FRAME || type === AV1_OBU_TYPE.FRAME_HEADER) {
      if (reducedStillPicture === undefined) return false;
      return reducedStillPicture || (body.byteLength > 0 && (body[0]! & 0xe0) === 0);
    }
  }
  return false;
}
