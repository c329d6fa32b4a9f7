// End to end: the MP2T (RFC 2250 §2) and MPA (RFC 2250 §3.5) packetizers against real
// depacketizers. ffmpeg makes a short source: an MPEG-TS file (H.264 + MP2 audio), an MP2 file
// and an MP3 file. A Server + ServerStream in this process serves it, packetized by
// src/formats/mp2t or src/formats/mpeg_audio, paced in real time with RTP timestamps that cross
// the 2^32 wrap, and ends each play with an RTCP SR+BYE. ffmpeg and GStreamer (rtspsrc) read it
// over RTSP/TCP:
// - MP2T: GStreamer's rtpmp2tdepay must give back the source file byte for byte; ffmpeg's decode
//   of both streams must equal its decode of the file (framemd5), but for the last PES packet of
//   a stream, which ffmpeg's RTP path keeps (see the test).
// - MPA: ffmpeg's decode must equal its decode of the file bit for bit; GStreamer's (float
//   decoders, then audioconvert to S16) must have every sample, within 2 of ffmpeg's. Two frames
//   go in each packetize() call (aggregated), and a small maxPacketSize forces fragmentation.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Format } from "../../src/formats/format.ts";
import { Mp2tFormat } from "../../src/formats/mp2t/mp2t_format.ts";
import { Mp2tPacketizer } from "../../src/formats/mp2t/mp2t_packetizer.ts";
import { MpegAudioFormat } from "../../src/formats/mpeg_audio/mpeg_audio_format.ts";
import { parseMpegAudioHeader } from "../../src/formats/mpeg_audio/mpeg_audio_header.ts";
import { MpegAudioPacketizer } from "../../src/formats/mpeg_audio/mpeg_audio_packetizer.ts";
import { skipUnless } from "./harness.ts";
import { equalBytes, gstComplaints, InteropServer, maxSampleDiff, type Unit } from "./_interop.ts";

/** Length of every source. */
const SECONDS = 1;
/** TS packets per packetize() call of the MP2T source: one RTP packet of the default size. */
const TS_PACKETS_PER_CALL = 7;
/** MPEG audio frames per packetize() call: aggregated in one packet when they fit. */
const FRAMES_PER_CALL = 2;
/** GStreamer's S16 samples (float decode, audioconvert) may differ from ffmpeg's by this. */
const GST_TOLERANCE = 2;

interface Source {
  format: Format;
  bytes: Uint8Array;
  packetize(maxPacketSize: number | undefined, timestampBase: number): Unit[];
  /** MPA: sample frames, channels and rate. */
  samples?: number;
  channels?: number;
  sampleRate?: number;
}

function loadMp2t(bytes: Uint8Array): Source {
  const count = bytes.byteLength / 188;
  assert.ok(Number.isInteger(count), "the source is not whole TS packets");
  return {
    format: new Mp2tFormat(),
    bytes,
    packetize: (maxPacketSize, base) => {
      const p = new Mp2tPacketizer({ maxPacketSize });
      const units: Unit[] = [];
      for (let i = 0; i < count; i += TS_PACKETS_PER_CALL) {
        // Spread evenly over the source's length: the TS carries its own clock (PCR).
        const dueMs = (i / count) * SECONDS * 1000;
        const chunk = bytes.subarray(i * 188, Math.min(i + TS_PACKETS_PER_CALL, count) * 188);
        units.push({ dueMs, packets: p.packetize(chunk, (base + dueMs * 90) >>> 0) });
      }
      return units;
    },
  };
}

function loadMpa(bytes: Uint8Array): Source {
  const frames: Uint8Array[] = [];
  for (let o = 0; o < bytes.byteLength;) {
    const h = parseMpegAudioHeader(bytes, o);
    assert.ok(h && h.frameLength > 0, `no MPEG audio frame at byte ${o} of the source`);
    frames.push(bytes.subarray(o, o + h.frameLength));
    o += h.frameLength;
  }
  const first = parseMpegAudioHeader(frames[0]!)!;
  const ticks = (first.samplesPerFrame * 90000) / first.sampleRate;
  return {
    format: new MpegAudioFormat(),
    bytes,
    samples: frames.length * first.samplesPerFrame,
    channels: first.channelCount,
    sampleRate: first.sampleRate,
    packetize: (maxPacketSize, base) => {
      const p = new MpegAudioPacketizer({ maxPacketSize });
      const units: Unit[] = [];
      for (let i = 0; i < frames.length; i += FRAMES_PER_CALL) {
        units.push({
          dueMs: (i * ticks) / 90,
          packets: p.packetize(
            frames.slice(i, i + FRAMES_PER_CALL),
            (base + Math.round(i * ticks)) >>> 0,
          ),
        });
      }
      return units;
    },
  };
}

interface Case {
  name: string;
  kind: "mp2t" | "mpa";
  /** ffmpeg arguments that make the source (after the lavfi inputs). */
  encode: string[];
  /** GStreamer MPA decoder. */
  gstDecoder?: string;
  /** maxPacketSize of each play; undefined is the packetizer's default. */
  sizes: (number | undefined)[];
}

const CASES: Case[] = [
  {
    name: "mp2t",
    kind: "mp2t",
    encode: [
      "-c:v",
      "libx264",
      "-preset",
      "veryfast",
      "-g",
      "25",
      "-pix_fmt",
      "yuv420p",
      "-c:a",
      "mp2",
      "-b:a",
      "128k",
      "-f",
      "mpegts",
    ],
    sizes: [undefined, 12 + 188],
  },
  {
    name: "mp2",
    kind: "mpa",
    encode: ["-vn", "-ar", "48000", "-ac", "2", "-c:a", "mp2", "-b:a", "192k", "-f", "mp2"],
    gstDecoder: "avdec_mp2float",
    sizes: [undefined, 300],
  },
  {
    name: "mp3",
    kind: "mpa",
    encode: [
      "-vn",
      "-ar",
      "44100",
      "-ac",
      "2",
      "-c:a",
      "libmp3lame",
      "-b:a",
      "128k",
      "-write_xing",
      "0",
      "-id3v2_version",
      "0",
      "-f",
      "mp3",
    ],
    // avdec_mp3 (GStreamer 1.22) interleaves stereo wrongly, even from a file; mpg123 matches.
    gstDecoder: "mpg123audiodec",
    sizes: [undefined, 300],
  },
];

const skip = skipUnless({ ffmpeg: true });

describe("MP2T and MPA interop: ffmpeg and GStreamer read what our packetizers send", {
  skip,
}, () => {
  const h = new InteropServer();
  const prepared = new Map<string, Promise<{ source: Source; reference: string }>>();

  /** ffmpeg output arguments: framemd5 of every stream (MP2T) or s16le samples into `file`. */
  function decodeOutput(c: Case, file: string): string[] {
    return c.kind === "mp2t"
      ? ["-map", "0:v:0", "-map", "0:a:0", "-fps_mode", "passthrough", "-f", "framemd5", "-"]
      : ["-map", "0:a:0", "-c:a", "pcm_s16le", "-f", "s16le", "-y", file];
  }

  /** Encodes the source of `c` and decodes it for reference (framemd5 text, or a raw file). */
  function prepare(c: Case): Promise<{ source: Source; reference: string }> {
    let p = prepared.get(c.name);
    if (p) return p;
    p = (async () => {
      const { file, bytes } = await h.encodeInteropSource(c.name, SECONDS, c.encode);
      const source = c.kind === "mp2t" ? loadMp2t(bytes) : loadMpa(bytes);
      const refFile = join(h.dir, `${c.name}.ref.raw`);
      const ref = await h.runFfmpeg(`ffmpeg(reference ${c.name})`, [
        "-i",
        file,
        ...decodeOutput(c, refFile),
      ]);
      return { source, reference: c.kind === "mp2t" ? ref.stdout : refFile };
    })();
    prepared.set(c.name, p);
    return p;
  }

  function addPlay(key: string, source: Source, maxPacketSize: number | undefined): void {
    const units = source.packetize(maxPacketSize, 2 ** 32 - 45000);
    h.addPlay(key, source.format, source.samples === undefined ? "video" : "audio", units);
  }

  before(() => h.start("rtspkit-mpeg-interop-"));
  after(() => h.close());

  for (const c of CASES) {
    for (const size of c.sizes) {
      const what = size === undefined ? "" : ` in packets of ${size} bytes`;
      const key = `${c.name}-${size ?? "default"}`;

      it(`${c.name}: ffmpeg decodes the same as from the file over tcp${what}`, {
        timeout: 60_000,
      }, async () => {
        const { source, reference } = await prepare(c);
        addPlay(`${key}-ffmpeg`, source, size);
        const out = join(h.dir, `${key}-ffmpeg.raw`);
        const child = h.readWithFfmpeg(`${key}-ffmpeg`, "tcp", decodeOutput(c, out));
        const exit = await child.exited;
        const why = `\n${child.describeOutput()}`;
        assert.equal(exit.code, 0, `ffmpeg exit code${why}`);
        assert.equal(child.stderr, "", `ffmpeg logged errors${why}`);
        if (c.kind === "mp2t") {
          const got = framemd5ByStream(child.stdout);
          const want = framemd5ByStream(reference);
          assert.deepEqual([...got.keys()], ["0", "1"], `streams${why}`);
          assert.ok(want.get("0")!.length >= 25 && want.get("1")!.length > 0);
          // Interop: ffmpeg's RTP MP2T path (rtpdec_mpegts.c) does not flush its TS demuxer at
          // the end of the stream, so the last PES packet of each stream, complete only when the
          // next one starts, never comes out (GStreamer shows every TS packet arrived). Every
          // other frame must be there, equal to the file's.
          for (const [stream, hashes] of want) {
            const mine = got.get(stream)!;
            const first = mine.findIndex((h, i) => hashes[i] !== h);
            assert.ok(
              mine.length >= hashes.length - 1 && mine.length <= hashes.length && first === -1,
              `stream ${stream}: ${mine.length} frames, the file ${hashes.length}, first differing ${first}${why}`,
            );
          }
        } else {
          const samples = new Uint8Array(await readFile(out));
          const ref = new Uint8Array(await readFile(reference));
          assert.equal(samples.byteLength / 2 / source.channels!, source.samples, `samples${why}`);
          assert.ok(equalBytes(samples, ref), `samples differ from the file's${why}`);
        }
      });

      const gstElements = c.kind === "mp2t"
        ? ["rtspsrc", "rtpmp2tdepay", "filesink"]
        : ["rtspsrc", "rtpmpadepay", "mpegaudioparse", c.gstDecoder!, "audioconvert", "filesink"];
      const exact = c.kind === "mp2t"
        ? "gives back the TS file byte for byte"
        : `decodes every sample within ${GST_TOLERANCE} of ffmpeg's`;
      it(`${c.name}: GStreamer ${exact} over tcp${what}`, {
        skip: skip || skipUnless({ gst: gstElements }),
        timeout: 60_000,
      }, async () => {
        const { source, reference } = await prepare(c);
        addPlay(`${key}-gst`, source, size);
        const out = join(h.dir, `${key}-gst.raw`);
        const tail = c.kind === "mp2t" ? ["rtpmp2tdepay"] : [
          "rtpmpadepay",
          "!",
          "mpegaudioparse",
          "!",
          c.gstDecoder!,
          "!",
          "audioconvert",
          "!",
          `audio/x-raw,format=S16LE,channels=${source.channels},rate=${source.sampleRate}`,
        ];
        const child = h.readWithGst(`${key}-gst`, "tcp", tail, out);
        const exit = await child.exited;
        const why = `\n${child.describeOutput()}`;
        assert.equal(exit.code, 0, `GStreamer exit code${why}`);
        assert.deepEqual(gstComplaints(child.stderr), [], `GStreamer warnings${why}`);
        const got = new Uint8Array(await readFile(out).catch(() => new Uint8Array(0)));
        if (c.kind === "mp2t") {
          assert.ok(equalBytes(got, source.bytes), `TS bytes differ from the file's${why}`);
        } else {
          const ref = new Uint8Array(await readFile(reference));
          assert.equal(got.byteLength / 2 / source.channels!, source.samples, `samples${why}`);
          const diff = maxSampleDiff(got, ref);
          assert.ok(diff <= GST_TOLERANCE, `samples differ by up to ${diff}${why}`);
        }
      });
    }
  }
});

/** framemd5 hashes by stream index. */
function framemd5ByStream(stdout: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of stdout.split("\n")) {
    if (line.trim() === "" || line.startsWith("#")) continue;
    const f = line.split(",").map((x) => x.trim());
    if (f.length < 6) continue;
    out.set(f[0]!, [...(out.get(f[0]!) ?? []), f[5]!]);
  }
  return out;
}
