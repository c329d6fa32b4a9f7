/**
 * MPEG-4 Audio (AAC) RTP packetizer, RFC 3640 mode AAC-hbr.
 *
 * @module
 */

import type { RtpPacket } from "../../rtp/mod.ts";
import { type PacketizerOptions, PacketizerState } from "../_packetizer_state.ts";

/** Options of {@linkcode Mpeg4AudioPacketizer}. */
export interface Mpeg4AudioPacketizerOptions extends PacketizerOptions {
  /** Bits of the AU-size field (fmtp `sizelength`); default 13 (AAC-hbr). */
  sizeLength?: number;
  /** Bits of the AU-Index and AU-Index-delta fields (fmtp `indexlength`); default 3. */
  indexLength?: number;
  /** Samples per access unit, to advance timestamps (clock rate = sample rate); default 1024. */
  samplesPerAccessUnit?: number;
}

/**
 * Turns AAC access units into RTP packets (RFC 3640 §3.2): an AU-headers-length field, one AU
 * header (`AU-size`, `AU-Index(-delta)` = 0) per access unit, then the access units. Consecutive
 * access units that fit are aggregated; a larger one is fragmented, each fragment carrying the
 * full AU size, and only the last fragment has the marker bit.
 *
 * ```
 * AU-headers-length(16, in bits) | AU-size(13) AU-Index(3) | ... | AU | ...
 * ```
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Mpeg4AudioPacketizer } from "./mpeg4_audio_packetizer.ts";
 * const p = new Mpeg4AudioPacketizer({ payloadType: 97 });
 * const [pkt] = p.packetize([new Uint8Array([0x21, 0x10])], 1000);
 * assert.deepEqual([...pkt.payload], [0x00, 0x10, 0x00, 0x10, 0x21, 0x10]);
 * ```
 */
export class Mpeg4AudioPacketizer {
  readonly #state: PacketizerState;
  readonly #sizeLength: number;
  readonly #indexLength: number;
  readonly #samples: number;

  /** @param options Payload type, AU header layout and optional SSRC/sequence/packet size. */
  constructor(options: Mpeg4AudioPacketizerOptions) {
    this.#sizeLength = options.sizeLength ?? 13;
    this.#indexLength = options.indexLength ?? 3;
    this.#samples = options.samplesPerAccessUnit ?? 1024;
    if ((this.#sizeLength + this.#indexLength) % 8 !== 0 || this.#sizeLength > 16) {
      throw new RangeError(
        "Cannot create Mpeg4AudioPacketizer: sizeLength + indexLength must be 8 or 16 bits",
      );
    }
    this.#state = new PacketizerState(options, 2 + this.#headerBytes() + 1, "Mpeg4AudioPacketizer");
  }

  /** SSRC of the packets. */
  get ssrc(): number {
    return this.#state.ssrc;
  }

  /** The sequence number the next packet will carry. */
  get sequenceNumber(): number {
    return this.#state.sequenceNumber;
  }

  #headerBytes(): number {
    return (this.#sizeLength + this.#indexLength) / 8;
  }

  /**
   * Packetizes consecutive access units.
   *
   * @param accessUnits Raw AAC frames (no ADTS header), in order.
   * @param timestamp RTP timestamp of the first access unit (sample-rate clock).
   * @returns The RTP packets.
   * @throws {RangeError} When an access unit is larger than `sizeLength` can express.
   */
  packetize(accessUnits: readonly Uint8Array[], timestamp: number): RtpPacket[] {
    const max = this.#state.maxPayloadSize;
    const hb = this.#headerBytes();
    const maxAuSize = (1 << this.#sizeLength) - 1;
    const out: RtpPacket[] = [];
    let batch: Uint8Array[] = [];
    let batchSize = 2;
    let batchTs = timestamp;
    const flush = () => {
      if (batch.length > 0) {
        out.push(...this.#state.packets([this.#aggregate(batch, batchSize)], batchTs));
      }
      batch = [];
      batchSize = 2;
    };
    for (let i = 0; i < accessUnits.length; i++) {
      const au = accessUnits[i]!;
      const ts = (timestamp + i * this.#samples) >>> 0;
      if (au.byteLength > maxAuSize) {
        throw new RangeError(
          `Cannot packetize AAC: access unit of ${au.byteLength} bytes exceeds sizeLength`,
        );
      }
      if (batchSize + hb + au.byteLength > max) flush();
      if (batch.length === 0) batchTs = ts;
      if (2 + hb + au.byteLength <= max) {
        batch.push(au);
        batchSize += hb + au.byteLength;
        continue;
      }
      const chunk = max - 2 - hb;
      const payloads: Uint8Array[] = [];
      for (let offset = 0; offset < au.byteLength; offset += chunk) {
        const end = Math.min(offset + chunk, au.byteLength);
        const payload = new Uint8Array(2 + hb + end - offset);
        this.#writeHeaders(payload, [au.byteLength]);
        payload.set(au.subarray(offset, end), 2 + hb);
        payloads.push(payload);
      }
      const packets = this.#state.packets(payloads, ts);
      out.push(...packets);
    }
    flush();
    return out;
  }

  #writeHeaders(out: Uint8Array, sizes: number[]): void {
    const hb = this.#headerBytes();
    const bits = sizes.length * hb * 8;
    out[0] = bits >> 8;
    out[1] = bits & 0xff;
    for (let i = 0; i < sizes.length; i++) {
      const value = sizes[i]! << this.#indexLength; // AU-Index / AU-Index-delta = 0
      if (hb === 2) {
        out[2 + i * 2] = value >> 8;
        out[3 + i * 2] = value & 0xff;
      } else {
        out[2 + i] = value;
      }
    }
  }

  #aggregate(aus: Uint8Array[], size: number): Uint8Array {
    const out = new Uint8Array(size);
    this.#writeHeaders(out, aus.map((a) => a.byteLength));
    let offset = 2 + aus.length * this.#headerBytes();
    for (const au of aus) {
      out.set(au, offset);
      offset += au.byteLength;
    }
    return out;
  }
}
