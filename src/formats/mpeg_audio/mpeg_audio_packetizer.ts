/**
 * MPEG-1/MPEG-2 audio RTP packetizer (RFC 2250 §3.5).
 *
 * @module
 */

import type { RtpPacket } from "../../rtp/mod.ts";
import { type PacketizerOptions, PacketizerState } from "../_packetizer_state.ts";
import { MPEG_AUDIO_HEADER_BYTES, parseMpegAudioHeader } from "./mpeg_audio_header.ts";

/** Bytes of the MPEG audio-specific header in front of every payload (RFC 2250 §3.5). */
export const MPA_PAYLOAD_HEADER_BYTES = 4;

/** Options of {@linkcode MpegAudioPacketizer}. */
export interface MpegAudioPacketizerOptions extends Partial<PacketizerOptions> {
  /** RTP payload type; default the static one, 14. */
  payloadType?: number;
}

/**
 * Turns MPEG audio frames (MP1, MP2, MP3) into RTP packets (RFC 2250 §3.5). Each payload starts
 * with a 4-byte header:
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |             MBZ               |          Frag_offset          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 *
 * Consecutive frames that fit are aggregated in one packet (Frag_offset 0), the receiver
 * splitting them by the lengths their headers give; a frame larger than a payload is fragmented
 * alone, each fragment's Frag_offset being its byte offset in the frame and its timestamp the
 * frame's. Timestamps use the 90 kHz clock (RFC 3551 §4.5.13), the first frame's in each
 * packet, advancing by each frame's samples. A free-format frame (bitrate_index 0, whose header
 * tells no length) always goes alone and must fit one packet. The marker bit is not set.
 *
 * @example Two MP3 frames of 104 bytes aggregated in one packet
 * ```ts
 * import assert from "node:assert/strict";
 * import { MpegAudioPacketizer } from "./mpeg_audio_packetizer.ts";
 * // MPEG-2 Layer III, 32 kbit/s, 22050 Hz, mono: 72 * 32000 / 22050 = 104 bytes, 576 samples.
 * const frame = new Uint8Array(104);
 * frame.set([0xff, 0xf3, 0x40, 0xc4]);
 * const [pkt] = new MpegAudioPacketizer().packetize([frame, frame], 0);
 * assert.equal(pkt.payloadType, 14);
 * assert.deepEqual([...pkt.payload.subarray(0, 4)], [0, 0, 0, 0]);
 * assert.equal(pkt.payload.byteLength, 4 + 2 * 104);
 * ```
 */
export class MpegAudioPacketizer {
  readonly #state: PacketizerState;

  /** @param options Payload type (default 14), optional SSRC/sequence/packet size. */
  constructor(options: MpegAudioPacketizerOptions = {}) {
    // The first fragment of a frame holds at least the frame header.
    this.#state = new PacketizerState(
      { ...options, payloadType: options.payloadType ?? 14 },
      MPA_PAYLOAD_HEADER_BYTES + MPEG_AUDIO_HEADER_BYTES,
      "MpegAudioPacketizer",
    );
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
   * Packetizes consecutive frames.
   *
   * @param frames Whole MPEG audio frames, header included, in order.
   * @param timestamp RTP timestamp (90 kHz) of the first frame.
   * @returns The RTP packets.
   * @throws {TypeError} When a frame does not start with a valid MPEG audio header.
   * @throws {RangeError} When a frame's length is not the one its header gives, or a free-format
   *   frame does not fit one packet.
   */
  packetize(frames: readonly Uint8Array[], timestamp: number): RtpPacket[] {
    const maxData = this.#state.maxPayloadSize - MPA_PAYLOAD_HEADER_BYTES;
    const out: RtpPacket[] = [];
    let batch: Uint8Array[] = [];
    let batchBytes = 0;
    let batchTimestamp = 0;
    const flush = () => {
      if (batch.length === 0) return;
      const payload = new Uint8Array(MPA_PAYLOAD_HEADER_BYTES + batchBytes);
      let o = MPA_PAYLOAD_HEADER_BYTES;
      for (const f of batch) {
        payload.set(f, o);
        o += f.byteLength;
      }
      out.push(...this.#state.packets([payload], batchTimestamp, false));
      batch = [];
      batchBytes = 0;
    };
    let elapsed = 0; // 90 kHz ticks since the first frame, unrounded
    for (const frame of frames) {
      const header = parseMpegAudioHeader(frame);
      if (header === undefined) {
        throw new TypeError("Cannot packetize MPEG audio: a frame has no valid frame header");
      }
      const ts = (timestamp + Math.round(elapsed)) >>> 0;
      elapsed += (header.samplesPerFrame * 90000) / header.sampleRate;
      const freeFormat = header.frameLength === 0;
      if (!freeFormat && frame.byteLength !== header.frameLength) {
        throw new RangeError(
          `Cannot packetize MPEG audio: frame of ${frame.byteLength} bytes, its header says ${header.frameLength}`,
        );
      }
      if (frame.byteLength > maxData) {
        if (freeFormat) {
          throw new RangeError(
            `Cannot packetize MPEG audio: free-format frame of ${frame.byteLength} bytes does not fit ${maxData}`,
          );
        }
        flush();
        const payloads: Uint8Array[] = [];
        for (let offset = 0; offset < frame.byteLength; offset += maxData) {
          const end = Math.min(offset + maxData, frame.byteLength);
          const payload = new Uint8Array(MPA_PAYLOAD_HEADER_BYTES + end - offset);
          payload[2] = offset >> 8;
          payload[3] = offset & 0xff;
          payload.set(frame.subarray(offset, end), MPA_PAYLOAD_HEADER_BYTES);
          payloads.push(payload);
        }
        out.push(...this.#state.packets(payloads, ts, false));
        continue;
      }
      if (freeFormat || batchBytes + frame.byteLength > maxData) flush();
      if (batch.length === 0) batchTimestamp = ts;
      batch.push(frame);
      batchBytes += frame.byteLength;
      if (freeFormat) flush();
    }
    flush();
    return out;
  }
}
