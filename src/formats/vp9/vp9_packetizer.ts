/**
 * VP9 RTP packetizer (RFC 9628 §4).
 *
 * @module
 */

import type { RtpPacket } from "../../rtp/mod.ts";
import { type PacketizerOptions, PacketizerState } from "../_packetizer_state.ts";
import { randomUint32 } from "../_random.ts";
import { readVp9FrameInfo } from "./_uncompressed_header.ts";
import {
  encodeVp9PayloadDescriptor,
  type Vp9ScalabilityStructure,
} from "./vp9_payload_descriptor.ts";

/** Options of {@linkcode Vp9Packetizer}. */
export interface Vp9PacketizerOptions extends PacketizerOptions {
  /** Picture ID of the first frame (15 bits); random when absent. */
  initialPictureId?: number;
}

/** I, M and the 15-bit picture ID. */
const DESCRIPTOR_BYTES = 3;
/** A scalability structure of one spatial layer with its resolution: N_S, Y, WIDTH, HEIGHT. */
const SS_BYTES = 5;

/**
 * Splits VP9 frames into RTP packets in non-flexible mode (RFC 9628 §4.2): each payload
 * descriptor carries I=1 and a 15-bit picture ID that grows by one per frame, P=0 on key and
 * intra-only frames, B on the first packet and E on the last, which also has the marker bit.
 * The first packet of a key frame carries a scalability structure (V=1) of one spatial layer
 * with the frame's resolution (§4.2.1). No layer indices are sent. Each packet is one
 * allocation holding the descriptor and the data.
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
    const info = readVp9FrameInfo(frame);
    const ss: Vp9ScalabilityStructure | undefined = info.size
      ? { spatialLayers: 1, resolutions: [info.size] }
      : undefined;
    const payloads: Uint8Array[] = [];
    for (let offset = 0; offset < frame.byteLength;) {
      const first = offset === 0;
      // The first packet of a key frame carries the SS, unless packets are too small for it.
      const withSs = first && ss !== undefined &&
        this.#state.maxPayloadSize > DESCRIPTOR_BYTES + SS_BYTES;
      const chunk = this.#state.maxPayloadSize - DESCRIPTOR_BYTES - (withSs ? SS_BYTES : 0);
      const end = Math.min(offset + chunk, frame.byteLength);
      payloads.push(encodeVp9PayloadDescriptor({
        interPicturePredicted: info.interPicturePredicted,
        flexibleMode: false,
        startOfFrame: first,
        endOfFrame: end === frame.byteLength,
        notUpperReference: false,
        pictureId: this.#pictureId,
        extendedPictureId: true,
        ...(withSs ? { scalabilityStructure: ss } : {}),
      }, frame.subarray(offset, end)));
      offset = end;
    }
    this.#pictureId = (this.#pictureId + 1) & 0x7fff;
    return this.#state.packets(payloads, timestamp);
  }
}
