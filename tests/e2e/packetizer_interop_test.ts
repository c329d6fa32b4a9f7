// End to end: our packetizers against real depacketizers. For each case, ffmpeg encodes a short
// source (testsrc or sine) into a file; the test splits it into frames or access units, serves
// them from a Server + ServerStream in this process, packetized by src/formats/<codec>, paced in
// real time with RTP timestamps that cross the 2^32 wrap, and ends each play with an RTCP SR+BYE.
// ffmpeg and GStreamer (rtspsrc) read over RTSP and decode. Every frame (video) or sample
// (audio) sent must come out; ffmpeg must log no error and GStreamer no warning; ffmpeg's decode
// must equal its decode of the source file bit for bit (nothing is re-encoded), and so must
// GStreamer's where its decoder is exact. Small maxPacketSize values force fragmentation.
//
// Not covered: AV1 (neither ffmpeg 5.1 nor GStreamer 1.22 has an AV1 RTP depacketizer), and
// ffmpeg's 4:2:2 JPEGs, which the packetizer rightly refuses: ffmpeg samples them 2x2/1x2, not
// the 2x1/1x1 of RFC 2435 type 0, so their MCUs cannot be described.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Format } from "../../src/formats/format.ts";
import { splitAnnexB } from "../../src/formats/h264/annexb.ts";
import { H264Format } from "../../src/formats/h264/h264_format.ts";
import { H264Packetizer } from "../../src/formats/h264/h264_packetizer.ts";
import { G711Format } from "../../src/formats/g711/g711_format.ts";
import { G711Packetizer } from "../../src/formats/g711/g711_packetizer.ts";
import { G722Format } from "../../src/formats/g722/g722_format.ts";
import { G722Packetizer } from "../../src/formats/g722/g722_packetizer.ts";
import { Ac3Format } from "../../src/formats/ac3/ac3_format.ts";
import { splitAc3Frames } from "../../src/formats/ac3/ac3_frame.ts";
import { Ac3Packetizer } from "../../src/formats/ac3/ac3_packetizer.ts";
import { H265Format } from "../../src/formats/h265/h265_format.ts";
import { H265Packetizer } from "../../src/formats/h265/h265_packetizer.ts";
import { LpcmFormat } from "../../src/formats/lpcm/lpcm_format.ts";
import { LpcmPacketizer } from "../../src/formats/lpcm/lpcm_packetizer.ts";
import { MjpegFormat } from "../../src/formats/mjpeg/mjpeg_format.ts";
import { MjpegPacketizer } from "../../src/formats/mjpeg/mjpeg_packetizer.ts";
import { Mpeg4AudioFormat } from "../../src/formats/mpeg4_audio/mpeg4_audio_format.ts";
import { Mpeg4AudioPacketizer } from "../../src/formats/mpeg4_audio/mpeg4_audio_packetizer.ts";
import { Mpeg4VideoFormat } from "../../src/formats/mpeg4_video/mpeg4_video_format.ts";
import { Mpeg4VideoPacketizer } from "../../src/formats/mpeg4_video/mpeg4_video_packetizer.ts";
import { OpusFormat } from "../../src/formats/opus/opus_format.ts";
import { OpusPacketizer } from "../../src/formats/opus/opus_packetizer.ts";
import { Vp8Format } from "../../src/formats/vp8/vp8_format.ts";
import { Vp8Packetizer } from "../../src/formats/vp8/vp8_packetizer.ts";
import { Vp9Format } from "../../src/formats/vp9/vp9_format.ts";
import { Vp9Packetizer } from "../../src/formats/vp9/vp9_packetizer.ts";
import { AAC_SAMPLE_RATES, decodeAdts } from "../../src/mpegts/adts.ts";
import { decodeOpusTs } from "../../src/mpegts/opus_ts.ts";
import { MpegTsReader } from "../../src/mpegts/ts_reader.ts";
import type { RtpPacket } from "../../src/rtp/mod.ts";
import { splitIvf, splitJpegs } from "../_helpers/elementary_streams.ts";
import type { ChildProcessHandle } from "../_helpers/process.ts";
import { framemd5Lines, skipUnless, tools } from "./harness.ts";
import {
  equalBytes,
  gstComplaints,
  InteropServer,
  maxSampleDiff,
  type Play,
  type Unit,
} from "./_interop.ts";

const WIDTH = 320;
const HEIGHT = 240;
const FPS = 25;
/** Frames of every video source: 1 s. */
const FRAMES = 25;
/** Length of every audio source. */
const AUDIO_SECONDS = 1;
/** Readers running at once (the machine may have 2 cores). */
const CONCURRENCY = 3;

/** What a source file gives the server. */
interface Source {
  format: Format;
  /** Packetizes every unit with a fresh packetizer (one per play). */
  packetize(maxPacketSize: number | undefined, timestampBase: number): Unit[];
  /** Frames (video) or sample frames (audio) sent. */
  count: number;
  /** Audio: channels and rate of the decoded samples. */
  channels?: number;
  sampleRate?: number;
}

interface CodecCase {
  name: string;
  kind: "video" | "audio";
  /** ffmpeg encoders the source needs. */
  encoders: string[];
  /** ffmpeg output arguments that make the source file from testsrc or sine. */
  encode: string[];
  /** Video size; default WIDTH x HEIGHT. */
  size?: [number, number];
  /** Audio: sample format of the decoded samples compared; default s16le. */
  sampleFormat?: "s16le" | "s32le";
  /**
   * GStreamer's decoder is bit-exact with ffmpeg's: its decoding is normative (H.265, VP8, VP9),
   * or it is ffmpeg's own (avdec_*), or G.711/PCM with no sample conversion.
   */
  gstExact?: boolean;
  /** Audio: GStreamer's samples may differ from ffmpeg's decode of the source by this much. */
  gstTolerance?: number;
  /** Audio: sample frames at the start left out of the {@linkcode gstTolerance} comparison. */
  gstSkipSamples?: number;
  /** ffmpeg input arguments of the source file when it has no header (raw audio). */
  rawInput?: string[];
  load(bytes: Uint8Array): Source;
  /** GStreamer elements from the depayloader to the decoder. */
  gst: string[];
  /** The plays: who reads, over which transport, with which packet size. */
  reads: readonly Read[];
}

interface Read {
  client: "ffmpeg" | "gst";
  transport: "tcp" | "udp";
  /** maxPacketSize of the packetizer (RTP header included); default theirs (1472). */
  maxPacketSize?: number;
}

const TS_MODULO = 2 ** 33;

function videoUnits(
  frames: Uint8Array[],
  base: number,
  packetize: (f: Uint8Array, ts: number) => RtpPacket[],
): Unit[] {
  return frames.map((f, i) => ({
    dueMs: (i * 1000) / FPS,
    packets: packetize(f, (base + i * 3600) >>> 0),
  }));
}

/** How H.264 and H.265 differ here: NAL unit types and their parameter sets. */
interface AnnexBCodec {
  codec: "H264" | "H265";
  type(nalUnit: Uint8Array): number;
  /** Access unit delimiter type (not sent over RTP). */
  aud: number;
  /** Parameter set types, in sprop order. */
  parameterSets: number[];
  format(params: Map<number, Uint8Array>): Format;
  packetizer(maxPacketSize: number | undefined): {
    packetize(nalUnits: readonly Uint8Array[], timestamp: number): RtpPacket[];
  };
}

const H264: AnnexBCodec = {
  codec: "H264",
  type: (n) => n[0]! & 0x1f,
  aud: 9,
  parameterSets: [7, 8],
  format: (params) =>
    new H264Format({
      payloadType: 96,
      packetizationMode: 1,
      sps: params.get(7),
      pps: params.get(8),
    }),
  packetizer: (maxPacketSize) => new H264Packetizer({ payloadType: 96, maxPacketSize }),
};

const H265: AnnexBCodec = {
  codec: "H265",
  type: (n) => (n[0]! >> 1) & 0x3f,
  aud: 35,
  parameterSets: [32, 33, 34],
  format: (params) =>
    new H265Format({
      payloadType: 96,
      vps: params.get(32),
      sps: params.get(33),
      pps: params.get(34),
    }),
  packetizer: (maxPacketSize) => new H265Packetizer({ payloadType: 96, maxPacketSize }),
};

/**
 * The access units of the H.264 or H.265 track of an MPEG-TS file. With `inBand` false the
 * parameter sets are only in the SDP (sprop-parameter-sets, sprop-vps/sps/pps).
 */
function loadAnnexB(codec: AnnexBCodec, inBand: boolean): (bytes: Uint8Array) => Source {
  return (bytes) => {
    const reader = new MpegTsReader();
    const events = [...reader.push(bytes), ...reader.flush()];
    const track = reader.tracks.find((t) => t.codec === codec.codec);
    assert.ok(track, `no ${codec.codec} track in the source`);
    const units: { pts: number; dts: number; nalUnits: Uint8Array[] }[] = [];
    const params = new Map<number, Uint8Array>();
    for (const e of events) {
      if (e.kind !== "pes" || e.track.pid !== track.pid || e.pts === undefined) continue;
      const nalUnits = splitAnnexB(e.data).filter((n) => codec.type(n) !== codec.aud);
      for (const n of nalUnits) {
        const type = codec.type(n);
        if (codec.parameterSets.includes(type) && !params.has(type)) params.set(type, n);
      }
      units.push({
        pts: e.pts,
        dts: e.dts ?? e.pts,
        nalUnits: inBand
          ? nalUnits
          : nalUnits.filter((n) => !codec.parameterSets.includes(codec.type(n))),
      });
    }
    const firstPts = Math.min(...units.map((u) => u.pts));
    const firstDts = units[0]!.dts;
    return {
      format: codec.format(params),
      count: units.length,
      packetize: (maxPacketSize, base) => {
        const p = codec.packetizer(maxPacketSize);
        return units.map((u) => ({
          dueMs: (((u.dts - firstDts + TS_MODULO) % TS_MODULO) / 90000) * 1000,
          packets: p.packetize(
            u.nalUnits,
            (base + (u.pts - firstPts + TS_MODULO) % TS_MODULO) >>> 0,
          ),
        }));
      },
    };
  };
}

function loadVp8(bytes: Uint8Array): Source {
  const frames = splitIvf(bytes).frames.map((f) => f.data);
  return {
    format: new Vp8Format({ payloadType: 96 }),
    count: frames.length,
    packetize: (maxPacketSize, base) => {
      const p = new Vp8Packetizer({ payloadType: 96, maxPacketSize });
      return videoUnits(frames, base, (f, ts) => p.packetize(f, ts));
    },
  };
}

function loadVp9(bytes: Uint8Array): Source {
  const frames = splitIvf(bytes).frames.map((f) => f.data);
  return {
    format: new Vp9Format({ payloadType: 96 }),
    count: frames.length,
    packetize: (maxPacketSize, base) => {
      const p = new Vp9Packetizer({ payloadType: 96, maxPacketSize });
      return videoUnits(frames, base, (f, ts) => p.packetize(f, ts));
    },
  };
}

function loadMjpeg(bytes: Uint8Array): Source {
  const images = splitJpegs(bytes);
  return {
    format: new MjpegFormat(),
    count: images.length,
    packetize: (maxPacketSize, base) => {
      const p = new MjpegPacketizer({ maxPacketSize });
      return videoUnits(images, base, (f, ts) => p.packetize(f, ts));
    },
  };
}

/** AAC access units sent per packetize() call: the packetizer aggregates them in one packet. */
const AAC_UNITS_PER_CALL = 2;

function loadAac(bytes: Uint8Array): Source {
  const frames = decodeAdts(bytes);
  const { objectType, sampleRate, channelCount } = frames[0]!;
  // AudioSpecificConfig (ISO/IEC 14496-3 §1.6.2.1): object type(5) frequency index(4) channels(4) 000.
  const asc = (objectType << 11) | (AAC_SAMPLE_RATES.indexOf(sampleRate) << 7) |
    (channelCount << 3);
  const format = new Mpeg4AudioFormat({
    payloadType: 96,
    clockRate: sampleRate,
    channelCount,
    config: new Uint8Array([asc >> 8, asc & 0xff]),
  });
  return {
    format,
    count: frames.length * 1024,
    channels: channelCount,
    sampleRate,
    packetize: (maxPacketSize, base) => {
      const p = new Mpeg4AudioPacketizer({ payloadType: 96, maxPacketSize });
      const units: Unit[] = [];
      for (let i = 0; i < frames.length; i += AAC_UNITS_PER_CALL) {
        const aus = frames.slice(i, i + AAC_UNITS_PER_CALL).map((f) => f.data);
        units.push({
          dueMs: (i * 1024 * 1000) / sampleRate,
          packets: p.packetize(aus, (base + i * 1024) >>> 0),
        });
      }
      return units;
    },
  };
}

/** Samples per Opus packet of the source (libopus default: 20 ms at 48 kHz). */
const OPUS_FRAME_SAMPLES = 960;

function loadOpus(bytes: Uint8Array): Source {
  const reader = new MpegTsReader();
  const events = [...reader.push(bytes), ...reader.flush()];
  const track = reader.tracks.find((t) => t.codec === "Opus");
  assert.ok(track, "no Opus track in the source");
  const packets: Uint8Array[] = [];
  for (const e of events) {
    if (e.kind === "pes" && e.track.pid === track.pid) packets.push(...decodeOpusTs(e.data));
  }
  return {
    format: new OpusFormat({ payloadType: 96, isStereo: true }),
    count: packets.length * OPUS_FRAME_SAMPLES,
    channels: 2,
    sampleRate: 48000,
    packetize: (maxPacketSize, base) => {
      const p = new OpusPacketizer({ payloadType: 96, maxPacketSize });
      return packets.map((pkt, i) => ({
        dueMs: (i * OPUS_FRAME_SAMPLES * 1000) / 48000,
        packets: p.packetize(pkt, (base + i * OPUS_FRAME_SAMPLES) >>> 0),
      }));
    },
  };
}

/** Raw audio in 20 ms chunks, each packetized by `packetize` (which may split it further). */
function rawAudioUnits(
  bytes: Uint8Array,
  frameBytes: number,
  sampleRate: number,
  base: number,
  packetize: (chunk: Uint8Array, ts: number) => RtpPacket[],
): Unit[] {
  const chunk = (sampleRate / 50) * frameBytes;
  const units: Unit[] = [];
  for (let o = 0; o < bytes.byteLength; o += chunk) {
    const samples = bytes.subarray(o, Math.min(o + chunk, bytes.byteLength));
    const ts = o / frameBytes;
    units.push({
      dueMs: (ts * 1000) / sampleRate,
      packets: packetize(samples, (base + ts) >>> 0),
    });
  }
  return units;
}

function loadG711(mulaw: boolean): (bytes: Uint8Array) => Source {
  return (bytes) => ({
    format: new G711Format({ mulaw }),
    count: bytes.byteLength,
    channels: 1,
    sampleRate: 8000,
    packetize: (maxPacketSize, base) => {
      const p = new G711Packetizer({ payloadType: mulaw ? 0 : 8, maxPacketSize });
      return rawAudioUnits(bytes, 1, 8000, base, (s, ts) => p.packetize(s, ts));
    },
  });
}

function loadLpcm(
  bitDepth: 8 | 16 | 24,
  sampleRate: number,
  channelCount: number,
): (bytes: Uint8Array) => Source {
  return (bytes) => {
    const format = new LpcmFormat({ bitDepth, sampleRate, channelCount });
    const frameBytes = (bitDepth / 8) * channelCount;
    return {
      format,
      count: bytes.byteLength / frameBytes,
      channels: channelCount,
      sampleRate,
      packetize: (maxPacketSize, base) => {
        const p = new LpcmPacketizer({
          payloadType: format.payloadType,
          bitDepth,
          channelCount,
          maxPacketSize,
        });
        return rawAudioUnits(bytes, frameBytes, sampleRate, base, (s, ts) => p.packetize(s, ts));
      },
    };
  };
}

/**
 * The frames of an MPEG-4 Visual elementary stream (ffmpeg's m4v): each VOP with the headers
 * (VOS, VO, VOL, GOV) before it; the headers before the first VOP are the SDP's config.
 */
function loadMpeg4Video(bytes: Uint8Array): Source {
  const vopStarts: number[] = [];
  for (let i = 0; i + 3 < bytes.byteLength; i++) {
    if (bytes[i] === 0 && bytes[i + 1] === 0 && bytes[i + 2] === 1 && bytes[i + 3] === 0xb6) {
      vopStarts.push(i);
    }
  }
  assert.ok(vopStarts.length > 0, "no VOP in the source");
  // A frame runs from the end of the VOP before it (its headers) to the end of its own VOP.
  const frameStarts = [0, ...vopStarts.slice(1).map((s) => headerStart(bytes, s))];
  const frames = frameStarts.map((s, i) =>
    bytes.subarray(s, frameStarts[i + 1] ?? bytes.byteLength)
  );
  const format = new Mpeg4VideoFormat({
    payloadType: 96,
    profileLevelId: bytes[4]!, // profile_and_level_indication of the VOS header
    config: bytes.subarray(0, vopStarts[0]!),
  });
  return {
    format,
    count: frames.length,
    packetize: (maxPacketSize, base) => {
      const p = new Mpeg4VideoPacketizer({ payloadType: 96, maxPacketSize });
      return videoUnits(frames, base, (f, ts) => p.packetize(f, ts));
    },
  };
}

/** Where the headers (VOS/VO/VOL/GOV start codes) right before the VOP at `vop` begin. */
function headerStart(bytes: Uint8Array, vop: number): number {
  let start = vop;
  for (let i = vop - 4; i >= 0; i--) {
    if (bytes[i] !== 0 || bytes[i + 1] !== 0 || bytes[i + 2] !== 1) continue;
    const code = bytes[i + 3]!;
    if (code === 0xb6) break; // the VOP before
    if (code === 0xb0 || code === 0xb3 || code === 0xb5 || code <= 0x2f) start = i;
  }
  return start;
}

/** AC-3 frames sent per packetize() call: the packetizer puts several in one packet. */
const AC3_FRAMES_PER_CALL = 3;

function loadAc3(bytes: Uint8Array): Source {
  const frames = splitAc3Frames(bytes);
  return {
    format: new Ac3Format({ payloadType: 96, sampleRate: 48000, channelCount: 2 }),
    count: frames.length * 1536,
    channels: 2,
    sampleRate: 48000,
    packetize: (maxPacketSize, base) => {
      const p = new Ac3Packetizer({ payloadType: 96, maxPacketSize });
      const units: Unit[] = [];
      for (let i = 0; i < frames.length; i += AC3_FRAMES_PER_CALL) {
        units.push({
          dueMs: (i * 1536 * 1000) / 48000,
          packets: p.packetize(frames.slice(i, i + AC3_FRAMES_PER_CALL), (base + i * 1536) >>> 0),
        });
      }
      return units;
    },
  };
}

/** G.722 at 64 kbit/s: one byte per two 16 kHz samples, one tick of the 8 kHz RTP clock. */
function loadG722(bytes: Uint8Array): Source {
  return {
    format: new G722Format(),
    count: bytes.byteLength * 2,
    channels: 1,
    sampleRate: 16000,
    packetize: (maxPacketSize, base) => {
      const p = new G722Packetizer({ payloadType: 9, maxPacketSize });
      return rawAudioUnits(bytes, 1, 8000, base, (s, ts) => p.packetize(s, ts));
    },
  };
}

/** The plays of most cases: ffmpeg and GStreamer, each over TCP in packets of the default size. */
const TCP_READS: readonly Read[] = [
  { client: "ffmpeg", transport: "tcp" },
  { client: "gst", transport: "tcp" },
];

/** libx265 (ultrafast, 4:2:0) into MPEG-TS with `params` as -x265-params. */
function x265Encode(params: string): string[] {
  return [
    "-c:v",
    "libx265",
    "-preset",
    "ultrafast",
    "-x265-params",
    params,
    "-pix_fmt",
    "yuv420p",
    "-f",
    "mpegts",
  ];
}

/** libvpx (VP8) or libvpx-vp9 in real time at 300 kb/s into IVF, in `pixFmt` if given. */
function vpxEncode(encoder: "libvpx" | "libvpx-vp9", pixFmt?: string): string[] {
  return [
    "-c:v",
    encoder,
    ...(pixFmt ? ["-pix_fmt", pixFmt] : []),
    "-deadline",
    "realtime",
    "-cpu-used",
    "8",
    "-b:v",
    "300k",
    "-g",
    "25",
    "-f",
    "ivf",
  ];
}

/** ffmpeg's MJPEG encoder (4:2:0, standard Huffman tables, q 5) with `extra` options. */
function mjpegEncode(...extra: string[]): string[] {
  return [
    "-c:v",
    "mjpeg",
    "-pix_fmt",
    "yuvj420p",
    ...extra,
    "-huffman",
    "default",
    "-q:v",
    "5",
    "-f",
    "mjpeg",
  ];
}

/** The ffmpeg arguments that write headerless `format` audio and those that read it back. */
function rawAudio(
  format: string,
  sampleRate: number,
  channels: number,
): { encode: string[]; rawInput: string[] } {
  const rate = String(sampleRate);
  const ac = String(channels);
  return {
    encode: ["-ar", rate, "-ac", ac, "-f", format],
    rawInput: ["-f", format, "-ar", rate, "-ac", ac],
  };
}

const CASES: CodecCase[] = [
  {
    name: "h264 with parameter sets only in the SDP",
    kind: "video",
    encoders: ["libx264"],
    encode: [
      "-c:v",
      "libx264",
      "-preset",
      "veryfast",
      "-g",
      "25",
      "-pix_fmt",
      "yuv420p",
      "-f",
      "mpegts",
    ],
    gstExact: true,
    load: loadAnnexB(H264, false),
    gst: ["rtph264depay", "h264parse", "avdec_h264"],
    reads: [
      { client: "ffmpeg", transport: "udp", maxPacketSize: 500 },
      { client: "gst", transport: "tcp" },
    ],
  },
  {
    name: "h265",
    kind: "video",
    encoders: ["libx265"],
    encode: x265Encode("log-level=error:keyint=25"),
    gstExact: true,
    load: loadAnnexB(H265, true),
    gst: ["rtph265depay", "h265parse", "avdec_h265"],
    reads: [
      { client: "ffmpeg", transport: "tcp" },
      { client: "ffmpeg", transport: "udp", maxPacketSize: 500 },
      { client: "gst", transport: "tcp" },
      { client: "gst", transport: "udp", maxPacketSize: 500 },
    ],
  },
  {
    name: "h265 with parameter sets only in the SDP",
    kind: "video",
    encoders: ["libx265"],
    encode: x265Encode("log-level=error:keyint=25"),
    gstExact: true,
    load: loadAnnexB(H265, false),
    gst: ["rtph265depay", "h265parse", "avdec_h265"],
    reads: TCP_READS,
  },
  {
    name: "h265 640x360 in 4 slices",
    kind: "video",
    size: [640, 360],
    encoders: ["libx265"],
    // Several VCL NAL units per access unit, and larger ones.
    encode: x265Encode("log-level=error:keyint=25:slices=4:crf=16"),
    gstExact: true,
    load: loadAnnexB(H265, true),
    gst: ["rtph265depay", "h265parse", "avdec_h265"],
    reads: TCP_READS,
  },
  {
    name: "vp8",
    kind: "video",
    encoders: ["libvpx"],
    encode: vpxEncode("libvpx"),
    gstExact: true,
    load: loadVp8,
    gst: ["rtpvp8depay", "vp8dec"],
    reads: [
      { client: "ffmpeg", transport: "tcp" },
      { client: "ffmpeg", transport: "udp", maxPacketSize: 300 },
      { client: "gst", transport: "tcp" },
      { client: "gst", transport: "tcp", maxPacketSize: 300 },
    ],
  },
  {
    name: "vp9",
    kind: "video",
    encoders: ["libvpx-vp9"],
    encode: vpxEncode("libvpx-vp9", "yuv420p"),
    gstExact: true,
    load: loadVp9,
    gst: ["rtpvp9depay", "vp9dec"],
    reads: [
      { client: "ffmpeg", transport: "tcp" },
      { client: "ffmpeg", transport: "udp", maxPacketSize: 300 },
      { client: "gst", transport: "tcp" },
      { client: "gst", transport: "tcp", maxPacketSize: 300 },
    ],
  },
  {
    name: "vp9 profile 1 (RGB)",
    kind: "video",
    encoders: ["libvpx-vp9"],
    // testsrc is RGB: libvpx-vp9 keeps it (GBR planar, profile 1).
    encode: vpxEncode("libvpx-vp9", "gbrp"),
    load: loadVp9,
    gst: ["rtpvp9depay", "vp9dec"],
    reads: TCP_READS,
  },
  {
    name: "vp9 profile 2 (10-bit)",
    kind: "video",
    encoders: ["libvpx-vp9"],
    encode: vpxEncode("libvpx-vp9", "yuv420p10le"),
    load: loadVp9,
    gst: ["rtpvp9depay", "vp9dec"],
    reads: TCP_READS,
  },
  {
    name: "mjpeg",
    kind: "video",
    encoders: ["mjpeg"],
    encode: mjpegEncode(),
    gstExact: true,
    load: loadMjpeg,
    gst: ["rtpjpegdepay", "avdec_mjpeg"],
    reads: TCP_READS,
  },
  {
    name: "mjpeg with restart markers",
    kind: "video",
    encoders: ["mjpeg"],
    // Slices make ffmpeg write a restart interval (DRI) and RSTn markers.
    encode: mjpegEncode("-slices", "4"),
    gstExact: true,
    load: loadMjpeg,
    gst: ["rtpjpegdepay", "avdec_mjpeg"],
    reads: [...TCP_READS, { client: "gst", transport: "tcp", maxPacketSize: 600 }],
  },
  {
    name: "mjpeg 328x248",
    kind: "video",
    size: [328, 248], // multiples of 8, not of the 16-pixel MCU
    encoders: ["mjpeg"],
    encode: mjpegEncode(),
    gstExact: true,
    load: loadMjpeg,
    gst: ["rtpjpegdepay", "avdec_mjpeg"],
    reads: TCP_READS,
  },
  {
    name: "aac",
    kind: "audio",
    encoders: ["aac"],
    encode: ["-ar", "48000", "-ac", "2", "-c:a", "aac", "-f", "adts"],
    // avdec_aac is ffmpeg's decoder; audioconvert dithers F32 -> S16. Interop: rtpmp4gdepay
    // flags both AUs of the first (aggregated) packet DISCONT, so avdec_aac resets before the
    // second and its output differs from ffmpeg's in the overlap; sizes and order are right.
    gstTolerance: 2,
    gstSkipSamples: 2 * 1024,
    load: loadAac,
    gst: ["rtpmp4gdepay", "avdec_aac"],
    reads: [
      { client: "ffmpeg", transport: "tcp" },
      { client: "ffmpeg", transport: "tcp", maxPacketSize: 200 },
      { client: "gst", transport: "tcp" },
      { client: "gst", transport: "tcp", maxPacketSize: 200 },
    ],
  },
  {
    name: "opus",
    kind: "audio",
    encoders: ["libopus"],
    encode: ["-ar", "48000", "-ac", "2", "-c:a", "libopus", "-f", "mpegts"],
    load: loadOpus,
    gst: ["rtpopusdepay", "opusdec"],
    reads: TCP_READS,
  },
  {
    name: "pcma",
    kind: "audio",
    encoders: ["pcm_alaw"],
    ...rawAudio("alaw", 8000, 1),
    gstExact: true,
    load: loadG711(false),
    gst: ["rtppcmadepay", "alawdec"],
    reads: TCP_READS,
  },
  {
    name: "pcmu",
    kind: "audio",
    encoders: ["pcm_mulaw"],
    ...rawAudio("mulaw", 8000, 1),
    gstExact: true,
    load: loadG711(true),
    gst: ["rtppcmudepay", "mulawdec"],
    reads: [
      { client: "ffmpeg", transport: "tcp" },
      { client: "ffmpeg", transport: "udp" },
      { client: "gst", transport: "tcp" },
    ],
  },
  {
    name: "l16",
    kind: "audio",
    encoders: ["pcm_s16be"],
    ...rawAudio("s16be", 44100, 2),
    gstExact: true,
    load: loadLpcm(16, 44100, 2),
    gst: ["rtpL16depay"],
    reads: TCP_READS,
  },
  {
    name: "l24",
    kind: "audio",
    encoders: ["pcm_s24be"],
    ...rawAudio("s24be", 48000, 2),
    sampleFormat: "s32le",
    // audioconvert dithers S24 -> S16.
    gstTolerance: 2,
    load: loadLpcm(24, 48000, 2),
    gst: ["rtpL24depay"],
    reads: TCP_READS,
  },
  {
    name: "l8",
    // ffmpeg has no L8 depacketizer.
    kind: "audio",
    encoders: ["pcm_u8"],
    ...rawAudio("u8", 8000, 1),
    // GStreamer's audioconvert dithers U8 -> S16 by one step.
    gstTolerance: 1,
    load: loadLpcm(8, 8000, 1),
    gst: ["rtpL8depay"],
    reads: [
      { client: "gst", transport: "tcp" },
    ],
  },
  {
    name: "mpeg-4 visual",
    kind: "video",
    encoders: ["mpeg4"],
    // VOS/VOL headers in band before every I-VOP, and in the SDP's config.
    encode: ["-c:v", "mpeg4", "-g", "25", "-q:v", "4", "-f", "m4v"],
    gstExact: true, // avdec_mpeg4 is ffmpeg's decoder
    load: loadMpeg4Video,
    gst: ["rtpmp4vdepay", "avdec_mpeg4"],
    reads: [
      { client: "ffmpeg", transport: "tcp" },
      { client: "ffmpeg", transport: "udp", maxPacketSize: 500 },
      { client: "gst", transport: "tcp" },
      { client: "gst", transport: "tcp", maxPacketSize: 500 },
    ],
  },
  {
    name: "ac3",
    kind: "audio",
    encoders: ["ac3"],
    // 384-byte frames: three to a packet by default, FT 1 + FT 3 fragments in packets of 300
    // bytes, FT 2 + two FT 3 in packets of 200.
    encode: ["-ar", "48000", "-ac", "2", "-c:a", "ac3", "-b:a", "96k", "-f", "ac3"],
    // avdec_ac3 is ffmpeg's decoder; audioconvert dithers F32 -> S16.
    gstTolerance: 2,
    load: loadAc3,
    // rtpac3depay's caps (audio/ac3) link to avdec_ac3 only through ac3parse.
    gst: ["rtpac3depay", "ac3parse", "avdec_ac3"],
    reads: [
      { client: "ffmpeg", transport: "tcp" },
      { client: "ffmpeg", transport: "tcp", maxPacketSize: 300 },
      { client: "ffmpeg", transport: "udp", maxPacketSize: 200 },
      { client: "gst", transport: "tcp" },
      { client: "gst", transport: "tcp", maxPacketSize: 300 },
      { client: "gst", transport: "tcp", maxPacketSize: 200 },
    ],
  },
  {
    name: "g722",
    kind: "audio",
    encoders: ["g722"],
    // The g722 demuxer reads 16 kHz mono and takes no rate option.
    encode: ["-ar", "16000", "-ac", "1", "-f", "g722"],
    rawInput: ["-f", "g722"],
    gstExact: true, // avdec_g722 is ffmpeg's decoder, S16 out
    load: loadG722,
    gst: ["rtpg722depay", "avdec_g722"],
    reads: TCP_READS,
  },
];

const skipReasons = new Map<string, string | false>();

let encoderList: string | undefined;
function missingEncoders(names: string[]): string | false {
  if (!tools.ffmpeg) return "skipped: ffmpeg not installed";
  encoderList ??=
    spawnSync(tools.ffmpeg, ["-hide_banner", "-encoders"], { encoding: "utf8", timeout: 10_000 })
      .stdout ?? "";
  const missing = names.filter((n) =>
    !new RegExp(`^ \\S{6} ${n.replace(/[-]/g, "\\-")}\\s`, "m").test(encoderList!)
  );
  if (missing.length === 0) return false;
  const reason = `skipped: ffmpeg lacks the encoder ${missing.join(", ")}`;
  console.log(reason);
  return reason;
}

/** Runs async jobs with at most `n` at once. */
class Limiter {
  #free: number;
  #queue: (() => void)[] = [];
  constructor(n: number) {
    this.#free = n;
  }
  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.#free > 0) this.#free--;
    else await new Promise<void>((resolve) => this.#queue.push(resolve));
    try {
      return await job();
    } finally {
      const next = this.#queue.shift();
      if (next) next();
      else this.#free++;
    }
  }
}

/** What a reader got. */
interface ReadResult {
  child: ChildProcessHandle;
  code: number | null;
  /** Decoded video frames or audio sample frames. */
  count: number;
  /** Video: framemd5 hashes of the frames (GStreamer's computed here). */
  hashes: string[];
  /** Audio: the decoded samples (ffmpeg: {@linkcode CodecCase.sampleFormat}, GStreamer: s16le). */
  samples?: Uint8Array;
  source: Source;
  reference: Reference;
  play: Play;
}

interface Reference {
  /** Video: framemd5 hashes of ffmpeg's decode of the file. */
  hashes: string[];
  /** Audio: ffmpeg's decode of the file ({@linkcode CodecCase.sampleFormat}). */
  samples?: Uint8Array;
}

const skip = skipUnless({ ffmpeg: true });

describe(
  "packetizer interop: ffmpeg and GStreamer decode what our packetizers send",
  { skip },
  () => {
    const h = new InteropServer();
    const limiter = new Limiter(CONCURRENCY);
    const sources = new Map<string, Promise<{ source: Source; reference: Reference }>>();

    /** Encodes the source of `c`, splits it, and decodes it with ffmpeg for reference. */
    function prepare(c: CodecCase): Promise<{ source: Source; reference: Reference }> {
      let p = sources.get(c.name);
      if (p) return p;
      p = limiter.run(async () => {
        const file = join(h.dir, `${slug(c)}.src`);
        const input = c.kind === "video"
          ? [
            "-f",
            "lavfi",
            "-i",
            `testsrc=size=${sizeOf(c).join("x")}:rate=${FPS}`,
            "-frames:v",
            `${FRAMES}`,
          ]
          : ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", `${AUDIO_SECONDS}`];
        await h.runFfmpeg(`ffmpeg(encode ${c.name})`, [
          "-y",
          ...input,
          "-threads",
          "1",
          ...c.encode,
          file,
        ]);
        const source = c.load(new Uint8Array(await readFile(file)));
        const ref = await h.runFfmpeg(`ffmpeg(reference decode ${c.name})`, [
          ...(c.rawInput ?? []),
          "-i",
          file,
          ...decodeOutput(c, join(h.dir, `${slug(c)}.ref.raw`)),
        ]);
        const reference: Reference = c.kind === "video"
          ? { hashes: framemd5Lines(ref.stdout).map((l) => l.hash) }
          : {
            hashes: [],
            samples: new Uint8Array(await readFile(join(h.dir, `${slug(c)}.ref.raw`))),
          };
        return { source, reference };
      });
      sources.set(c.name, p);
      return p;
    }

    /** ffmpeg output arguments: framemd5 of the video on stdout, or s16le samples into `file`. */
    function decodeOutput(c: CodecCase, file: string): string[] {
      return c.kind === "video"
        ? ["-map", "0:v:0", "-fps_mode", "passthrough", "-f", "framemd5", "-"]
        : ["-map", "0:a:0", "-c:a", `pcm_${sampleFormat(c)}`, "-f", sampleFormat(c), "-y", file];
    }

    /** Creates the stream of a new play at `/<key>`. */
    function addPlay(key: string, source: Source, maxPacketSize?: number): Play {
      // Packetized up front: a packetizer error fails the test here.
      // Timestamps start half a second before they wrap around 2^32: every reader crosses the wrap.
      const units = source.packetize(maxPacketSize, 2 ** 32 - source.format.clockRate / 2);
      return h.addPlay(
        key,
        source.format,
        source.channels === undefined ? "video" : "audio",
        units,
      );
    }

    before(async () => {
      if (skip) return;
      await h.start("rtspkit-interop-");
    });

    after(() => h.close());

    /** Starts one read: its own stream at `/<key>`, the client, and its outcome. */
    async function read(c: CodecCase, r: Read): Promise<ReadResult> {
      const { source, reference } = await prepare(c);
      const key = readKey(c, r);
      const play = addPlay(key, source, r.maxPacketSize);
      return await limiter.run(async () => {
        const out = join(h.dir, `${key}.raw`);
        const child = r.client === "ffmpeg"
          ? h.readWithFfmpeg(key, r.transport, decodeOutput(c, out))
          : h.readWithGst(key, r.transport, [
            ...c.gst.flatMap((e) => [e, "!"]),
            ...(c.kind === "video"
              ? [
                "videoconvert",
                "!",
                `video/x-raw,format=I420,width=${sizeOf(c)[0]},height=${sizeOf(c)[1]}`,
              ]
              : [
                "audioconvert",
                "!",
                `audio/x-raw,format=S16LE,channels=${source.channels},rate=${source.sampleRate}`,
              ]),
          ], out);
        const exit = await child.exited;
        let count: number;
        let hashes: string[] = [];
        let samples: Uint8Array | undefined;
        if (r.client === "ffmpeg" && c.kind === "video") {
          hashes = framemd5Lines(child.stdout).map((l) => l.hash);
          count = hashes.length;
        } else {
          samples = new Uint8Array(await readFile(out).catch(() => new Uint8Array(0)));
          if (c.kind === "audio") {
            const bytes = r.client === "ffmpeg" ? sampleBytes(c) : 2;
            count = samples.byteLength / (bytes * source.channels!);
          } else {
            // GStreamer's I420 frames, hashed as ffmpeg's framemd5 does.
            const frameBytes = i420Bytes(sizeOf(c));
            count = samples.byteLength / frameBytes;
            for (let o = 0; o + frameBytes <= samples.byteLength; o += frameBytes) {
              hashes.push(
                createHash("md5").update(samples.subarray(o, o + frameBytes)).digest("hex"),
              );
            }
          }
        }
        return { child, code: exit.code, count, hashes, samples, source, reference, play };
      });
    }

    const results = new Map<string, Promise<ReadResult>>();

    before(() => {
      // Every read starts now (the server has started), CONCURRENCY at a time; each test
      // awaits its own.
      for (const c of CASES) {
        if (skipOf(c)) continue;
        for (const r of c.reads) {
          if (r.client === "gst" && gstSkipOf(c)) continue;
          const p = read(c, r);
          p.catch(() => {}); // reported by the test
          results.set(readKey(c, r), p);
        }
      }
    });

    for (const c of CASES) {
      for (const r of c.reads) {
        const what = c.kind === "video" ? "frame" : "sample";
        const client = r.client === "ffmpeg" ? "ffmpeg" : "GStreamer";
        const size = r.maxPacketSize ? ` in packets of ${r.maxPacketSize} bytes` : "";
        const reason = skipOf(c) || (r.client === "gst" && gstSkipOf(c));
        const exact = r.client === "ffmpeg" || c.gstExact
          ? ", bit-exact"
          : c.gstTolerance !== undefined
          ? `, within ${c.gstTolerance} of ffmpeg's`
          : "";
        it(`${c.name}: ${client} decodes every ${what} over ${r.transport}${size}${exact}`, {
          skip: reason,
          timeout: 60_000,
        }, async () => {
          const res = await results.get(readKey(c, r))!;
          const why = `\n${res.child.describeOutput()}`;
          assert.equal(res.code, 0, `${client} exit code${why}`);
          assert.equal(res.count, res.source.count, `decoded ${what}s${why}`);
          if (r.client === "gst") {
            assert.deepEqual(
              gstComplaints(res.child.stderr, GST_BENIGN),
              [],
              `GStreamer warnings${why}`,
            );
            if (c.gstTolerance !== undefined) {
              const diff = maxSampleDiff(
                res.samples!.subarray((c.gstSkipSamples ?? 0) * 2 * res.source.channels!),
                res.reference.samples!.subarray(
                  (c.gstSkipSamples ?? 0) * sampleBytes(c) * res.source.channels!,
                ),
                sampleBytes(c),
              );
              assert.ok(diff <= c.gstTolerance, `samples differ by up to ${diff}${why}`);
            }
            if (!c.gstExact) return;
          } else {
            assert.equal(res.child.stderr, "", `ffmpeg logged errors${why}`);
          }
          if (c.kind === "video") {
            assert.deepEqual(
              res.hashes,
              res.reference.hashes,
              `frames differ from the source's${why}`,
            );
          } else {
            assert.ok(
              equalBytes(res.samples!, res.reference.samples!),
              `samples differ from the source's${why}`,
            );
          }
        });
      }
    }
  },
);

function sizeOf(c: CodecCase): [number, number] {
  return c.size ?? [WIDTH, HEIGHT];
}

/** Bytes of an I420 frame (chroma planes round up). */
function i420Bytes([w, h]: [number, number]): number {
  return w * h + 2 * Math.ceil(w / 2) * Math.ceil(h / 2);
}

function sampleFormat(c: CodecCase): "s16le" | "s32le" {
  return c.sampleFormat ?? "s16le";
}

function sampleBytes(c: CodecCase): number {
  return sampleFormat(c) === "s16le" ? 2 : 4;
}

/** Warnings GStreamer prints whatever these packets, besides the common ones. */
const GST_BENIGN = [
  // The raw caps of the pipeline's end name no colorimetry.
  /validate_colorimetry|invalid colorimetry|invalid matrix \d+ for RGB/,
];

/** The name of `c` as a file name and URL path segment. */
function slug(c: CodecCase): string {
  return c.name.replace(/[^a-z0-9]+/gi, "_");
}

function readKey(c: CodecCase, r: Read): string {
  return `${slug(c)}-${r.client}-${r.transport}-${r.maxPacketSize ?? "default"}`;
}

/** Why the reads of `c` are skipped (no ffmpeg or encoder), or false. */
function skipOf(c: CodecCase): string | false {
  if (skip) return skip;
  let reason = skipReasons.get(c.name);
  if (reason === undefined) {
    reason = missingEncoders(c.encoders);
    skipReasons.set(c.name, reason);
  }
  return reason;
}

/** Why the GStreamer reads of `c` are skipped (no element), or false. */
function gstSkipOf(c: CodecCase): string | false {
  const key = `gst ${c.name}`;
  let reason = skipReasons.get(key);
  if (reason === undefined) {
    reason = skipUnless({
      gst: ["rtspsrc", ...c.gst, c.kind === "video" ? "videoconvert" : "audioconvert", "fdsink"],
    });
    skipReasons.set(key, reason);
  }
  return reason;
}
