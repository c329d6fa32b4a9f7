/**
 * MPEG-TS muxer (ISO/IEC 13818-1) for H.264, H.265, AAC (ADTS) and Opus.
 *
 * @module
 */

import { joinAnnexB } from "../formats/h264/annexb.ts";
import { crc32Mpeg2 } from "./_crc32.ts";
import { writePcr, writePesTimestamp } from "./_timestamp.ts";
import { type AdtsConfig, encodeAdts } from "./adts.ts";
import { encodeOpusTs } from "./opus_ts.ts";
import { MPEGTS_STREAM_TYPE } from "./stream_type.ts";
import { TS_PACKET_SIZE } from "./ts_reader.ts";

/** Codecs {@linkcode MpegTsWriter} can write. */
export type MpegTsWriterCodec = "H264" | "H265" | "AAC" | "Opus";

/** A track of {@linkcode MpegTsWriter}. */
export interface MpegTsWriterTrack {
  /** The codec. */
  codec: MpegTsWriterCodec;
  /** PID; default 0x100 + track index. */
  pid?: number;
  /** Opus only: channel count (1 or 2) for the PMT descriptor; default 2. */
  channelCount?: number;
}

/** Options of {@linkcode MpegTsWriter}. */
export interface MpegTsWriterOptions {
  /** PID of the PMT; default 0x1000. */
  pmtPid?: number;
  /** Program number; default 1. */
  programNumber?: number;
}

/** A video access unit for {@linkcode MpegTsWriter.writeH264} and {@linkcode MpegTsWriter.writeH265}. */
export interface MpegTsVideoUnit {
  /** Presentation timestamp, 90 kHz (wrapped to 33 bits). */
  pts: number;
  /** Decoding timestamp, 90 kHz; default `pts`. Also used as the PCR. */
  dts?: number;
  /** The access unit is a random access point (IDR / IRAP); it must then carry parameter sets. */
  randomAccess: boolean;
  /** NAL units without start codes. An access unit delimiter is added when missing. */
  nalUnits: readonly Uint8Array[];
}

const H264_AUD = new Uint8Array([0x09, 0xf0]);
const H265_AUD = new Uint8Array([0x46, 0x01, 0x50]);
const PSI_EVERY_WRITES = 100;

interface TrackState {
  pid: number;
  codec: MpegTsWriterCodec;
  streamType: number;
  streamId: number;
  channelCount: number;
}

/**
 * Writes an MPEG transport stream, one access unit per call.
 *
 * Each call returns whole 188-byte packets in one new array: the PAT and PMT first (on the first
 * call, before each random access video unit, and every 100 calls), then the PES. The first
 * video track (else the first track) carries the PCR, equal to its DTS.
 *
 * @example Write H.264 and AAC
 * ```ts
 * import assert from "node:assert/strict";
 * import { MpegTsWriter } from "./ts_writer.ts";
 * const writer = new MpegTsWriter([{ codec: "H264" }, { codec: "AAC" }]);
 * const video = writer.writeH264(0, { pts: 0, randomAccess: true, nalUnits: [new Uint8Array([0x65, 0x88])] });
 * const audio = writer.writeAac(1, { pts: 0, config: { objectType: 2, sampleRate: 48000, channelCount: 2 }, frames: [new Uint8Array(10)] });
 * assert.equal(video.byteLength % 188, 0);
 * assert.equal(audio.byteLength, 188);
 * ```
 */
export class MpegTsWriter {
  readonly #tracks: TrackState[];
  readonly #pmtPid: number;
  readonly #programNumber: number;
  readonly #pcrPid: number;
  #cc = new Map<number, number>();
  #writes = 0;

  /**
   * @param tracks The tracks, in PMT order; methods address them by index.
   * @param options PMT PID and program number.
   * @throws {RangeError} When there is no track, or PIDs collide.
   */
  constructor(tracks: readonly MpegTsWriterTrack[], options: MpegTsWriterOptions = {}) {
    if (tracks.length === 0) throw new RangeError("Cannot create MpegTsWriter: no track");
    this.#pmtPid = options.pmtPid ?? 0x1000;
    this.#programNumber = options.programNumber ?? 1;
    let audioId = 0xc0;
    let videoId = 0xe0;
    this.#tracks = tracks.map((t, i) => {
      const pid = t.pid ?? 0x100 + i;
      switch (t.codec) {
        case "H264":
          return {
            pid,
            codec: t.codec,
            streamType: MPEGTS_STREAM_TYPE.H264,
            streamId: videoId++,
            channelCount: 0,
          };
        case "H265":
          return {
            pid,
            codec: t.codec,
            streamType: MPEGTS_STREAM_TYPE.H265,
            streamId: videoId++,
            channelCount: 0,
          };
        case "AAC":
          return {
            pid,
            codec: t.codec,
            streamType: MPEGTS_STREAM_TYPE.AAC_ADTS,
            streamId: audioId++,
            channelCount: 0,
          };
        case "Opus":
          return {
            pid,
            codec: t.codec,
            streamType: MPEGTS_STREAM_TYPE.PRIVATE_PES,
            streamId: 0xbd,
            channelCount: t.channelCount ?? 2,
          };
        default:
          throw new RangeError(`Cannot create MpegTsWriter: unsupported codec ${String(t.codec)}`);
      }
    });
    const pids = new Set([0, this.#pmtPid, ...this.#tracks.map((t) => t.pid)]);
    if (pids.size !== this.#tracks.length + 2) {
      throw new RangeError("Cannot create MpegTsWriter: duplicate PID");
    }
    const video = this.#tracks.find((t) => t.codec === "H264" || t.codec === "H265");
    this.#pcrPid = (video ?? this.#tracks[0]!).pid;
  }

  /** The PIDs of the tracks, by index. */
  get pids(): number[] {
    return this.#tracks.map((t) => t.pid);
  }

  /**
   * Writes an H.264 access unit.
   *
   * @param track Index of an H264 track.
   * @param unit Timestamps, random access flag and NAL units.
   * @returns TS packets.
   */
  writeH264(track: number, unit: MpegTsVideoUnit): Uint8Array {
    return this.#writeVideo(
      this.#track(track, "H264"),
      unit,
      H264_AUD,
      (n) => (n[0]! & 0x1f) === 9,
    );
  }

  /**
   * Writes an H.265 access unit.
   *
   * @param track Index of an H265 track.
   * @param unit Timestamps, random access flag and NAL units.
   * @returns TS packets.
   */
  writeH265(track: number, unit: MpegTsVideoUnit): Uint8Array {
    return this.#writeVideo(
      this.#track(track, "H265"),
      unit,
      H265_AUD,
      (n) => ((n[0]! >> 1) & 0x3f) === 35,
    );
  }

  /**
   * Writes AAC frames as one PES of ADTS frames.
   *
   * @param track Index of an AAC track.
   * @param unit PTS of the first frame (90 kHz), the stream config and raw AAC frames.
   * @returns TS packets.
   */
  writeAac(
    track: number,
    unit: { pts: number; config: AdtsConfig; frames: readonly Uint8Array[] },
  ): Uint8Array {
    const t = this.#track(track, "AAC");
    return this.#write(t, unit.pts, unit.pts, true, [encodeAdts(unit.config, unit.frames)]);
  }

  /**
   * Writes Opus packets as one PES.
   *
   * @param track Index of an Opus track.
   * @param unit PTS of the first packet (90 kHz) and the Opus packets.
   * @returns TS packets.
   */
  writeOpus(track: number, unit: { pts: number; packets: readonly Uint8Array[] }): Uint8Array {
    const t = this.#track(track, "Opus");
    return this.#write(t, unit.pts, unit.pts, true, [encodeOpusTs(unit.packets)]);
  }

  #track(index: number, codec: MpegTsWriterCodec): TrackState {
    const t = this.#tracks[index];
    if (!t || t.codec !== codec) {
      throw new RangeError(`Cannot write ${codec}: track ${index} is not ${codec}`);
    }
    return t;
  }

  #writeVideo(
    t: TrackState,
    unit: MpegTsVideoUnit,
    aud: Uint8Array,
    isAud: (n: Uint8Array) => boolean,
  ): Uint8Array {
    const nalUnits = unit.nalUnits.length > 0 && isAud(unit.nalUnits[0]!)
      ? unit.nalUnits
      : [aud, ...unit.nalUnits];
    return this.#write(t, unit.pts, unit.dts ?? unit.pts, unit.randomAccess, [
      joinAnnexB(nalUnits),
    ]);
  }

  #write(
    t: TrackState,
    pts: number,
    dts: number,
    randomAccess: boolean,
    data: Uint8Array[],
  ): Uint8Array {
    const psi = this.#writes % PSI_EVERY_WRITES === 0 || (randomAccess && t.pid === this.#pcrPid);
    this.#writes++;
    let dataSize = 0;
    for (const d of data) dataSize += d.byteLength;
    const withDts = dts !== pts;
    const headerSize = 9 + (withDts ? 10 : 5);
    const pesSize = headerSize + dataSize;
    const pesLength = pesSize - 6;
    const pes = new Uint8Array(pesSize);
    pes[2] = 1;
    pes[3] = t.streamId;
    // Video PES may be longer than 65535 bytes: length 0 means "unbounded" (video only).
    const bounded = pesLength <= 0xffff && (t.streamId & 0xf0) !== 0xe0;
    pes[4] = bounded ? pesLength >> 8 : 0;
    pes[5] = bounded ? pesLength & 0xff : 0;
    pes[6] = 0x84; // '10' marker, data_alignment_indicator
    pes[7] = withDts ? 0xc0 : 0x80;
    pes[8] = withDts ? 10 : 5;
    writePesTimestamp(pes, 9, withDts ? 3 : 2, pts);
    if (withDts) writePesTimestamp(pes, 14, 1, dts);
    let offset = headerSize;
    for (const d of data) {
      pes.set(d, offset);
      offset += d.byteLength;
    }

    const pcr = t.pid === this.#pcrPid;
    const firstAf = pcr || randomAccess ? 2 + (pcr ? 6 : 0) : 0;
    const count = Math.ceil((pesSize + firstAf) / 184) + 1;
    const out = new Uint8Array((psi ? 2 : 0) * TS_PACKET_SIZE + count * TS_PACKET_SIZE);
    let pos = 0;
    if (psi) {
      this.#writeSection(out, 0, 0, this.#pat());
      this.#writeSection(out, TS_PACKET_SIZE, this.#pmtPid, this.#pmt());
      pos = 2 * TS_PACKET_SIZE;
    }
    let read = 0;
    let first = true;
    while (read < pesSize) {
      const remaining = pesSize - read;
      let af = first ? firstAf : 0;
      if (remaining < 184 - af) af = 184 - remaining; // stuffing in the last packet
      const cc = this.#nextCc(t.pid);
      out[pos] = 0x47;
      out[pos + 1] = (first ? 0x40 : 0) | (t.pid >> 8);
      out[pos + 2] = t.pid & 0xff;
      out[pos + 3] = (af > 0 ? 0x30 : 0x10) | cc;
      if (af > 0) {
        out[pos + 4] = af - 1;
        if (af > 1) {
          let flags = 0;
          let used = 6;
          if (first && randomAccess) flags |= 0x40;
          if (first && pcr) {
            flags |= 0x10;
            writePcr(out, pos + 6, dts);
            used += 6;
          }
          out[pos + 5] = flags;
          out.fill(0xff, pos + used, pos + 4 + af);
        }
      }
      const take = 184 - af;
      out.set(pes.subarray(read, read + take), pos + 4 + af);
      read += take;
      pos += TS_PACKET_SIZE;
      first = false;
    }
    return out.subarray(0, pos);
  }

  #nextCc(pid: number): number {
    const cc = this.#cc.get(pid) ?? 0;
    this.#cc.set(pid, (cc + 1) & 0x0f);
    return cc;
  }

  #pat(): Uint8Array {
    // table_id, section_length, transport_stream_id 1, version 0 current, section 0/0, program -> PMT PID
    return section(0x00, 1, [
      this.#programNumber >> 8,
      this.#programNumber & 0xff,
      0xe0 | (this.#pmtPid >> 8),
      this.#pmtPid & 0xff,
    ]);
  }

  #pmt(): Uint8Array {
    const body: number[] = [0xe0 | (this.#pcrPid >> 8), this.#pcrPid & 0xff, 0xf0, 0x00];
    for (const t of this.#tracks) {
      const descriptors = t.codec === "Opus"
        ? [0x05, 4, 0x4f, 0x70, 0x75, 0x73, 0x7f, 2, 0x80, t.channelCount] // registration "Opus", extension
        : [];
      body.push(
        t.streamType,
        0xe0 | (t.pid >> 8),
        t.pid & 0xff,
        0xf0 | (descriptors.length >> 8),
        descriptors.length & 0xff,
      );
      body.push(...descriptors);
    }
    return section(0x02, this.#programNumber, body);
  }

  #writeSection(out: Uint8Array, pos: number, pid: number, s: Uint8Array): void {
    out[pos] = 0x47;
    out[pos + 1] = 0x40 | (pid >> 8);
    out[pos + 2] = pid & 0xff;
    out[pos + 3] = 0x10 | this.#nextCc(pid);
    out[pos + 4] = 0; // pointer_field
    out.set(s, pos + 5);
    out.fill(0xff, pos + 5 + s.byteLength, pos + TS_PACKET_SIZE);
  }
}

/** Builds a long-form PSI section with version 0, current, section 0 of 0, and its CRC. */
function section(tableId: number, idExtension: number, body: number[]): Uint8Array {
  const length = 5 + body.length + 4;
  const s = new Uint8Array(3 + length);
  s[0] = tableId;
  s[1] = 0xb0 | (length >> 8);
  s[2] = length & 0xff;
  s[3] = idExtension >> 8;
  s[4] = idExtension & 0xff;
  s[5] = 0xc1;
  s[6] = 0;
  s[7] = 0;
  s.set(body, 8);
  const crc = crc32Mpeg2(s, 0, s.byteLength - 4);
  s[s.byteLength - 4] = crc >>> 24;
  s[s.byteLength - 3] = (crc >>> 16) & 0xff;
  s[s.byteLength - 2] = (crc >>> 8) & 0xff;
  s[s.byteLength - 1] = crc & 0xff;
  return s;
}
