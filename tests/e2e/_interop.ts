/**
 * What the packetizer interop tests share: a Server in this process that serves one play per
 * path `/<key>` (a stream of its own, its packets sent at their times from PLAY on and ended by
 * an RTCP SR+BYE), the reader processes it starts, and the comparisons of what they decoded.
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Format } from "../../src/formats/format.ts";
import { ntpFromUnixMs, type RtpPacket } from "../../src/rtp/mod.ts";
import type { Media } from "../../src/sdp/description.ts";
import { Server } from "../../src/server/server.ts";
import { ServerStream } from "../../src/server/server_stream.ts";
import { freeUdpPortPair } from "../_helpers/ports.ts";
import { type ChildProcessHandle, spawnProcess } from "../_helpers/process.ts";
import { tools } from "./harness.ts";

/** Time between the last packet and the RTCP BYE that ends a play. */
export const BYE_DELAY_MS = 400;

/** One unit to send: its packets and when, in ms after the play started. */
export interface Unit {
  dueMs: number;
  packets: RtpPacket[];
}

/** One served play: a stream of its own, paced from PLAY, ended by a BYE. */
export interface Play {
  stream: ServerStream;
  media: Media;
  units: Unit[];
  started: boolean;
  /** Packets written. */
  sent: number;
  timer?: ReturnType<typeof setTimeout>;
}

/** The server, its plays, the temporary folder and the child processes of one interop suite. */
export class InteropServer {
  /** The suite's temporary folder, made by {@linkcode start}. */
  dir = "";
  readonly #plays = new Map<string, Play>();
  readonly #children = new Set<ChildProcessHandle>();
  #server: Server | undefined;

  /** Makes the temporary folder `<tmp>/<dirPrefix>…` and starts the server. */
  async start(dirPrefix: string): Promise<void> {
    this.dir = await mkdtemp(join(tmpdir(), dirPrefix));
    const [rtpPort, rtcpPort] = await freeUdpPortPair();
    const found = (path: string) => {
      const play = this.#plays.get(keyOf(path));
      return play
        ? { response: { statusCode: 200 as const }, stream: play.stream }
        : { response: { statusCode: 404 as const } };
    };
    this.#server = new Server({
      rtspAddress: "127.0.0.1:0",
      udpRtpAddress: `:${rtpPort}`,
      udpRtcpAddress: `:${rtcpPort}`,
      handler: {
        onDescribe: ({ path }) => found(path),
        onSetup: ({ path }) => found(path),
        onPlay: ({ path }) => {
          const play = this.#plays.get(keyOf(path));
          if (!play) return { response: { statusCode: 404 } };
          setTimeout(() => startPlay(play), 50); // after the PLAY response has left
          return { response: { statusCode: 200 } };
        },
      },
    });
    await this.#server.start();
  }

  /** Kills the children, stops the plays and the server, removes the folder. */
  async close(): Promise<void> {
    await Promise.all([...this.#children].map((c) => c.kill()));
    for (const play of this.#plays.values()) {
      clearTimeout(play.timer);
      play.stream.close();
    }
    await this.#server?.close();
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }

  /**
   * Creates the stream of a new play at `/<key>`, of one media with one format.
   *
   * @param units The packets to send, packetized up front: a packetizer error fails the caller.
   */
  addPlay(key: string, format: Format, type: Media["type"], units: Unit[]): Play {
    const media: Media = { type, isBackChannel: false, control: "", formats: [format] };
    const stream = new ServerStream({ server: this.#server!, desc: { medias: [media] } });
    stream.initialize();
    const play: Play = { stream, media, units, started: false, sent: 0 };
    this.#plays.set(key, play);
    return play;
  }

  /** The RTSP URL of the play at `/<key>`. */
  url(key: string): string {
    return `rtsp://127.0.0.1:${this.#server!.address().port}/${key}`;
  }

  /** Starts a child process, killed by {@linkcode close} if still running; GStreamer warns. */
  spawn(name: string, command: string, args: string[], deadlineMs = 30_000): ChildProcessHandle {
    // GStreamer: warnings too (a depayloader or decoder complaining about our packets).
    const env: Record<string, string> = { GST_DEBUG: "2", GST_DEBUG_NO_COLOR: "1" };
    const child = spawnProcess(command, args, { name, deadlineMs, env });
    this.#children.add(child);
    void child.exited.then(() => this.#children.delete(child));
    return child;
  }

  /** ffmpeg reading the play at `/<key>` over `transport`, with the output arguments `output`. */
  readWithFfmpeg(key: string, transport: "tcp" | "udp", output: string[]): ChildProcessHandle {
    return this.ffmpeg(`ffmpeg(read ${key})`, [
      "-rtsp_transport",
      transport,
      "-i",
      this.url(key),
      ...output,
    ], 20_000);
  }

  /**
   * gst-launch reading the play at `/<key>` with rtspsrc over `transport`, through `pipeline`
   * (elements and caps with their "!" between), into the file `out`.
   */
  readWithGst(
    key: string,
    transport: "tcp" | "udp",
    pipeline: string[],
    out: string,
  ): ChildProcessHandle {
    return this.spawn(`gst-launch(read ${key})`, tools.gst!, [
      "-q",
      "rtspsrc",
      `location=${this.url(key)}`,
      `protocols=${transport}`,
      // Interop: the jitter buffer declares a packet lost when it is later than this, and drops
      // it when it comes: room for a loaded machine (the EOS of the BYE waits too).
      "latency=1000",
      // Timestamps from RTP only (no skew correction from arrival times).
      "buffer-mode=none",
      "!",
      ...pipeline,
      "!",
      "filesink",
      `location=${out}`,
    ], 20_000);
  }

  /** {@linkcode spawn} of ffmpeg, quiet but for errors. */
  ffmpeg(name: string, args: string[], deadlineMs?: number): ChildProcessHandle {
    return this.spawn(
      name,
      tools.ffmpeg!,
      ["-hide_banner", "-nostdin", "-loglevel", "error", ...args],
      deadlineMs,
    );
  }

  /** Runs ffmpeg to its end (30 s at most) and fails the test unless it exits 0. */
  async runFfmpeg(name: string, args: string[]): Promise<ChildProcessHandle> {
    const child = this.ffmpeg(name, args);
    const { code } = await child.waitForExit(30_000);
    assert.equal(code, 0, `${name}\n${child.describeOutput()}`);
    return child;
  }

  /**
   * Encodes the shared source ({@linkcode interopSourceArgs}) of `seconds` with the encoder
   * arguments `encode` into `<dir>/<name>.src`.
   */
  async encodeInteropSource(
    name: string,
    seconds: number,
    encode: readonly string[],
  ): Promise<{ file: string; bytes: Uint8Array }> {
    const file = join(this.dir, `${name}.src`);
    await this.runFfmpeg(`ffmpeg(encode ${name})`, [
      ...interopSourceArgs(seconds),
      ...encode,
      file,
    ]);
    return { file, bytes: new Uint8Array(await readFile(file)) };
  }
}

function keyOf(path: string): string {
  return path.split("/").filter((s) => s !== "")[0] ?? "";
}

/** Sends every unit at its time from now on, then an SR+BYE. */
function startPlay(play: Play): void {
  if (play.started) return;
  play.started = true;
  const units = play.units;
  const start = performance.now();
  let i = 0;
  const pump = () => {
    play.timer = undefined;
    if (play.stream.closed) return;
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
      const ssrc = play.stream.stats().medias.get(play.media)!.formats.get(play.media.formats[0]!)!
        .localSsrc;
      const ntp = ntpFromUnixMs(Date.now());
      // Interop: ffmpeg drops RTCP packets shorter than 12 bytes, a lone BYE included; a
      // compound packet starts with a report anyway (RFC 3550 §6.1).
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

/** Warnings GStreamer prints whatever the packets. */
const GST_BENIGN = [
  // rtspsrc tearing down its connection after EOS.
  /writev_bytes: Operation was cancelled/,
  // A loaded machine: the RTCP timeout ended the stream before the BYE's EOS left the jitter
  // buffer (the frame or sample count still says whether anything was lost).
  /on_timeout_common: .* timed out/,
];

/**
 * GStreamer's stderr lines (GST_DEBUG=2: errors and warnings) but the benign ones.
 *
 * @param benign More lines that say nothing of the packets, in the caller's pipelines.
 */
export function gstComplaints(stderr: string, benign: readonly RegExp[] = []): string[] {
  return stderr.split("\n").filter((l) =>
    l.trim() !== "" && !l.startsWith("[deadline]") &&
    !GST_BENIGN.some((re) => re.test(l)) && !benign.some((re) => re.test(l))
  );
}

/**
 * The largest difference between s16le samples and reference samples (s16le or s32le), over
 * the shorter.
 */
export function maxSampleDiff(a: Uint8Array, ref: Uint8Array, refBytes = 2): number {
  const x = new DataView(a.buffer, a.byteOffset, a.byteLength);
  const y = new DataView(ref.buffer, ref.byteOffset, ref.byteLength);
  const n = Math.min(a.byteLength / 2, ref.byteLength / refBytes);
  let max = 0;
  for (let i = 0; i < n; i++) {
    const r = refBytes === 2 ? y.getInt16(2 * i, true) : y.getInt32(4 * i, true) / 65536;
    max = Math.max(max, Math.abs(x.getInt16(2 * i, true) - r));
  }
  return max;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * ffmpeg input arguments of a source of `seconds`: testsrc video (320x240, 25 fps) and a 440 Hz
 * sine at 48 kHz, encoded on one thread; the encoder arguments and the file follow.
 */
export function interopSourceArgs(seconds: number): string[] {
  return [
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
    String(seconds),
    "-threads",
    "1",
  ];
}
