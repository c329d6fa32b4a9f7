/**
 * Shared pieces of the end-to-end tests: tool detection, starting examples/relay.ts on the
 * runtime that runs the tests, a raw DESCRIBE probe, and ffmpeg/GStreamer command builders.
 */
import { after, afterEach, before } from "node:test";
import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { createConnection } from "node:net";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import {
  type ChildProcessHandle,
  findExecutable,
  killAll,
  runtimeCommand,
  runtimeName,
  spawnProcess,
  withTimeout,
} from "../_helpers/process.ts";
import { freeUdpPortPair, freeUniqueTcpPort, waitForTcpPort } from "../_helpers/ports.ts";
import {
  type ExampleServer,
  startExample,
  waitForStreamWith,
} from "../robustness/_example_server.ts";

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const RELAY_SCRIPT = join(REPO_ROOT, "examples", "relay.ts");
const BIN_DIR = join(REPO_ROOT, "node_modules", ".bin");

/** Absolute paths of the external tools, undefined when absent. */
export const tools = {
  ffmpeg: findExecutable("ffmpeg"),
  ffprobe: findExecutable("ffprobe"),
  gst: findExecutable("gst-launch-1.0"),
  gstInspect: findExecutable("gst-inspect-1.0"),
};

const gstElementCache = new Map<string, boolean>();

/** Whether GStreamer has `element` installed (checked once, with gst-inspect-1.0). */
export function gstHasElement(element: string): boolean {
  if (!tools.gstInspect) return false;
  let ok = gstElementCache.get(element);
  if (ok === undefined) {
    const r = spawnSync(tools.gstInspect, ["--exists", element], { timeout: 10_000 });
    ok = r.status === 0;
    gstElementCache.set(element, ok);
  }
  return ok;
}

/** The reason a test must be skipped, or false. Prints the reason so every runner shows it. */
export function skipUnless(
  requirements: { ffmpeg?: boolean; ffprobe?: boolean; gst?: string[] },
): string | false {
  const missing: string[] = [];
  if (requirements.ffmpeg && !tools.ffmpeg) missing.push("ffmpeg");
  if (requirements.ffprobe && !tools.ffprobe) missing.push("ffprobe");
  if (requirements.gst) {
    if (!tools.gst || !tools.gstInspect) missing.push("gst-launch-1.0/gst-inspect-1.0");
    else {for (const el of requirements.gst) {
        if (!gstHasElement(el)) missing.push(`GStreamer element ${el}`);
      }}
  }
  if (missing.length === 0) return false;
  const reason =
    `skipped: ${missing.join(", ")} not installed (apt-get install ffmpeg gstreamer1.0-tools ` +
    `gstreamer1.0-rtsp gstreamer1.0-plugins-{base,good,bad,ugly} gstreamer1.0-libav)`;
  console.log(reason);
  return reason;
}

/** Ports and process of a running relay. */
export interface Relay {
  rtspPort: number;
  rtpPort: number;
  rtcpPort: number;
  multicastRtpPort: number;
  multicastRtcpPort: number;
  process: ChildProcessHandle;
  url(path: string): string;
}

/** Picks fresh ports for a relay: RTSP (TCP), UDP RTP/RTCP (even/odd) and multicast RTP/RTCP. */
export async function pickRelayPorts(): Promise<Omit<Relay, "process" | "url">> {
  const rtspPort = await freeUniqueTcpPort();
  const [rtpPort, rtcpPort] = await freeUdpPortPair();
  const [multicastRtpPort, multicastRtcpPort] = await freeUdpPortPair();
  return { rtspPort, rtpPort, rtcpPort, multicastRtpPort, multicastRtcpPort };
}

/**
 * Starts examples/relay.ts on the runtime running the tests, waits for its ready line and for
 * the RTSP port to accept connections.
 */
export async function startRelay(deadlineMs: number): Promise<Relay> {
  const ports = await pickRelayPorts();
  const { command, args } = runtimeCommand(RELAY_SCRIPT, ["--port", String(ports.rtspPort)]);
  const env: Record<string, string> = {
    PATH: `${BIN_DIR}:${process.env.PATH ?? ""}`,
    NO_COLOR: "1",
    RTSP_PORT: String(ports.rtspPort),
    RTP_PORT: String(ports.rtpPort),
    RTCP_PORT: String(ports.rtcpPort),
    UDP_RTP_PORT: String(ports.rtpPort),
    UDP_RTCP_PORT: String(ports.rtcpPort),
    MULTICAST_RTP_PORT: String(ports.multicastRtpPort),
    MULTICAST_RTCP_PORT: String(ports.multicastRtcpPort),
  };
  const child = spawnProcess(command, args, {
    name: `relay(${runtimeName()})`,
    cwd: REPO_ROOT,
    env,
    deadlineMs,
  });
  try {
    await child.waitForOutput(/listening|ready|started/i, 20_000);
    await waitForTcpPort("127.0.0.1", ports.rtspPort, 10_000);
  } catch (e) {
    await child.kill();
    throw e;
  }
  return {
    ...ports,
    process: child,
    url: (path: string) => `rtsp://127.0.0.1:${ports.rtspPort}${path}`,
  };
}

/**
 * One relay for the tests of the current describe block: started before them (unless `skip`)
 * and handed to `started`, stopped after them. The children a test adds to the returned list are
 * killed after it, and the next test starts once the relay has no stream left.
 */
export function useRelay(
  skip: string | false,
  started: (relay: Relay) => unknown,
): ChildProcessHandle[] {
  let relay: Relay | undefined;
  const children: ChildProcessHandle[] = [];
  before(async () => {
    if (skip) return;
    relay = await startRelay(10 * 60_000);
    await started(relay);
  });
  afterEach(async () => {
    // A failed test leaves its children running: stop them so the next test starts clean.
    await killAll(children.splice(0));
    if (relay && !relay.process.exitResult) {
      await waitForNoStream(relay, "/any", 15_000).catch(() => {}); // UDP publishers killed hard: read timeout
    }
  });
  after(async () => {
    await killAll(children);
    if (relay) await relay.process.kill();
  });
  return children;
}

/** The example of a describe block (see {@linkcode useExample}), set once its `before` ran. */
export interface ExampleSuite {
  server: ExampleServer;
  /** The publisher that keeps the stream up; a test may replace it (it is killed at the end). */
  publisher: ChildProcessHandle | undefined;
  /** Children a test started: killed after that test. */
  readonly children: ChildProcessHandle[];
}

/**
 * One `examples/<name>` for the tests of the current describe block: started before them (unless
 * `skip`) with the publisher `publish` spawns, which must make `path` readable (DESCRIBE 200, with
 * `credentials` if given) within 20 s. The children a test adds are killed after it; the publisher
 * and the example after all the tests.
 */
export function useExample(
  skip: string | false,
  name: string,
  options: {
    env?: Record<string, string>;
    tls?: boolean;
    path: string;
    credentials?: { user: string; pass: string };
    publish: (server: ExampleServer) => ChildProcessHandle;
  },
): ExampleSuite {
  const suite = { publisher: undefined, children: [] } as unknown as ExampleSuite;
  before(async () => {
    if (skip) return;
    suite.server = await startExample(name, {
      env: options.env,
      tls: options.tls,
      deadlineMs: 10 * 60_000,
    });
    suite.publisher = options.publish(suite.server);
    await waitForStreamWith(
      suite.server,
      options.path,
      20_000,
      suite.publisher,
      options.credentials,
    );
  });
  afterEach(async () => {
    await killAll(suite.children.splice(0));
  });
  after(async () => {
    await killAll([...suite.children, suite.publisher]);
    if (suite.server) await suite.server.process.kill();
  });
  return suite;
}

/**
 * Sends one raw `DESCRIBE` and resolves with the status code (0 when the connection failed or
 * closed without a status line).
 */
export function describeStatus(port: number, path: string, timeoutMs = 3000): Promise<number> {
  const url = `rtsp://127.0.0.1:${port}${path}`;
  const request =
    `DESCRIBE ${url} RTSP/1.0\r\nCSeq: 1\r\nAccept: application/sdp\r\nUser-Agent: rtspkit-e2e\r\n\r\n`;
  return withTimeout(
    new Promise<number>((resolve) => {
      let text = "";
      const socket = createConnection({ host: "127.0.0.1", port }, () => socket.write(request));
      socket.setEncoding("utf8");
      socket.on("data", (chunk: string) => {
        text += chunk;
        const m = text.match(/^RTSP\/1\.0 (\d{3})/);
        if (m && text.includes("\r\n\r\n")) {
          socket.destroy();
          resolve(Number(m[1]));
        }
      });
      socket.on("error", () => resolve(0));
      socket.on("close", () => resolve(0));
    }),
    timeoutMs,
    `DESCRIBE ${url}`,
  ).catch(() => 0);
}

/**
 * Polls DESCRIBE until it answers 200 (a publisher is recording on `path`). Rejects after
 * `timeoutMs`, or as soon as `publisher` exits, with its output.
 */
export async function waitForStream(
  relay: Relay,
  path: string,
  timeoutMs: number,
  publisher?: ChildProcessHandle,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 0;
  while (Date.now() < deadline) {
    if (publisher?.exitResult) {
      throw new Error(
        `publisher exited (code ${publisher.exitResult.code}) before ${path} was readable\n${publisher.describeOutput()}\n${relay.process.describeOutput()}`,
      );
    }
    last = await describeStatus(relay.rtspPort, path);
    if (last === 200) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `DESCRIBE ${path} still answers ${last} after ${timeoutMs} ms\n${
      publisher?.describeOutput() ?? ""
    }\n${relay.process.describeOutput()}`,
  );
}

// ---------------------------------------------------------------- ffmpeg

/** Test pattern: small, 25 fps, one IDR per second. */
export const VIDEO = { width: 320, height: 240, fps: 25, gop: 25 };

/** ffmpeg input arguments of the test pattern. */
export function ffmpegSourceArgs(): string[] {
  return ["-f", "lavfi", "-i", `testsrc=size=${VIDEO.width}x${VIDEO.height}:rate=${VIDEO.fps}`];
}

/** ffmpeg H264 encoder arguments (one thread: deterministic output). */
export function ffmpegEncodeArgs(): string[] {
  return [
    "-c:v",
    "libx264",
    "-g",
    String(VIDEO.gop),
    "-pix_fmt",
    "yuv420p",
    "-preset",
    "veryfast",
    "-threads",
    "1",
  ];
}

/** ffmpeg arguments that publish H264 testsrc in real time for `seconds` to `url`. */
export function ffmpegPublishArgs(
  url: string,
  transport: "tcp" | "udp",
  seconds: number,
): string[] {
  return [
    "-hide_banner",
    "-nostdin",
    "-loglevel",
    "info",
    "-re",
    ...ffmpegSourceArgs(),
    "-t",
    String(seconds),
    ...ffmpegEncodeArgs(),
    "-f",
    "rtsp",
    "-rtsp_transport",
    transport,
    url,
  ];
}

/** ffmpeg arguments that read `url`, decode `frames` frames and print one framemd5 line each. */
export function ffmpegReadArgs(
  url: string,
  transport: "tcp" | "udp" | "udp_multicast",
  frames: number,
): string[] {
  return [
    "-hide_banner",
    "-nostdin",
    "-loglevel",
    "info",
    "-rtsp_transport",
    transport,
    "-i",
    url,
    "-map",
    "0:v:0",
    "-fps_mode",
    "passthrough",
    "-frames:v",
    String(frames),
    "-f",
    "framemd5",
    "-",
  ];
}

/** Data lines of a framemd5 output: `stream, dts, pts, duration, size, hash`. */
export function framemd5Lines(stdout: string): { pts: number; size: number; hash: string }[] {
  return stdout.split("\n")
    .filter((l) => l.trim() !== "" && !l.startsWith("#"))
    .map((l) => l.split(",").map((f) => f.trim()))
    .filter((f) => f.length >= 6)
    .map((f) => ({ pts: Number(f[2]), size: Number(f[4]), hash: f[5] }));
}

/** Last `frame=` count printed in an ffmpeg progress line, or undefined. */
export function ffmpegFrameStat(stderr: string): number | undefined {
  const all = [...stderr.matchAll(/frame=\s*(\d+)/g)];
  return all.length ? Number(all[all.length - 1][1]) : undefined;
}

const referenceHashes = new Map<number, Promise<Set<string>>>();

/**
 * MD5s of the frames decoded from the same encode as {@linkcode ffmpegPublishArgs}, done locally
 * without a network: every frame decoded from the relay must be one of these, which proves the
 * bitstream went through intact (x264 with one thread is deterministic).
 */
export function ffmpegReferenceHashes(seconds: number): Promise<Set<string>> {
  let p = referenceHashes.get(seconds);
  if (!p) {
    p = (async () => {
      const dir = await mkdtemp(join(tmpdir(), "rtspkit-e2e-"));
      const file = join(dir, "reference.nut");
      try {
        const encode = spawnProcess(tools.ffmpeg!, [
          "-hide_banner",
          "-nostdin",
          "-y",
          ...ffmpegSourceArgs(),
          "-t",
          String(seconds),
          ...ffmpegEncodeArgs(),
          "-flags",
          "+global_header",
          "-f",
          "nut",
          file,
        ], { name: "ffmpeg(reference encode)", deadlineMs: 20_000 });
        const e = await encode.waitForExit(20_000);
        if (e.code !== 0) throw new Error(`reference encode failed\n${encode.describeOutput()}`);
        const decode = spawnProcess(tools.ffmpeg!, [
          "-hide_banner",
          "-nostdin",
          "-i",
          file,
          "-f",
          "framemd5",
          "-",
        ], {
          name: "ffmpeg(reference decode)",
          deadlineMs: 20_000,
        });
        const d = await decode.waitForExit(20_000);
        if (d.code !== 0) throw new Error(`reference decode failed\n${decode.describeOutput()}`);
        return new Set(framemd5Lines(decode.stdout).map((l) => l.hash));
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    })();
    referenceHashes.set(seconds, p);
  }
  return p;
}

// ---------------------------------------------------------------- GStreamer

/** Bytes of one decoded I420 frame of {@linkcode VIDEO}. */
export const I420_FRAME_BYTES = VIDEO.width * VIDEO.height * 3 / 2;

/**
 * gst-launch-1.0 arguments that read `url` with rtspsrc, decode, and write at least `frames` raw
 * I420 frames to stdout, then stop (EOS). Count them with {@linkcode I420_FRAME_BYTES}.
 */
export function gstReadArgs(
  url: string,
  protocols: "tcp" | "udp" | "udp-mcast",
  frames: number,
): string[] {
  return [
    "-q",
    "rtspsrc",
    `location=${url}`,
    `protocols=${protocols}`,
    "latency=200",
    "!",
    "rtph264depay",
    "!",
    ...gstDecodeToStdoutArgs(frames),
  ];
}

/**
 * The end of a gst-launch-1.0 pipeline: decodes H.264 and writes at least `frames` raw I420
 * frames to stdout, then stops (EOS).
 */
export function gstDecodeToStdoutArgs(frames: number): string[] {
  return [
    "h264parse",
    "!",
    "avdec_h264",
    "!",
    "videoconvert",
    "!",
    "video/x-raw,format=I420",
    // identity lets eos-after − 1 buffers through, then ends the stream.
    "!",
    "identity",
    `eos-after=${frames + 1}`,
    "!",
    "fdsink",
    "fd=1",
  ];
}

/** GStreamer elements {@linkcode gstReadArgs} needs. */
export const GST_READ_ELEMENTS = [
  "rtspsrc",
  "rtph264depay",
  "h264parse",
  "avdec_h264",
  "videoconvert",
  "identity",
  "fdsink",
];

/** GStreamer elements {@linkcode gstPublishArgs} needs. */
export const GST_PUBLISH_ELEMENTS = ["videotestsrc", "x264enc", "rtspclientsink"];

/** gst-launch-1.0 arguments that publish `buffers` frames of H264 videotestsrc with rtspclientsink. */
export function gstPublishArgs(url: string, protocols: "tcp" | "udp", buffers: number): string[] {
  return [
    "-e", // SIGINT sends EOS: rtspclientsink then sends TEARDOWN
    "videotestsrc",
    "is-live=true",
    `num-buffers=${buffers}`,
    "!",
    `video/x-raw,width=${VIDEO.width},height=${VIDEO.height},framerate=${VIDEO.fps}/1,format=I420`,
    "!",
    "x264enc",
    "tune=zerolatency",
    "speed-preset=veryfast",
    `key-int-max=${VIDEO.gop}`,
    "!",
    "video/x-h264,profile=baseline",
    "!",
    "rtspclientsink",
    `location=${url}`,
    `protocols=${protocols}`,
  ];
}

// ---------------------------------------------------------------- scenario steps

/** Starts an ffmpeg publisher on `path` and resolves once DESCRIBE answers 200 there. */
export async function publishWithFfmpeg(
  relay: Relay,
  path: string,
  transport: "tcp" | "udp",
  seconds: number,
): Promise<ChildProcessHandle> {
  const child = spawnProcess(
    tools.ffmpeg!,
    ffmpegPublishArgs(relay.url(path), transport, seconds),
    {
      name: `ffmpeg(publish ${transport} ${path})`,
      deadlineMs: (seconds + 15) * 1000,
    },
  );
  try {
    await waitForStream(relay, path, 15_000, child);
  } catch (e) {
    await child.kill();
    throw e;
  }
  return child;
}

/** Starts a GStreamer rtspclientsink publisher on `path`; resolves once DESCRIBE answers 200. */
export async function publishWithGst(
  relay: Relay,
  path: string,
  protocols: "tcp" | "udp",
  frames: number,
): Promise<ChildProcessHandle> {
  const child = spawnProcess(tools.gst!, gstPublishArgs(relay.url(path), protocols, frames), {
    name: `gst-launch(publish ${protocols} ${path})`,
    deadlineMs: (frames / VIDEO.fps + 15) * 1000,
  });
  try {
    await waitForStream(relay, path, 15_000, child);
  } catch (e) {
    await child.kill();
    throw e;
  }
  return child;
}

/** Outcome of an ffmpeg reader run to its end. */
export interface FfmpegReadResult {
  child: ChildProcessHandle;
  code: number | null;
  frames: { pts: number; size: number; hash: string }[];
}

/** Runs an ffmpeg reader of `path` until it exits (or `deadlineMs`), decoding `frames` frames. */
export async function readWithFfmpeg(
  relay: Relay,
  path: string,
  transport: "tcp" | "udp" | "udp_multicast",
  frames: number,
  deadlineMs = 20_000,
): Promise<FfmpegReadResult> {
  const child = spawnProcess(tools.ffmpeg!, ffmpegReadArgs(relay.url(path), transport, frames), {
    name: `ffmpeg(read ${transport} ${path})`,
    deadlineMs,
  });
  try {
    const exit = await child.exited;
    return { child, code: exit.code, frames: framemd5Lines(child.stdout) };
  } finally {
    await child.kill();
  }
}

/** Runs a GStreamer rtspsrc reader of `path` until it exits; resolves with its exit code and frame count. */
export async function readWithGst(
  relay: Relay,
  path: string,
  protocols: "tcp" | "udp" | "udp-mcast",
  frames: number,
  deadlineMs = 20_000,
): Promise<{ child: ChildProcessHandle; code: number | null; frames: number }> {
  const child = spawnProcess(tools.gst!, gstReadArgs(relay.url(path), protocols, frames), {
    name: `gst-launch(read ${protocols} ${path})`,
    deadlineMs,
    binaryStdout: true,
  });
  try {
    const exit = await child.exited;
    return { child, code: exit.code, frames: child.stdoutBytes / I420_FRAME_BYTES };
  } finally {
    await child.kill();
  }
}

/** Context for assertion messages: the reader's, the publisher's and the relay's output. */
export function outputs(...children: (ChildProcessHandle | undefined)[]): string {
  return "\n" + children.filter((c) => c !== undefined).map((c) => c!.describeOutput()).join("\n");
}

/** Asserts the relay process is still running (it must survive every client). */
export function relayAlive(relay: Relay): string | undefined {
  const r = relay.process.exitResult;
  return r
    ? `relay exited (code ${r.code}, signal ${r.signal})\n${relay.process.describeOutput()}`
    : undefined;
}

/**
 * Stops a publisher and waits until the relay answers 404 again (the relay serves one stream
 * whatever the path, so the next test must not see this one).
 */
export async function stopPublisher(
  relay: Relay,
  publisher: ChildProcessHandle,
  timeoutMs = 5000,
  path = "/any",
): Promise<void> {
  // ffmpeg ends cleanly (TEARDOWN) on SIGTERM; gst-launch -e on SIGINT, though rtspclientsink
  // sometimes hangs on the EOS and is killed without a TEARDOWN; the relay then closes the
  // session when the RTSP connection closes.
  await publisher.kill(publisher.name.startsWith("gst") ? "SIGINT" : "SIGTERM", 3000);
  // A publisher still running keeps its session (and the stream) alive: say so, rather than
  // blame the relay below. (A hung gst-launch still sends RTCP, which is a sign of life.)
  if (publisher.exitResult === undefined) {
    throw new Error(`${publisher.name} still runs after SIGKILL${outputs(publisher)}`);
  }
  await waitForNoStream(relay, path, timeoutMs);
}

/** Polls DESCRIBE until the relay answers 404 (nothing published). */
export async function waitForNoStream(
  relay: Relay,
  path = "/any",
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 0;
  while (Date.now() < deadline) {
    last = await describeStatus(relay.rtspPort, path);
    if (last === 404) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(
    `DESCRIBE still answers ${last} ${timeoutMs} ms after the publisher was stopped${
      outputs(relay.process)
    }`,
  );
}
