/**
 * MPEG-1/MPEG-2 video RTP packetizer (RFC 2250 §3).
 *
 * @module
 */

import type { RtpPacket } from "../../rtp/mod.ts";
import { type PacketizerOptions, PacketizerState } from "../_packetizer_state.ts";
import { encodeMpegVideoHeader, MPEG_VIDEO_HEADER_BYTES } from "./mpeg_video_header.ts";
import {
  findStartCodes,
  isSliceStartCode,
  type MpegPictureHeader,
  parsePictureHeader,
  PICTURE_START_CODE,
  SEQUENCE_HEADER_CODE,
} from "./mpeg_video_picture.ts";

/** Options of {@linkcode MpegVideoPacketizer}. */
export interface MpegVideoPacketizerOptions extends Partial<PacketizerOptions> {
  /** RTP payload type; default the static one, 32. */
  payloadType?: number;
}

/** A run of a picture's bytes that a packet boundary may not cut unless it must. */
interface Unit {
  bytes: Uint8Array;
  /** A slice (else the headers in front of the first slice). */
  slice: boolean;
  /** Holds a sequence header. */
  sequenceHeader: boolean;
}

/**
 * Turns MPEG-1/MPEG-2 coded pictures into RTP packets
 * ([RFC 2250 §3](https://www.rfc-editor.org/rfc/rfc2250#section-3)). Each payload starts with
 * the 4-byte video-specific header (§3.4: temporal reference, picture type and motion vector
 * codes of the picture; S when the payload holds a sequence header; B and E when it starts with
 * a slice, or headers then a slice, and ends with a slice's end). Packets are cut at slice
 * boundaries, several slices sharing a packet when they fit (§3.1); only a slice (or headers)
 * larger than a packet is split at any byte, its first piece with B and its last with E. The
 * marker bit is set on the last packet of a picture; every packet carries the picture's
 * timestamp. No MPEG-2 header extension is sent (T = 0), as ffmpeg does.
 *
 * @example A picture of headers and two small slices: one packet
 * ```ts
 * import assert from "node:assert/strict";
 * import { MpegVideoPacketizer } from "./mpeg_video_packetizer.ts";
 * const picture = new Uint8Array([
 *   0, 0, 1, 0xb3, 1, 2, // sequence header (cut short for the example)
 *   0, 0, 1, 0x00, 0x00, 0x8f, 0xff, 0xf8, // picture header: TR 2, I picture
 *   0, 0, 1, 0x01, 7, // slice 1
 *   0, 0, 1, 0x02, 8, // slice 2
 * ]);
 * const [pkt] = new MpegVideoPacketizer().packetize(picture, 9000);
 * assert.equal(pkt.payloadType, 32);
 * assert.equal(pkt.marker, true);
 * // TR 2; S, B and E set; P = 1 (I).
 * assert.deepEqual([...pkt.payload.subarray(0, 4)], [0x00, 0x02, 0x39, 0x00]);
 * ```
 */
export class MpegVideoPacketizer {
  readonly #state: PacketizerState;

  /** @param options Payload type (default 32), optional SSRC/sequence/packet size. */
  constructor(options: MpegVideoPacketizerOptions = {}) {
    this.#state = new PacketizerState(
      { ...options, payloadType: options.payloadType ?? 32 },
      MPEG_VIDEO_HEADER_BYTES + 1,
      "MpegVideoPacketizer",
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
   * Packetizes one coded picture.
   *
   * @param picture The picture's bytes from its first start code: any sequence and GOP headers
   *   in front of it, the picture header and extensions, then the slices (as
   *   `splitMpegVideoPictures` gives them).
   * @param timestamp RTP timestamp (90 kHz) of the picture: its presentation time.
   * @returns The RTP packets.
   * @throws {TypeError} When the picture does not start with a start code or has no picture
   *   header.
   */
  packetize(picture: Uint8Array, timestamp: number): RtpPacket[] {
    const starts = findStartCodes(picture);
    if (starts[0] !== 0) {
      throw new TypeError(
        "Cannot packetize MPEG video: the picture does not start with a start code",
      );
    }
    let header: MpegPictureHeader | undefined;
    for (const s of starts) {
      if (picture[s + 3] === PICTURE_START_CODE) {
        header = parsePictureHeader(picture, s);
        break;
      }
    }
    if (header === undefined) {
      throw new TypeError("Cannot packetize MPEG video: the picture has no picture header");
    }
    const units = splitUnits(picture, starts);
    const max = this.#state.maxPayloadSize - MPEG_VIDEO_HEADER_BYTES;
    const payloads: Uint8Array[] = [];
    const emit = (bytes: Uint8Array[], flags: { s: boolean; b: boolean; e: boolean }) => {
      const fixed = encodeMpegVideoHeader({
        mpeg2Extension: false,
        temporalReference: header.temporalReference,
        activeN: false,
        newPictureHeader: false,
        sequenceHeader: flags.s,
        beginningOfSlice: flags.b,
        endOfSlice: flags.e,
        pictureType: header.pictureType,
        fullPelBackwardVector: header.fullPelBackwardVector,
        backwardFCode: header.backwardFCode,
        fullPelForwardVector: header.fullPelForwardVector,
        forwardFCode: header.forwardFCode,
      });
      const size = bytes.reduce((n, b) => n + b.byteLength, 0);
      const payload = new Uint8Array(MPEG_VIDEO_HEADER_BYTES + size);
      payload.set(fixed);
      let o = MPEG_VIDEO_HEADER_BYTES;
      for (const b of bytes) {
        payload.set(b, o);
        o += b.byteLength;
      }
      payloads.push(payload);
    };
    let batch: Unit[] = [];
    let batchBytes = 0;
    const flush = () => {
      if (batch.length === 0) return;
      emit(batch.map((u) => u.bytes), {
        s: batch.some((u) => u.sequenceHeader),
        b: batch.some((u) => u.slice),
        e: batch[batch.length - 1]!.slice,
      });
      batch = [];
      batchBytes = 0;
    };
    for (const unit of units) {
      const size = unit.bytes.byteLength;
      if (size > max) {
        flush();
        for (let o = 0; o < size; o += max) {
          const end = Math.min(o + max, size);
          emit([unit.bytes.subarray(o, end)], {
            s: unit.sequenceHeader && o === 0,
            b: unit.slice && o === 0,
            e: unit.slice && end === size,
          });
        }
        continue;
      }
      if (batchBytes + size > max) flush();
      batch.push(unit);
      batchBytes += size;
    }
    flush();
    return this.#state.packets(payloads, timestamp, true);
  }
}

/** Cuts a picture into its headers (up to the first slice) and its slices. */
function splitUnits(picture: Uint8Array, starts: readonly number[]): Unit[] {
  const sliceStarts = starts.filter((s) => isSliceStartCode(picture[s + 3]!));
  const firstSlice = sliceStarts[0] ?? picture.byteLength;
  const units: Unit[] = [];
  if (firstSlice > 0) {
    const bytes = picture.subarray(0, firstSlice);
    const sequenceHeader = starts.some((s) =>
      s < firstSlice && picture[s + 3] === SEQUENCE_HEADER_CODE
    );
    units.push({ bytes, slice: false, sequenceHeader });
  }
  sliceStarts.forEach((s, i) => {
    const end = sliceStarts[i + 1] ?? picture.byteLength;
    units.push({ bytes: picture.subarray(s, end), slice: true, sequenceHeader: false });
  });
  return units;
}
