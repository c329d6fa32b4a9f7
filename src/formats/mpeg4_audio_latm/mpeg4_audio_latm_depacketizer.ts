/**
 * MPEG-4 Audio LATM RTP depacketizer (RFC 6416 §6).
 *
 * @module
 */

import type { RtpPacket } from "../../rtp/mod.ts";
import { MarkerAssembler } from "../_marker_assembler.ts";
import { PacketReorderer } from "../_packet_reorderer.ts";
import type { Mpeg4AudioUnit } from "../mpeg4_audio/mpeg4_audio_depacketizer.ts";
import type { StreamMuxConfig } from "./stream_mux_config.ts";

/** Options of {@linkcode Mpeg4AudioLatmDepacketizer}. */
export interface Mpeg4AudioLatmDepacketizerOptions {
  /**
   * The StreamMuxConfig of the fmtp: its frame length, subframes and other data tell how to
   * read the elements; default 1024-sample frames, one subframe, no other data.
   */
  config?: StreamMuxConfig;
  /** RTP clock rate; default the config's sample rate (one tick per sample). */
  clockRate?: number;
  /** Largest AudioMuxElement (or run of them) kept in memory; default 64 KiB. */
  maxElementBytes?: number;
}

/**
 * Extracts AAC access units from RTP packets of MPEG-4 Audio LATM with the StreamMuxConfig out
 * of band (RFC 6416 §6, `cpresent=0`). The packets up to one with the marker bit hold one or
 * more AudioMuxElements; each is read as `subFrames` times a PayloadLengthInfo (a run of 0xFF
 * bytes, then the remainder) and its access unit, then the other data the config announces.
 * The units of a packet after the first get its timestamp plus one frame each.
 *
 * Never throws on bad input: a payload whose lengths do not add up to its size is dropped and
 * counted in {@linkcode Mpeg4AudioLatmDepacketizer.invalidPackets}; an element that lost a
 * packet or outgrew the bound is dropped and counted in
 * {@linkcode Mpeg4AudioLatmDepacketizer.droppedElements}, and after a loss the packets up to the
 * next marker are skipped, as the lost one may have been an element's start.
 *
 * Packets that arrive out of order are put back in RTP sequence number order (a packet after a
 * gap waits until the gap fills, a packet of another timestamp arrives, or 64 wait); a
 * duplicate or a packet later than the ones handed on is ignored.
 *
 * @example Two access units in one packet
 * ```ts
 * import assert from "node:assert/strict";
 * import { Mpeg4AudioLatmDepacketizer } from "./mpeg4_audio_latm_depacketizer.ts";
 * const payload = new Uint8Array([2, 0xa1, 0xa2, 1, 0xb1]);
 * const units = new Mpeg4AudioLatmDepacketizer().depacketize({ marker: true, payloadType: 96, sequenceNumber: 1, timestamp: 0, ssrc: 1, csrc: [], paddingSize: 0, payload });
 * assert.deepEqual(units, [
 *   { timestamp: 0, data: new Uint8Array([0xa1, 0xa2]) },
 *   { timestamp: 1024, data: new Uint8Array([0xb1]) },
 * ]);
 * ```
 */
export class Mpeg4AudioLatmDepacketizer {
  readonly #ticksPerUnit: number;
  readonly #subFrames: number;
  readonly #otherDataBytes: number;
  readonly #elements: MarkerAssembler;
  readonly #reorderer = new PacketReorderer();
  readonly #depacketizeInOrder = (pkt: RtpPacket): Mpeg4AudioUnit[] => this.#read(pkt);
  #invalid = 0;

  /**
   * @param options The StreamMuxConfig, the clock rate and the memory bound.
   * @throws {RangeError} When the clock rate or the bound is not a positive integer.
   */
  constructor(options: Mpeg4AudioLatmDepacketizerOptions = {}) {
    const config = options.config;
    const frameLength = config?.frameLength ?? 1024;
    const clockRate = options.clockRate ?? config?.sampleRate;
    if (clockRate !== undefined && (!Number.isInteger(clockRate) || clockRate <= 0)) {
      throw new RangeError(
        `Cannot create Mpeg4AudioLatmDepacketizer: invalid clock rate ${clockRate}`,
      );
    }
    // An implicit SBR stream runs its clock at twice the config's (core) rate (RFC 6416 §7.3).
    this.#ticksPerUnit = clockRate === undefined || config === undefined
      ? frameLength
      : (frameLength * clockRate) / config.sampleRate;
    this.#subFrames = config?.subFrames ?? 1;
    this.#otherDataBytes = Math.ceil((config?.otherDataBits ?? 0) / 8);
    const maxBytes = options.maxElementBytes ?? 64 * 1024;
    if (!Number.isInteger(maxBytes) || maxBytes <= 0) {
      throw new RangeError(
        `Cannot create Mpeg4AudioLatmDepacketizer: invalid maxElementBytes ${maxBytes}`,
      );
    }
    this.#elements = new MarkerAssembler(maxBytes);
  }

  /** AudioMuxElements dropped because a packet was lost or they outgrew the bound. */
  get droppedElements(): number {
    return this.#elements.dropped;
  }

  /** Packets (or runs of fragments) whose lengths did not add up. */
  get invalidPackets(): number {
    return this.#invalid;
  }

  /**
   * Feeds one RTP packet.
   *
   * @param pkt An RTP packet of the format, in arrival order.
   * @returns The access units it completes.
   */
  depacketize(pkt: RtpPacket): Mpeg4AudioUnit[] {
    return this.#reorderer.depacketize(pkt, this.#depacketizeInOrder);
  }

  /**
   * Gives up what is missing at the end of the stream.
   *
   * @returns The access units of the packets that waited for a missing one.
   */
  flush(): Mpeg4AudioUnit[] {
    const out = this.#reorderer.drain(this.#depacketizeInOrder);
    this.#elements.drop();
    return out;
  }

  /** Forgets the element in progress, the held packets and the sequence state. */
  reset(): void {
    this.#reorderer.reset();
    this.#elements.reset();
  }

  #read(pkt: RtpPacket): Mpeg4AudioUnit[] {
    if (!this.#elements.accept(pkt)) return [];
    const run = this.#elements.add(pkt);
    return run === undefined ? [] : this.#split(run.data, run.timestamp);
  }

  /** Reads the AudioMuxElements of a marker-terminated run; all or nothing. */
  #split(data: Uint8Array, timestamp: number): Mpeg4AudioUnit[] {
    const out: Mpeg4AudioUnit[] = [];
    let o = 0;
    while (o < data.byteLength) {
      for (let sub = 0; sub < this.#subFrames; sub++) {
        let length = 0;
        let byte = 0xff;
        while (byte === 0xff) {
          if (o >= data.byteLength) return this.#invalidRun();
          byte = data[o++]!;
          length += byte;
        }
        if (o + length > data.byteLength) return this.#invalidRun();
        out.push({
          timestamp: (timestamp + Math.round(out.length * this.#ticksPerUnit)) >>> 0,
          data: data.subarray(o, o + length),
        });
        o += length;
      }
      o += this.#otherDataBytes;
      if (o > data.byteLength) return this.#invalidRun();
    }
    if (out.length === 0) return this.#invalidRun();
    return out;
  }

  #invalidRun(): Mpeg4AudioUnit[] {
    this.#invalid++;
    return [];
  }
}
