/**
 * Records what a publisher sends (ANNOUNCE/SETUP/RECORD) to an MPEG-TS file: H.264 and AAC
 * (MPEG4-GENERIC) tracks are depacketized and muxed; other tracks are ignored.
 *
 * ```sh
 * deno run -A examples/record-to-disk.ts --out rec.ts --port 8554
 * node --import tsx examples/record-to-disk.ts --out rec.ts   # RTSP_PORT=8554 OUT=rec.ts also work
 * bun examples/record-to-disk.ts --out rec.ts
 * ffmpeg -re -f lavfi -i testsrc=size=320x240:rate=25 -f lavfi -i sine -t 10 -c:v libx264 \
 *   -c:a aac -f rtsp -rtsp_transport tcp rtsp://127.0.0.1:8554/rec
 * ffprobe rec.ts
 * ```
 *
 * One publisher at a time (others get 503); each new publisher rewrites the file. The file is
 * flushed and closed when the publisher leaves, and a `Closed FILE: ...` line is printed.
 * UDP publishers are accepted when `--rtp-port` (or `RTP_PORT`) is given; RTCP is the next port.
 * The adapter is picked from the runtime (Deno, Bun or Node) by `Server`.
 *
 * @module
 */

import { closeSync, openSync, writeSync } from "node:fs";
import { H264Format, Mpeg4AudioFormat, Server } from "../mod.ts";
import type { Format, Media, RtpPacket, ServerSession } from "../mod.ts";
import { H264Depacketizer } from "../src/formats/h264/h264_depacketizer.ts";
import { Mpeg4AudioDepacketizer } from "../src/formats/mpeg4_audio/mpeg4_audio_depacketizer.ts";
import { AAC_SAMPLE_RATES, type AdtsConfig, MpegTsWriter } from "../src/mpegts/mod.ts";
import type { MpegTsWriterTrack } from "../src/mpegts/mod.ts";
import { closeOnSignals, optionalPortSetting, portSetting, setting } from "./_cli.ts";

const outPath = setting("--out", "OUT") ?? "rec.ts";
const rtspPort = portSetting("--port", "RTSP_PORT", 8554);
const rtpPort = optionalPortSetting("--rtp-port", "RTP_PORT");

/** MPEG-TS timestamps are 33-bit. */
const TIMESTAMP_MODULO = 8589934592;
/** Added to every timestamp so that DTS, which trails PTS, never goes below zero. */
const TIMESTAMP_OFFSET = 90000;
/** B-frame reordering depth assumed when deriving DTS from PTS (frames). */
const REORDER_DEPTH = 4;

/** Reads object type, sample rate and channel configuration from an AudioSpecificConfig. */
function adtsConfigOf(config: Uint8Array): AdtsConfig {
  let bit = 0;
  const read = (n: number): number => {
    let v = 0;
    for (let i = 0; i < n; i++, bit++) {
      v = (v << 1) | (((config[bit >> 3] ?? 0) >> (7 - (bit & 7))) & 1);
    }
    return v;
  };
  let objectType = read(5);
  if (objectType === 31) objectType = 32 + read(6);
  const index = read(4);
  const sampleRate = index === 15 ? read(24) : AAC_SAMPLE_RATES[index];
  const channelCount = read(4);
  if (objectType < 1 || objectType > 4 || sampleRate === undefined || channelCount === 0) {
    throw new Error("Cannot record AAC: the config cannot be carried in ADTS");
  }
  return { objectType, sampleRate, channelCount };
}

/** A video access unit waiting for its DTS. */
interface PendingVideo {
  pts: number;
  randomAccess: boolean;
  nalUnits: Uint8Array[];
}

/**
 * One recording: the file, the muxer and one depacketizer per recorded track.
 *
 * DTS of H.264 is not carried by RTP. Access units arrive in decoding order, so the n-th DTS is
 * the n-th smallest PTS; a window of {@linkcode REORDER_DEPTH} units finds it, and the result is
 * shifted by the window so that it stays below the PTS.
 */
class Recording {
  readonly #fd: number;
  readonly #writer: MpegTsWriter;
  readonly #session: ServerSession;
  #videoPending: PendingVideo[] = [];
  #videoPtsHeap: number[] = [];
  #videoFrameTicks = 3600;
  #lastVideoPts: number | undefined;
  #lastDts = -Infinity;
  #started = false;
  #hasVideo = false;
  #videoTrack = 0;
  videoFrames = 0;
  audioFrames = 0;
  bytes = 0;
  closed = false;

  constructor(session: ServerSession, path: string) {
    this.#session = session;
    const tracks: MpegTsWriterTrack[] = [];
    const setups: (() => void)[] = [];
    for (const media of session.medias()) {
      for (const format of media.formats) {
        if (format instanceof H264Format) {
          const index = tracks.length;
          tracks.push({ codec: "H264" });
          this.#hasVideo = true;
          this.#videoTrack = index;
          setups.push(() => this.#recordH264(media, format));
          break;
        }
        if (format instanceof Mpeg4AudioFormat) {
          const index = tracks.length;
          tracks.push({ codec: "AAC" });
          const config = adtsConfigOf(format.config);
          setups.push(() => this.#recordAac(media, format, index, config));
          break;
        }
      }
    }
    if (tracks.length === 0) throw new Error("nothing to record: no H.264 or AAC track");
    this.#writer = new MpegTsWriter(tracks);
    this.#fd = openSync(path, "w");
    for (const setup of setups) setup();
    console.log(
      `Recording ${tracks.map((t) => t.codec).join(" + ")} from session ${session.id} to ${path}`,
    );
  }

  #write(bytes: Uint8Array): void {
    if (this.closed) return;
    let done = 0;
    while (done < bytes.byteLength) done += writeSync(this.#fd, bytes, done);
    this.bytes += bytes.byteLength;
  }

  /** PTS of `pkt` in 90 kHz units from the session's common time line, or undefined. */
  #pts90k(media: Media, format: Format, pkt: RtpPacket): number | undefined {
    const { pts, ok } = this.#session.packetPts(media, pkt);
    if (!ok) return undefined;
    return Math.round(pts * 90000 / format.clockRate);
  }

  #recordH264(media: Media, format: H264Format): void {
    const depacketizer = new H264Depacketizer();
    let sps = format.sps;
    let pps = format.pps;
    // The PTS of the last packet and its RTP timestamp: access units complete on a later packet.
    let lastPts: number | undefined;
    let lastTimestamp = 0;
    this.#session.onPacketRtp(media, format, (pkt) => {
      const pts = this.#pts90k(media, format, pkt);
      if (pts !== undefined) {
        lastPts = pts;
        lastTimestamp = pkt.timestamp;
      }
      for (const au of depacketizer.depacketize(pkt)) {
        if (lastPts === undefined) continue;
        const auPts = lastPts + ((au.timestamp - lastTimestamp) | 0);
        let idr = false;
        let hasSps = false;
        let hasPps = false;
        const nalUnits: Uint8Array[] = [];
        for (const nalu of au.nalUnits) {
          const type = nalu[0]! & 0x1f;
          if (type === 9) continue; // the writer adds its own delimiter
          if (type === 5) idr = true;
          if (type === 7) {
            sps = nalu;
            hasSps = true;
          }
          if (type === 8) {
            pps = nalu;
            hasPps = true;
          }
          nalUnits.push(nalu);
        }
        if (nalUnits.length === 0) continue;
        // Interop: ffmpeg and GStreamer send the parameter sets in the SDP only; a TS needs them
        // in band before every IDR.
        if (idr && !hasPps && pps) nalUnits.unshift(pps);
        if (idr && !hasSps && sps) nalUnits.unshift(sps);
        if (!this.#started) {
          if (!idr) continue; // nothing before the first IDR can be decoded
          this.#started = true;
        }
        this.#pushVideo({ pts: auPts, randomAccess: idr, nalUnits });
      }
    });
  }

  #pushVideo(unit: PendingVideo): void {
    if (this.#lastVideoPts !== undefined) {
      const step = unit.pts - this.#lastVideoPts;
      if (step > 0 && step < 90000) this.#videoFrameTicks = Math.min(this.#videoFrameTicks, step);
    }
    this.#lastVideoPts = unit.pts;
    this.#videoPending.push(unit);
    heapPush(this.#videoPtsHeap, unit.pts);
    while (this.#videoPending.length > REORDER_DEPTH) this.#popVideo();
  }

  #popVideo(): void {
    const unit = this.#videoPending.shift()!;
    let dts = heapPop(this.#videoPtsHeap)! - REORDER_DEPTH * this.#videoFrameTicks;
    if (dts > unit.pts) dts = unit.pts;
    if (dts <= this.#lastDts) dts = this.#lastDts + 1;
    this.#lastDts = dts;
    this.#write(this.#writer.writeH264(this.#videoTrack, {
      pts: wrap(unit.pts + TIMESTAMP_OFFSET),
      dts: wrap(dts + TIMESTAMP_OFFSET),
      randomAccess: unit.randomAccess,
      nalUnits: unit.nalUnits,
    }));
    this.videoFrames++;
  }

  #recordAac(media: Media, format: Mpeg4AudioFormat, track: number, config: AdtsConfig): void {
    const depacketizer = new Mpeg4AudioDepacketizer({
      sizeLength: format.sizeLength,
      indexLength: format.indexLength,
      indexDeltaLength: format.indexDeltaLength,
    });
    this.#session.onPacketRtp(media, format, (pkt) => {
      const pts = this.#pts90k(media, format, pkt);
      const units = depacketizer.depacketize(pkt);
      if (pts === undefined || units.length === 0) return;
      if (this.#hasVideo && !this.#started) return; // start with the first video IDR
      const first = units[0]!.timestamp;
      const unitPts = pts + Math.round(((first - pkt.timestamp) | 0) * 90000 / format.clockRate);
      this.#write(this.#writer.writeAac(track, {
        pts: wrap(unitPts + TIMESTAMP_OFFSET),
        config,
        frames: units.map((u) => u.data),
      }));
      this.audioFrames += units.length;
    });
  }

  /** Writes the units still waiting for a DTS and closes the file. Idempotent. */
  close(): void {
    if (this.closed) return;
    while (this.#videoPending.length > 0) this.#popVideo();
    this.closed = true;
    closeSync(this.#fd);
  }
}

function wrap(ts: number): number {
  return ((Math.round(ts) % TIMESTAMP_MODULO) + TIMESTAMP_MODULO) % TIMESTAMP_MODULO;
}

function heapPush(heap: number[], value: number): void {
  heap.push(value);
  let i = heap.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (heap[parent]! <= heap[i]!) break;
    [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
    i = parent;
  }
}

function heapPop(heap: number[]): number | undefined {
  if (heap.length === 0) return undefined;
  const top = heap[0];
  const last = heap.pop()!;
  if (heap.length > 0) {
    heap[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && heap[l]! < heap[m]!) m = l;
      if (r < heap.length && heap[r]! < heap[m]!) m = r;
      if (m === i) break;
      [heap[m], heap[i]] = [heap[i]!, heap[m]!];
      i = m;
    }
  }
  return top;
}

let publisher: ServerSession | undefined;
let recording: Recording | undefined;

function finish(): void {
  const r = recording;
  recording = undefined;
  publisher = undefined;
  if (r === undefined || r.closed) return;
  r.close();
  console.log(
    `Closed ${outPath}: ${r.videoFrames} video frames, ${r.audioFrames} audio frames, ${r.bytes} bytes`,
  );
}

const server = new Server({
  rtspAddress: `:${rtspPort}`,
  ...(rtpPort === undefined
    ? {}
    : { udpRtpAddress: `:${rtpPort}`, udpRtcpAddress: `:${rtpPort + 1}` }),
  handler: {
    onAnnounce({ session }) {
      if (publisher !== undefined && publisher !== session) {
        return { response: { statusCode: 503, statusMessage: "Already Recording" } };
      }
      publisher = session;
      return { response: { statusCode: 200 } };
    },
    onSetup({ session }) {
      if (session !== publisher) return { response: { statusCode: 455 } };
      return { response: { statusCode: 200 } };
    },
    onRecord({ session }) {
      if (session !== publisher) return { response: { statusCode: 455 } };
      try {
        recording = new Recording(session, outPath);
      } catch (error) {
        console.error(`Cannot record: ${(error as Error).message}`);
        return { response: { statusCode: 415 } };
      }
      return { response: { statusCode: 200 } };
    },
    onSessionClose({ session, error }) {
      if (session !== publisher) return;
      if (error) console.log(`Publisher left: ${error.message}`);
      finish();
    },
  },
});

await server.start();
console.log(
  `Record server ready: rtsp://127.0.0.1:${server.address().port}/ (writing to ${outPath})`,
);

closeOnSignals(async () => {
  finish();
  await server.close();
});
