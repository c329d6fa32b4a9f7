/**
 * MPEG-1/MPEG-2 audio RTP depacketizer (RFC 2250 §3.5).
 *
 * @module
 */

import type { RtpPacket } from "../../rtp/mod.ts";
import { PacketReorderer } from "../_packet_reorderer.ts";
import { parseMpegAudioHeader } from "./mpeg_audio_header.ts";
import { MPA_PAYLOAD_HEADER_BYTES } from "./mpeg_audio_packetizer.ts";

/** One MPEG audio frame and its RTP timestamp. */
export interface MpegAudioFrame {
  /** RTP timestamp (90 kHz). */
  timestamp: number;
  /** The whole frame, header included; a view into the payload unless it was fragmented. */
  data: Uint8Array;
}

/**
 * Extracts MPEG audio frames from RTP packets (RFC 2250 §3.5). A payload whose Frag_offset is 0
 * holds one or more frames, split by the lengths their headers give (a free-format frame, whose
 * header tells none, is the rest of the payload); a frame cut short there continues in the next
 * packets, each one's Frag_offset telling where its bytes go. The frames after the first of a
 * packet get the packet's timestamp plus the samples before them, in 90 kHz ticks.
 *
 * Never throws on bad input: a payload without a frame header where one is due is dropped and
 * counted in {@linkcode MpegAudioDepacketizer.invalidPackets}; a fragmented frame that lost a
 * piece is dropped and counted in {@linkcode MpegAudioDepacketizer.droppedFrames}. Memory is
 * bounded by the largest frame a header can describe (2881 bytes).
 *
 * Packets that arrive out of order are put back in RTP sequence number order (a packet after a
 * gap waits until the gap fills, a packet of another timestamp arrives, or 64 wait); a
 * duplicate or a packet later than the ones handed on is ignored.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MpegAudioDepacketizer } from "./mpeg_audio_depacketizer.ts";
 * // MPEG-2 Layer III, 32 kbit/s, 22050 Hz, mono: 104-byte frames of 576 samples.
 * const frame = new Uint8Array(104);
 * frame.set([0xff, 0xf3, 0x40, 0xc4]);
 * const payload = new Uint8Array(4 + 2 * 104);
 * payload.set(frame, 4);
 * payload.set(frame, 4 + 104);
 * const out = new MpegAudioDepacketizer().depacketize({ marker: false, payloadType: 14, sequenceNumber: 1, timestamp: 0, ssrc: 1, csrc: [], paddingSize: 0, payload });
 * assert.deepEqual(out.map((f) => [f.timestamp, f.data.byteLength]), [[0, 104], [2351, 104]]);
 * ```
 */
export class MpegAudioDepacketizer {
  readonly #reorderer = new PacketReorderer();
  readonly #depacketizeInOrder = (pkt: RtpPacket): MpegAudioFrame[] => this.#read(pkt);
  /** The fragmented frame in progress, of the length its header gives. */
  #fragment: Uint8Array | undefined;
  #fragmentBytes = 0;
  #fragmentTimestamp = 0;
  /** Timestamp of the last continuation found without its start: counted once. */
  #orphanTimestamp = -1;
  #dropped = 0;
  #invalid = 0;

  /** Frames dropped because a fragment was lost. */
  get droppedFrames(): number {
    return this.#dropped;
  }

  /** Packets whose payload could not be parsed. */
  get invalidPackets(): number {
    return this.#invalid;
  }

  /**
   * Feeds one RTP packet.
   *
   * @param pkt An RTP packet of the format, in arrival order.
   * @returns The frames it completes.
   */
  depacketize(pkt: RtpPacket): MpegAudioFrame[] {
    return this.#reorderer.depacketize(pkt, this.#depacketizeInOrder);
  }

  /**
   * Gives up what is missing at the end of the stream.
   *
   * @returns The frames of the packets that waited for a missing one.
   */
  flush(): MpegAudioFrame[] {
    return this.#reorderer.drain(this.#depacketizeInOrder);
  }

  /** Forgets the frame in progress, the held packets and the sequence state (e.g. after a seek). */
  reset(): void {
    this.#reorderer.reset();
    this.#fragment = undefined;
    this.#fragmentBytes = 0;
    this.#orphanTimestamp = -1;
  }

  #dropFragment(): void {
    if (this.#fragment === undefined) return;
    this.#dropped++;
    this.#fragment = undefined;
    this.#fragmentBytes = 0;
  }

  #read(pkt: RtpPacket): MpegAudioFrame[] {
    const p = pkt.payload;
    if (p.byteLength <= MPA_PAYLOAD_HEADER_BYTES) {
      this.#invalid++;
      return [];
    }
    const fragOffset = (p[2]! << 8) | p[3]!;
    const data = p.subarray(MPA_PAYLOAD_HEADER_BYTES);
    if (fragOffset > 0) return this.#continueFragment(pkt, fragOffset, data);
    this.#dropFragment(); // a frame starts: one still in progress lost its end
    const out: MpegAudioFrame[] = [];
    let elapsed = 0;
    for (let o = 0; o < data.byteLength;) {
      const header = parseMpegAudioHeader(data, o);
      if (header === undefined) {
        this.#invalid++;
        return out;
      }
      const timestamp = (pkt.timestamp + Math.round(elapsed)) >>> 0;
      elapsed += (header.samplesPerFrame * 90000) / header.sampleRate;
      const length = header.frameLength === 0 ? data.byteLength - o : header.frameLength;
      if (o + length <= data.byteLength) {
        out.push({ timestamp, data: data.subarray(o, o + length) });
        o += length;
        continue;
      }
      this.#fragment = new Uint8Array(length);
      this.#fragment.set(data.subarray(o));
      this.#fragmentBytes = data.byteLength - o;
      this.#fragmentTimestamp = timestamp;
      break;
    }
    return out;
  }

  #continueFragment(pkt: RtpPacket, fragOffset: number, data: Uint8Array): MpegAudioFrame[] {
    const fragment = this.#fragment;
    if (
      fragment === undefined || fragOffset !== this.#fragmentBytes ||
      fragOffset + data.byteLength > fragment.byteLength
    ) {
      // A piece before this one was lost (or this one does not fit): the frame is lost, once.
      if (fragment !== undefined) this.#dropFragment();
      else if (this.#orphanTimestamp !== pkt.timestamp) this.#dropped++;
      this.#orphanTimestamp = pkt.timestamp;
      return [];
    }
    fragment.set(data, fragOffset);
    this.#fragmentBytes += data.byteLength;
    if (this.#fragmentBytes < fragment.byteLength) return [];
    this.#fragment = undefined;
    this.#fragmentBytes = 0;
    return [{ timestamp: this.#fragmentTimestamp, data: fragment }];
  }
}
