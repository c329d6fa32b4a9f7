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
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Format } from "../../src/formats/format.ts";
import { Mp2tFormat } from "../../src/formats/mp2t/mp2t_format.ts";
import { Mp2tPacketizer } from "../../src/formats/mp2t/mp2t_packetizer.ts";
import { MpegAudioFormat } from "../../src/formats/mpeg_audio/mpeg_audio_format.ts";
import { parseMpegAudioHeader } from "../../src/formats/mpeg_audio/mpeg_audio_header.ts";
import { MpegAudioPacketizer } from "../../src/formats/mpeg_audio/mpeg_audio_packetizer.ts";
import { ntpFromUnixMs, type RtpPacket } from "../../src/rtp/mod.ts";
import type { Media } from "../../src/sdp/description.ts";
import { Server } from "../../src/server/server.ts";
import { ServerStream } from "../../src/server/server_stream.ts";
import { freeUdpPortPair } from "../_helpers/ports.ts";
import { type ChildProcessHandle, spawnProcess } from "../_helpers/process.ts";
import { skipUnless, tools } from "./harness.ts";

/** Length of every source. */
const SECONDS = 1;
/** Time between the last packet and the RTCP BYE that ends a play. */
const BYE_DELAY_MS = 400;
/** TS packets per packetize() call of the MP2T source: one RTP packet of the default size. */
const TS_PACKETS_PER_CALL = 7;
/** MPEG audio frames per packetize() call: aggregated in one packet when they fit. */
const FRAMES_PER_CALL = 2;
/** GStreamer's S16 samples (float decode, audioconvert) may differ from ffmpeg's by this. */
const GST_TOLERANCE = 2;

/** One unit to send: its packets and when, in ms after the play started. */
interface Unit {
  dueMs: number;
  packets: RtpPacket[];
}

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

interface Play {
  stream: ServerStream;
  media: Media;
  source: Source;
  units: Unit[];
  started: boolean;
  sent: number;
  timer?: ReturnType<typeof setTimeout>;
}

describe("MP2T and MPA interop: ffmpeg and GStreamer read what our packetizers send", {
  skip,
}, () => {
  let dir = "";
  let server: Server | undefined;
  const plays = new Map<string, Play>();
  const children = new Set<ChildProcessHandle>();
  const prepared = new Map<string, Promise<{ source: Source; reference: string }>>();

  function run(name: string, command: string, args: string[], deadlineMs = 30_000) {
    const env: Record<string, string> = { GST_DEBUG: "2", GST_DEBUG_NO_COLOR: "1" };
    const child = spawnProcess(command, args, { name, deadlineMs, env });
    children.add(child);
    void child.exited.then(() => children.delete(child));
    return child;
  }

  function ffmpeg(name: string, args: string[], deadlineMs?: number) {
    return run(
      name,
      tools.ffmpeg!,
      ["-hide_banner", "-nostdin", "-loglevel", "error", ...args],
      deadlineMs,
    );
  }

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
      const file = join(dir, `${c.name}.src`);
      const enc = ffmpeg(`ffmpeg(encode ${c.name})`, [
        "-y",
        "-f",
        "lavfi",
        "-i",
        "testsrc=size=320x240:rate=25",
        "-f",
        "lavfi",
        "-i",
        "sine=frequency=440:sample_rate=48000",
        "-t",
        String(SECONDS),
        "-threads",
        "1",
        ...c.encode,
        file,
      ]);
      assert.equal((await enc.waitForExit(30_000)).code, 0, enc.describeOutput());
      const bytes = new Uint8Array(await readFile(file));
      const source = c.kind === "mp2t" ? loadMp2t(bytes) : loadMpa(bytes);
      const refFile = join(dir, `${c.name}.ref.raw`);
      const ref = ffmpeg(`ffmpeg(reference ${c.name})`, ["-i", file, ...decodeOutput(c, refFile)]);
      assert.equal((await ref.waitForExit(30_000)).code, 0, ref.describeOutput());
      return { source, reference: c.kind === "mp2t" ? ref.stdout : refFile };
    })();
    prepared.set(c.name, p);
    return p;
  }

  function startPlay(play: Play): void {
    if (play.started) return;
    play.started = true;
    const start = performance.now();
    let i = 0;
    const pump = () => {
      play.timer = undefined;
      if (play.stream.closed) return;
      const units = play.units;
      while (i < units.length && units[i]!.dueMs <= performance.now() - start) {
        for (const pkt of units[i]!.packets) {
          play.stream.writePacketRtp(play.media, pkt);
          play.sent++;
        }
        i++;
      }
      if (i < units.length) {
        play.timer = setTimeout(pump, Math.max(0, units[i]!.dueMs - (performance.now() - start)));
        return;
      }
      play.timer = setTimeout(() => {
        play.timer = undefined;
        if (play.stream.closed) return;
        const ssrc = play.stream.stats().medias.get(play.media)!.formats.get(play.source.format)!
          .localSsrc;
        const ntp = ntpFromUnixMs(Date.now());
        play.stream.writePacketRtcp(play.media, [
          {
            type: "sr",
            ssrc,
            ntpMsw: ntp.msw,
            ntpLsw: ntp.lsw,
            rtpTime: units.at(-1)!.packets.at(-1)!.timestamp,
            packetCount: play.sent,
            octetCount: 0,
            reports: [],
          },
          { type: "bye", ssrcs: [ssrc] },
        ]);
      }, BYE_DELAY_MS);
    };
    pump();
  }

  function addPlay(key: string, source: Source, maxPacketSize: number | undefined): void {
    const media: Media = {
      type: source.samples === undefined ? "video" : "audio",
      isBackChannel: false,
      control: "",
      formats: [source.format],
    };
    const stream = new ServerStream({ server: server!, desc: { medias: [media] } });
    stream.initialize();
    const units = source.packetize(maxPacketSize, 2 ** 32 - 45000);
    plays.set(key, { stream, media, source, units, started: false, sent: 0 });
  }

  function keyOf(path: string): string {
    return path.split("/").filter((s) => s !== "")[0] ?? "";
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "rtspkit-mpeg-interop-"));
    const [rtpPort, rtcpPort] = await freeUdpPortPair();
    const found = (path: string) => {
      const play = plays.get(keyOf(path));
      return play
        ? { response: { statusCode: 200 as const }, stream: play.stream }
        : { response: { statusCode: 404 as const } };
    };
    server = new Server({
      rtspAddress: "127.0.0.1:0",
      udpRtpAddress: `:${rtpPort}`,
      udpRtcpAddress: `:${rtcpPort}`,
      handler: {
        onDescribe: ({ path }) => found(path),
        onSetup: ({ path }) => found(path),
        onPlay: ({ path }) => {
          const play = plays.get(keyOf(path));
          if (!play) return { response: { statusCode: 404 } };
          setTimeout(() => startPlay(play), 50); // after the PLAY response has left
          return { response: { statusCode: 200 } };
        },
      },
    });
    await server.start();
  });

  after(async () => {
    await Promise.all([...children].map((c) => c.kill()));
    for (const play of plays.values()) {
      clearTimeout(play.timer);
      play.stream.close();
    }
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  function url(key: string): string {
    return `rtsp://127.0.0.1:${server!.address().port}/${key}`;
  }

  for (const c of CASES) {
    for (const size of c.sizes) {
      const what = size === undefined ? "" : ` in packets of ${size} bytes`;
      const key = `${c.name}-${size ?? "default"}`;

      it(`${c.name}: ffmpeg decodes the same as from the file over tcp${what}`, {
        timeout: 60_000,
      }, async () => {
        const { source, reference } = await prepare(c);
        addPlay(`${key}-ffmpeg`, source, size);
        const out = join(dir, `${key}-ffmpeg.raw`);
        const child = ffmpeg(`ffmpeg(read ${key})`, [
          "-rtsp_transport",
          "tcp",
          "-i",
          url(`${key}-ffmpeg`),
          ...decodeOutput(c, out),
        ], 20_000);
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
        const out = join(dir, `${key}-gst.raw`);
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
        const child = run(`gst-launch(read ${key})`, tools.gst!, [
          "-q",
          "rtspsrc",
          `location=${url(`${key}-gst`)}`,
          "protocols=tcp",
          "latency=1000",
          "buffer-mode=none",
          "!",
          ...tail,
          "!",
          "filesink",
          `location=${out}`,
        ], 20_000);
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

/** Warnings GStreamer prints whatever the packets. */
const GST_BENIGN = [
  /writev_bytes: Operation was cancelled/,
  /on_timeout_common: .* timed out/,
];

function gstComplaints(stderr: string): string[] {
  return stderr.split("\n").filter((l) =>
    l.trim() !== "" && !l.startsWith("[deadline]") && !GST_BENIGN.some((re) => re.test(l))
  );
}

/** The largest difference between two s16le sample buffers (over the shorter). */
function maxSampleDiff(a: Uint8Array, b: Uint8Array): number {
  const x = new DataView(a.buffer, a.byteOffset, a.byteLength);
  const y = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let max = 0;
  for (let i = 0; i < Math.min(a.byteLength, b.byteLength) / 2; i++) {
    max = Math.max(max, Math.abs(x.getInt16(2 * i, true) - y.getInt16(2 * i, true)));
  }
  return max;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}
