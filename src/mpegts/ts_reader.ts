/**
 * Streaming MPEG-TS demuxer (ISO/IEC 13818-1): PAT, PMT and PES reassembly.
 *
 * @module
 */

import { crc32Mpeg2 } from "./_crc32.ts";
import { readPesTimestamp } from "./_timestamp.ts";
import { codecOfStreamType, type MpegTsCodec } from "./stream_type.ts";
import { TS_PACKET_SIZE, TS_SYNC_BYTE as SYNC_BYTE } from "../formats/mp2t/ts_packet.ts";

/** Size of a transport stream packet (defined with the MP2T RTP format, re-exported here). */
export { TS_PACKET_SIZE };
const MAX_SECTION_BYTES = 1024;

/** One elementary stream announced by a PMT. */
export interface MpegTsTrack {
  /** PID of the stream's TS packets. */
  pid: number;
  /** PMT `stream_type`. */
  streamType: number;
  /** The codec, derived from the stream type and registration descriptor. */
  codec: MpegTsCodec;
  /** Program the stream belongs to. */
  programNumber: number;
}

/** The set of tracks changed (first PMT, or a new PMT version). */
export interface MpegTsTracksEvent {
  kind: "tracks";
  /** All tracks of all programs, in PMT order. */
  tracks: MpegTsTrack[];
}

/** A reassembled PES packet of a known track. */
export interface MpegTsPesEvent {
  kind: "pes";
  /** The track the PES belongs to. */
  track: MpegTsTrack;
  /** PES `stream_id` (0xE0 video, 0xC0 audio, 0xBD private stream 1, ...). */
  streamId: number;
  /** Presentation timestamp, 33-bit, 90 kHz; absent when the PES has none. */
  pts?: number;
  /** Decoding timestamp, 33-bit, 90 kHz; absent when equal to `pts`. */
  dts?: number;
  /** The random access indicator was set in an adaptation field of the PES. */
  randomAccess: boolean;
  /** The PES payload (for H.264/H.265 an Annex B stream, for AAC ADTS frames). */
  data: Uint8Array;
}

/** What {@linkcode MpegTsReader.push} returns. */
export type MpegTsEvent = MpegTsTracksEvent | MpegTsPesEvent;

/** Options of {@linkcode MpegTsReader}. */
export interface MpegTsReaderOptions {
  /** Largest PES packet kept in memory, in bytes; larger ones are dropped. Default 8 MiB. */
  maxPesBytes?: number;
}

/** Counters of {@linkcode MpegTsReader}. */
export interface MpegTsReaderStats {
  /** TS packets processed. */
  packets: number;
  /** Times the reader lost the 0x47 sync byte and skipped bytes to find it again. */
  syncLosses: number;
  /** Continuity counter jumps (lost TS packets). */
  continuityErrors: number;
  /** PSI sections dropped for a bad CRC or a bad length. */
  sectionErrors: number;
  /** PES packets dropped: truncated by loss, over `maxPesBytes`, or with a bad header. */
  droppedPes: number;
}

interface PesState {
  parts: Uint8Array[];
  size: number;
  expected: number; // total PES bytes when PES_packet_length is set, else 0
  randomAccess: boolean;
}

interface SectionState {
  buffer: Uint8Array;
  size: number;
}

/**
 * Demultiplexes an MPEG transport stream fed in chunks of any size.
 *
 * It follows the PAT to the PMTs, announces the tracks, and reassembles the PES packets of
 * every announced track, with PTS/DTS as plain numbers (33 bits, no BigInt). Memory is bounded:
 * at most one partial TS packet, one PSI section per PMT PID and one PES (`maxPesBytes`) per
 * track are buffered. Bad input is skipped and counted in {@linkcode stats}; it never throws.
 *
 * @example Read tracks and frames
 * ```ts
 * import assert from "node:assert/strict";
 * import { MpegTsReader } from "./ts_reader.ts";
 * import { MpegTsWriter } from "./ts_writer.ts";
 * const writer = new MpegTsWriter([{ codec: "H264" }]);
 * const bytes = writer.writeH264(0, { pts: 3600, dts: 3600, randomAccess: true, nalUnits: [new Uint8Array([0x65, 1])] });
 * const reader = new MpegTsReader();
 * const events = [...reader.push(bytes), ...reader.flush()];
 * assert.equal(events[0].kind, "tracks");
 * assert.equal(events[1].kind === "pes" && events[1].pts, 3600);
 * ```
 */
export class MpegTsReader {
  readonly #maxPesBytes: number;
  #leftover = new Uint8Array(TS_PACKET_SIZE);
  #leftoverSize = 0;
  #pmtPids = new Map<number, number>(); // PID -> program number
  #pmtTracks = new Map<number, MpegTsTrack[]>(); // PMT PID -> its tracks
  #pmtVersions = new Map<number, string>();
  #tracks = new Map<number, MpegTsTrack>();
  #sections = new Map<number, SectionState>();
  #pes = new Map<number, PesState>();
  #cc = new Map<number, number>();
  #stats: MpegTsReaderStats = {
    packets: 0,
    syncLosses: 0,
    continuityErrors: 0,
    sectionErrors: 0,
    droppedPes: 0,
  };
  #events: MpegTsEvent[] = [];

  /** @param options Memory bounds. */
  constructor(options: MpegTsReaderOptions = {}) {
    this.#maxPesBytes = options.maxPesBytes ?? 8 * 1024 * 1024;
  }

  /** The tracks of the last PMTs, in order. */
  get tracks(): MpegTsTrack[] {
    return [...this.#tracks.values()];
  }

  /** A snapshot of the counters. */
  get stats(): MpegTsReaderStats {
    return { ...this.#stats };
  }

  /**
   * Feeds bytes of the transport stream. The chunk must not change afterwards, because PES
   * parts may be kept as views until the PES is complete.
   *
   * @param chunk Any number of bytes, not necessarily aligned on packets.
   * @returns The events completed by this chunk, in stream order.
   */
  push(chunk: Uint8Array): MpegTsEvent[] {
    let pos = 0;
    const n = chunk.byteLength;
    if (this.#leftoverSize > 0) {
      const need = TS_PACKET_SIZE - this.#leftoverSize;
      const take = Math.min(need, n);
      this.#leftover.set(chunk.subarray(0, take), this.#leftoverSize);
      this.#leftoverSize += take;
      pos = take;
      if (this.#leftoverSize < TS_PACKET_SIZE) return this.#take();
      // The PES may keep a view of the packet: hand over this buffer and start a new one.
      const packet = this.#leftover;
      this.#leftover = new Uint8Array(TS_PACKET_SIZE);
      this.#leftoverSize = 0;
      this.#packet(packet);
    }
    while (pos < n) {
      if (chunk[pos] !== SYNC_BYTE) {
        this.#stats.syncLosses++;
        pos = resync(chunk, pos + 1);
        continue;
      }
      if (n - pos < TS_PACKET_SIZE) {
        this.#leftover.set(chunk.subarray(pos), 0);
        this.#leftoverSize = n - pos;
        break;
      }
      this.#packet(chunk.subarray(pos, pos + TS_PACKET_SIZE));
      pos += TS_PACKET_SIZE;
    }
    return this.#take();
  }

  /**
   * Ends the stream: emits the PES packets still open (video PES usually have no length and end
   * only when the next one starts).
   *
   * @returns The remaining events.
   */
  flush(): MpegTsEvent[] {
    for (const [pid, state] of this.#pes) {
      this.#pes.delete(pid);
      this.#emitPes(pid, state);
    }
    this.#leftoverSize = 0;
    return this.#take();
  }

  #take(): MpegTsEvent[] {
    const events = this.#events;
    this.#events = [];
    return events;
  }

  #packet(p: Uint8Array): void {
    this.#stats.packets++;
    const b1 = p[1]!;
    if (b1 & 0x80) return; // transport_error_indicator
    const pusi = (b1 & 0x40) !== 0;
    const pid = ((b1 & 0x1f) << 8) | p[2]!;
    const afc = (p[3]! >> 4) & 0x03;
    const cc = p[3]! & 0x0f;
    let offset = 4;
    let randomAccess = false;
    let discontinuity = false;
    if (afc & 0x02) {
      const afLength = p[4]!;
      if (afLength > 0) {
        discontinuity = (p[5]! & 0x80) !== 0;
        randomAccess = (p[5]! & 0x40) !== 0;
      }
      offset = 5 + afLength;
      if (offset > TS_PACKET_SIZE) return;
    }
    if (!(afc & 0x01) || pid === 0x1fff) return; // no payload, or null packet

    const last = this.#cc.get(pid);
    this.#cc.set(pid, cc);
    if (last !== undefined && !discontinuity) {
      if (cc === last) return; // duplicate packet (ISO/IEC 13818-1 §2.4.3.3)
      if (cc !== ((last + 1) & 0x0f)) {
        this.#stats.continuityErrors++;
        if (this.#pes.delete(pid)) this.#stats.droppedPes++;
        this.#sections.delete(pid);
      }
    }
    const payload = p.subarray(offset);
    if (pid === 0 || this.#pmtPids.has(pid)) this.#psi(pid, pusi, payload);
    else if (this.#tracks.has(pid)) this.#pesPayload(pid, pusi, randomAccess, payload);
  }

  // --- PSI ---------------------------------------------------------------------------------

  #psi(pid: number, pusi: boolean, payload: Uint8Array): void {
    let pos = 0;
    if (pusi) {
      const pointer = payload[0]!;
      pos = 1;
      if (pos + pointer > payload.byteLength) return;
      if (this.#sections.has(pid)) this.#appendSection(pid, payload.subarray(pos, pos + pointer));
      this.#sections.delete(pid);
      pos += pointer;
      // New sections until stuffing (0xFF) or the end of the packet.
      while (pos < payload.byteLength && payload[pos] !== 0xff) {
        const state: SectionState = { buffer: new Uint8Array(MAX_SECTION_BYTES), size: 0 };
        this.#sections.set(pid, state);
        const before = pos;
        pos += this.#appendSection(pid, payload.subarray(pos));
        if (this.#sections.has(pid) || pos === before) break; // incomplete: continues in next packet
      }
    } else if (this.#sections.has(pid)) {
      this.#appendSection(pid, payload);
    }
  }

  /** Appends bytes to the section in progress; returns how many bytes were used. */
  #appendSection(pid: number, bytes: Uint8Array): number {
    const state = this.#sections.get(pid)!;
    let total = state.size >= 3 ? 3 + (((state.buffer[1]! & 0x0f) << 8) | state.buffer[2]!) : 0;
    let used = 0;
    while (used < bytes.byteLength) {
      if (total === 0 && state.size < 3) {
        state.buffer[state.size++] = bytes[used++]!;
        if (state.size === 3) {
          total = 3 + (((state.buffer[1]! & 0x0f) << 8) | state.buffer[2]!);
          if (total > MAX_SECTION_BYTES || total < 3 + 5 + 4) {
            this.#stats.sectionErrors++;
            this.#sections.delete(pid);
            return bytes.byteLength;
          }
        }
        continue;
      }
      const take = Math.min(total - state.size, bytes.byteLength - used);
      state.buffer.set(bytes.subarray(used, used + take), state.size);
      state.size += take;
      used += take;
      if (state.size === total) {
        this.#sections.delete(pid);
        this.#section(pid, state.buffer.subarray(0, total));
        return used;
      }
    }
    return used;
  }

  #section(pid: number, s: Uint8Array): void {
    if (crc32Mpeg2(s, 0, s.byteLength) !== 0) {
      this.#stats.sectionErrors++;
      return;
    }
    const tableId = s[0]!;
    if (!(s[5]! & 0x01)) return; // current_next_indicator: not yet applicable
    const end = s.byteLength - 4;
    if (pid === 0 && tableId === 0x00) {
      for (let i = 8; i + 4 <= end; i += 4) {
        const program = (s[i]! << 8) | s[i + 1]!;
        const pmtPid = ((s[i + 2]! & 0x1f) << 8) | s[i + 3]!;
        if (program !== 0) this.#pmtPids.set(pmtPid, program);
      }
    } else if (tableId === 0x02 && this.#pmtPids.has(pid)) {
      this.#pmt(pid, s, end);
    }
  }

  #pmt(pid: number, s: Uint8Array, end: number): void {
    const program = (s[3]! << 8) | s[4]!;
    const programInfoLength = ((s[10]! & 0x0f) << 8) | s[11]!;
    const tracks: MpegTsTrack[] = [];
    let i = 12 + programInfoLength;
    while (i + 5 <= end) {
      const streamType = s[i]!;
      const esPid = ((s[i + 1]! & 0x1f) << 8) | s[i + 2]!;
      const infoLength = ((s[i + 3]! & 0x0f) << 8) | s[i + 4]!;
      const infoEnd = Math.min(i + 5 + infoLength, end);
      let registration: string | undefined;
      for (let d = i + 5; d + 2 <= infoEnd; d += 2 + s[d + 1]!) {
        if (s[d] === 0x05 && s[d + 1]! >= 4 && d + 6 <= infoEnd) {
          registration = String.fromCharCode(s[d + 2]!, s[d + 3]!, s[d + 4]!, s[d + 5]!);
        }
      }
      tracks.push({
        pid: esPid,
        streamType,
        codec: codecOfStreamType(streamType, registration),
        programNumber: program,
      });
      i = infoEnd;
    }
    const signature = tracks.map((t) => `${t.pid}:${t.streamType}:${t.codec}`).join(",");
    if (this.#pmtVersions.get(pid) === signature) return;
    this.#pmtVersions.set(pid, signature);
    this.#pmtTracks.set(pid, tracks);
    const previous = this.#tracks;
    this.#tracks = new Map();
    for (const list of this.#pmtTracks.values()) for (const t of list) this.#tracks.set(t.pid, t);
    for (const oldPid of previous.keys()) if (!this.#tracks.has(oldPid)) this.#pes.delete(oldPid);
    this.#events.push({ kind: "tracks", tracks: this.tracks });
  }

  // --- PES ---------------------------------------------------------------------------------

  #pesPayload(pid: number, pusi: boolean, randomAccess: boolean, payload: Uint8Array): void {
    let state = this.#pes.get(pid);
    if (pusi) {
      if (state) {
        this.#pes.delete(pid);
        this.#emitPes(pid, state);
      }
      state = { parts: [], size: 0, expected: 0, randomAccess: false };
      this.#pes.set(pid, state);
    } else if (!state) {
      return; // continuation of a PES whose start was not seen
    }
    state.randomAccess ||= randomAccess;
    state.parts.push(payload);
    state.size += payload.byteLength;
    if (state.expected === 0 && state.size >= 6) {
      const head = state.parts[0]!.byteLength >= 6
        ? state.parts[0]!
        : concatParts(state.parts, state.size);
      const length = (head[4]! << 8) | head[5]!;
      state.expected = length === 0 ? -1 : 6 + length;
    }
    if (state.size > this.#maxPesBytes) {
      this.#pes.delete(pid);
      this.#stats.droppedPes++;
      return;
    }
    if (state.expected > 0 && state.size >= state.expected) {
      this.#pes.delete(pid);
      this.#emitPes(pid, state);
    }
  }

  #emitPes(pid: number, state: PesState): void {
    const track = this.#tracks.get(pid);
    if (!track) return;
    if (state.expected > 0 && state.size < state.expected) {
      this.#stats.droppedPes++; // truncated: the rest was lost
      return;
    }
    const bytes = concatParts(state.parts, state.size);
    const event = parsePes(bytes, track, state.randomAccess, state.expected);
    if (event) this.#events.push(event);
    else this.#stats.droppedPes++;
  }
}

function resync(chunk: Uint8Array, from: number): number {
  for (let i = from; i < chunk.byteLength; i++) {
    if (chunk[i] !== SYNC_BYTE) continue;
    if (i + TS_PACKET_SIZE >= chunk.byteLength || chunk[i + TS_PACKET_SIZE] === SYNC_BYTE) return i;
  }
  return chunk.byteLength;
}

function concatParts(parts: Uint8Array[], size: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

/** Stream ids without the optional PES header (ISO/IEC 13818-1 §2.4.3.7). */
function hasOptionalHeader(streamId: number): boolean {
  return streamId !== 0xbc && streamId !== 0xbe && streamId !== 0xbf && streamId !== 0xf0 &&
    streamId !== 0xf1 && streamId !== 0xff && streamId !== 0xf2 && streamId !== 0xf8;
}

function parsePes(
  b: Uint8Array,
  track: MpegTsTrack,
  randomAccess: boolean,
  expected: number,
): MpegTsPesEvent | undefined {
  if (b.byteLength < 6 || b[0] !== 0 || b[1] !== 0 || b[2] !== 1) return undefined;
  const streamId = b[3]!;
  const end = expected > 0 ? Math.min(expected, b.byteLength) : b.byteLength;
  if (!hasOptionalHeader(streamId)) {
    return { kind: "pes", track, streamId, randomAccess, data: b.subarray(6, end) };
  }
  if (b.byteLength < 9 || (b[6]! & 0xc0) !== 0x80) return undefined;
  const flags = b[7]! >> 6;
  const start = 9 + b[8]!;
  if (start > end) return undefined;
  const event: MpegTsPesEvent = {
    kind: "pes",
    track,
    streamId,
    randomAccess,
    data: b.subarray(start, end),
  };
  if (flags & 0x02) {
    if (b[8]! < 5) return undefined;
    event.pts = readPesTimestamp(b, 9);
    if (flags === 0x03) {
      if (b[8]! < 10) return undefined;
      event.dts = readPesTimestamp(b, 14);
    }
  }
  return event;
}
