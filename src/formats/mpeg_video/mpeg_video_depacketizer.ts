/**
 * MPEG-1/MPEG-2 video RTP depacketizer (RFC 2250 §3).
 *
 * @module
 */

import type { RtpPacket } from "../../rtp/mod.ts";
import { FrameAssembler } from "../_frame_assembler.ts";
import { PacketReorderer } from "../_packet_reorderer.ts";
import { DEFAULT_MAX_FRAME_BYTES } from "../_packetizer_state.ts";
import { MPEG_VIDEO_HEADER_BYTES } from "./mpeg_video_header.ts";
import {
  GROUP_START_CODE,
  PICTURE_START_CODE,
  SEQUENCE_HEADER_CODE,
} from "./mpeg_video_picture.ts";

/** Options of {@linkcode MpegVideoDepacketizer}. */
export interface MpegVideoDepacketizerOptions {
  /** Largest picture kept in memory; default 8 MiB. */
  maxPictureBytes?: number;
}

/** One coded picture and its RTP timestamp. */
export interface MpegVideoPicture {
  /** RTP timestamp (90 kHz): the picture's presentation time. */
  timestamp: number;
  /** The picture's bytes, with the sequence and GOP headers sent in front of it. */
  data: Uint8Array;
}

/** Bytes of the MPEG-2 video-specific header extension that T announces (RFC 2250 §3.4.1). */
const MPEG2_EXTENSION_BYTES = 4;

/**
 * Rebuilds MPEG-1/MPEG-2 coded pictures from RTP packets
 * ([RFC 2250 §3](https://www.rfc-editor.org/rfc/rfc2250#section-3)): the video-specific header
 * (and the MPEG-2 extension when T is set) is stripped, and the packets of one timestamp are
 * joined up to the one with the marker bit. A picture starts with the packet after a marker, or
 * with a packet whose data starts with a sequence, GOP or picture start code, so the picture
 * after a loss is kept.
 *
 * Never throws on bad input: a payload shorter than its headers is counted in
 * {@linkcode MpegVideoDepacketizer.invalidPackets}; a picture that lost a packet, changed
 * timestamp before its end or outgrew `maxPictureBytes` is dropped and counted in
 * {@linkcode MpegVideoDepacketizer.droppedPictures}.
 *
 * Packets that arrive out of order are put back in RTP sequence number order (a packet after a
 * gap waits until the gap fills, a packet of another timestamp arrives, or 64 wait); a
 * duplicate or a packet later than the ones handed on is ignored.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MpegVideoDepacketizer } from "./mpeg_video_depacketizer.ts";
 * const d = new MpegVideoDepacketizer();
 * const packet = (sequenceNumber: number, marker: boolean, payload: number[]) => ({ marker, payloadType: 32, sequenceNumber, timestamp: 3600, ssrc: 1, csrc: [], paddingSize: 0, payload: new Uint8Array(payload) });
 * assert.deepEqual(d.depacketize(packet(1, false, [0, 0, 0x11, 0, 0, 0, 1, 0, 0, 0x0f])), []);
 * const [picture] = d.depacketize(packet(2, true, [0, 0, 0x19, 0, 0, 0, 1, 1, 5]));
 * assert.equal(picture.timestamp, 3600);
 * assert.deepEqual([...picture.data], [0, 0, 1, 0, 0, 0x0f, 0, 0, 1, 1, 5]);
 * ```
 */
export class MpegVideoDepacketizer {
  readonly #assembler: FrameAssembler;
  readonly #reorderer = new PacketReorderer();
  readonly #depacketizeInOrder = (pkt: RtpPacket): MpegVideoPicture[] => this.#read(pkt);
  #invalid = 0;
  #lastSequenceNumber = -1;
  /** The last packet handed on had the marker bit: the next one starts a picture. */
  #previousEnded = false;
  /** A picture is in progress, started at #openTimestamp. */
  #open = false;
  #openTimestamp = 0;

  /**
   * @param options The memory bound.
   * @throws {RangeError} When the bound is not a positive integer.
   */
  constructor(options: MpegVideoDepacketizerOptions = {}) {
    const max = options.maxPictureBytes ?? DEFAULT_MAX_FRAME_BYTES;
    if (!Number.isInteger(max) || max <= 0) {
      throw new RangeError(`Cannot create MpegVideoDepacketizer: invalid maxPictureBytes ${max}`);
    }
    this.#assembler = new FrameAssembler(max);
  }

  /** Pictures dropped because a packet was lost or they outgrew the bound. */
  get droppedPictures(): number {
    return this.#assembler.dropped;
  }

  /** Packets shorter than their headers. */
  get invalidPackets(): number {
    return this.#invalid;
  }

  /**
   * Feeds one RTP packet.
   *
   * @param pkt An RTP packet of the format, in arrival order.
   * @returns The picture it completes, if any.
   */
  depacketize(pkt: RtpPacket): MpegVideoPicture[] {
    return this.#reorderer.depacketize(pkt, this.#depacketizeInOrder);
  }

  /**
   * Gives up what is missing at the end of the stream.
   *
   * @returns The pictures of the packets that waited for a missing one.
   */
  flush(): MpegVideoPicture[] {
    const out = this.#reorderer.drain(this.#depacketizeInOrder);
    this.#assembler.drop();
    return out;
  }

  /** Forgets the picture in progress, the held packets and the sequence state. */
  reset(): void {
    this.#reorderer.reset();
    this.#assembler.reset();
    this.#lastSequenceNumber = -1;
    this.#previousEnded = false;
    this.#open = false;
  }

  #read(pkt: RtpPacket): MpegVideoPicture[] {
    const seq = pkt.sequenceNumber & 0xffff;
    // The packet after a picture's last one, with none lost between, starts the next picture
    // even when it is too short to show a start code.
    const contiguous = seq === ((this.#lastSequenceNumber + 1) & 0xffff);
    const afterEnd = this.#previousEnded && contiguous;
    if (!this.#assembler.accept(seq)) return [];
    if (!contiguous) this.#open = false; // the assembler dropped the picture in progress
    this.#lastSequenceNumber = seq;
    this.#previousEnded = pkt.marker;
    const p = pkt.payload;
    const headerBytes = p.byteLength >= MPEG_VIDEO_HEADER_BYTES && (p[0]! & 0x04) !== 0
      ? MPEG_VIDEO_HEADER_BYTES + MPEG2_EXTENSION_BYTES
      : MPEG_VIDEO_HEADER_BYTES;
    if (p.byteLength <= headerBytes) {
      this.#invalid++;
      this.#assembler.drop();
      this.#open = false;
      return [];
    }
    const data = p.subarray(headerBytes);
    const startCode = data.byteLength >= 4 && data[0] === 0 && data[1] === 0 && data[2] === 1 &&
      (data[3] === PICTURE_START_CODE || data[3] === SEQUENCE_HEADER_CODE ||
        data[3] === GROUP_START_CODE);
    // A start code inside an open picture of the same timestamp is its own picture header,
    // after the sequence or GOP header that a packet boundary cut it from.
    const start = afterEnd ||
      (startCode && (!this.#open || pkt.timestamp !== this.#openTimestamp));
    if (start) this.#openTimestamp = pkt.timestamp;
    this.#open = !pkt.marker && (start || this.#open);
    return this.#assembler.push(data, pkt.timestamp, start, pkt.marker).map((f) => ({
      timestamp: f.timestamp,
      data: f.frame,
    }));
  }
}
