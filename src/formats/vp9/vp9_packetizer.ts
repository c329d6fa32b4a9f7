/**
 * VP9 RTP packetizer (RFC 9628 §4).
 *
 * @module
 */

import type { RtpPacket } from "../../rtp/mod.ts";
import { type PacketizerOptions, PacketizerState } from "../_packetizer_state.ts";
import { randomUint32 } from "../_random.ts";
import { encodeVp9PayloadDescriptor } from "./vp9_payload_descriptor.ts";

/** Options of {@linkcode Vp9Packetizer}. */
export interface Vp9PacketizerOptions extends PacketizerOptions {
  /** Picture ID of the first frame (15 bits); random when absent. */
  initialPictureId?: number;
}

/** I, M and the 15-bit picture ID. */
const DESCRIPTOR_BYTES = 3;

/**
 * Splits VP9 frames into RTP packets in non-flexible mode (RFC 9628 §4.2): each payload
 * descriptor carries I=1 and a 15-bit picture ID that grows by one per frame, P=0 on key and
 * intra-only frames, B on the first packet and E on the last, which also has the marker bit.
 * No layer indices and no scalability structure are sent. Each packet is one allocation
 * holding the descriptor and the data.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Vp9Packetizer } from "./vp9_packetizer.ts";
 * const p = new Vp9Packetizer({ payloadType: 96, maxPacketSize: 12 + 5, initialPictureId: 0x123 });
 * const key = new Uint8Array([0x82, 0x49, 0x83, 0x42]); // a key frame header's first bytes
 * const packets = p.packetize(key, 0);
 * assert.deepEqual(packets.map((x) => [...x.payload]), [
 *   [0x88, 0x81, 0x23, 0x82, 0x49],
 *   [0x84, 0x81, 0x23, 0x83, 0x42],
 * ]);
 * ```
 */
export class Vp9Packetizer {
  readonly #state: PacketizerState;
  #pictureId: number;

  /** @param options Payload type, optional SSRC/sequence/packet size/picture ID. */
  constructor(options: Vp9PacketizerOptions) {
    this.#state = new PacketizerState(options, DESCRIPTOR_BYTES + 1, "Vp9Packetizer");
    this.#pictureId = (options.initialPictureId ?? randomUint32()) & 0x7fff;
  }

  /** SSRC of the packets. */
  get ssrc(): number {
    return this.#state.ssrc;
  }

  /** The sequence number the next packet will carry. */
  get sequenceNumber(): number {
    return this.#state.sequenceNumber;
  }

  /** The picture ID the next frame will carry. */
  get pictureId(): number {
    return this.#pictureId;
  }

  /**
   * Packetizes one frame (or superframe).
   *
   * @param frame A VP9 frame.
   * @param timestamp RTP timestamp (90 kHz).
   * @returns The RTP packets.
   * @throws {RangeError} When the frame is empty.
   */
  packetize(frame: Uint8Array, timestamp: number): RtpPacket[] {
    if (frame.byteLength === 0) throw new RangeError("Cannot packetize VP9: empty frame");
    const chunk = this.#state.maxPayloadSize - DESCRIPTOR_BYTES;
    const interPicturePredicted = isInterPredicted(frame);
    const payloads: Uint8Array[] = [];
    for (let offset = 0; offset < frame.byteLength; offset += chunk) {
      const end = Math.min(offset + chunk, frame.byteLength);
      payloads.push(encodeVp9PayloadDescriptor({
        interPicturePredicted,
        flexibleMode: false,
        startOfFrame: offset === 0,
        endOfFrame: end === frame.byteLength,
        notUpperReference: false,
        pictureId: this.#pictureId,
        extendedPictureId: true,
      }, frame.subarray(offset, end)));
    }
    this.#pictureId = (this.#pictureId + 1) & 0x7fff;
    return this.#state.packets(payloads, timestamp);
  }
}

/**
 * Reads the start of the uncompressed header (VP9 bitstream §6.2): false for a key frame or an
 * intra-only frame, true otherwise (also when the header is not recognized).
 */
function isInterPredicted(frame: Uint8Array): boolean {
  const b = frame[0]!;
  if (b >> 6 !== 2) return true; // frame_marker
  const profile = ((b >> 4) & 1) << 1 | ((b >> 5) & 1);
  // Bits after the profile: [reserved_zero if profile 3] show_existing_frame frame_type
  // show_frame error_resilient_mode [intra_only if not shown].
  const bits = (b << 8 | (frame[1] ?? 0)) & 0x0fff;
  let n = 12;
  if (profile === 3) n--;
  const bit = () => (bits >> --n) & 1;
  if (bit() === 1) return true; // show_existing_frame
  if (bit() === 0) return false; // frame_type KEY_FRAME
  const showFrame = bit();
  bit(); // error_resilient_mode
  return showFrame === 1 || bit() === 0;
}
