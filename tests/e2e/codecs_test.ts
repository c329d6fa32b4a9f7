// End to end: examples/relay.ts relays two-media sessions (video + audio) in every codec ffmpeg
// can packetize, over each transport; ffmpeg reads both medias back and decodes them.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { spawnProcess } from "../_helpers/process.ts";
import {
  framemd5Lines,
  outputs,
  type Relay,
  relayAlive,
  skipUnless,
  stopPublisher,
  tools,
  useRelay,
  VIDEO,
  waitForStream,
} from "./harness.ts";

const FRAMES = 25;

interface CodecCase {
  video: string; // ffmpeg codec name as the reader prints it
  audio: string;
  encoders: string[];
  args: string[];
  audioRate: number;
  publish: "tcp" | "udp";
  read: "tcp" | "udp" | "udp_multicast";
}

const CASES: CodecCase[] = [
  {
    video: "h264",
    audio: "aac",
    encoders: ["libx264", "aac"],
    args: [
      "-c:v",
      "libx264",
      "-g",
      "25",
      "-pix_fmt",
      "yuv420p",
      "-preset",
      "veryfast",
      "-c:a",
      "aac",
    ],
    audioRate: 48000,
    publish: "tcp",
    read: "tcp",
  },
  {
    video: "hevc",
    audio: "opus",
    encoders: ["libx265", "libopus"],
    args: [
      "-c:v",
      "libx265",
      "-x265-params",
      "log-level=error",
      "-g",
      "25",
      "-pix_fmt",
      "yuv420p",
      "-preset",
      "veryfast",
      "-c:a",
      "libopus",
    ],
    audioRate: 48000,
    publish: "udp",
    read: "udp",
  },
  {
    video: "vp8",
    audio: "pcm_s16be",
    encoders: ["libvpx", "pcm_s16be"],
    args: [
      "-c:v",
      "libvpx",
      "-deadline",
      "realtime",
      "-g",
      "25",
      "-b:v",
      "300k",
      "-c:a",
      "pcm_s16be",
      "-strict",
      "experimental",
    ],
    audioRate: 8000,
    publish: "tcp",
    read: "udp_multicast",
  },
  {
    video: "vp9",
    audio: "pcm_mulaw",
    encoders: ["libvpx-vp9", "pcm_mulaw"],
    args: [
      "-c:v",
      "libvpx-vp9",
      "-deadline",
      "realtime",
      "-g",
      "25",
      "-b:v",
      "300k",
      "-c:a",
      "pcm_mulaw",
      "-strict",
      "experimental",
    ],
    audioRate: 8000,
    publish: "udp",
    read: "tcp",
  },
  {
    video: "mjpeg",
    audio: "pcm_alaw",
    encoders: ["mjpeg", "pcm_alaw"],
    args: [
      "-c:v",
      "mjpeg",
      "-pix_fmt",
      "yuvj420p",
      "-huffman",
      "default",
      "-q:v",
      "5",
      "-c:a",
      "pcm_alaw",
    ],
    audioRate: 8000,
    publish: "tcp",
    read: "tcp",
  },
];

let encoderList: string | undefined;
function hasEncoders(names: string[]): boolean {
  if (!tools.ffmpeg) return false;
  encoderList ??=
    spawnSync(tools.ffmpeg, ["-hide_banner", "-encoders"], { encoding: "utf8", timeout: 10_000 })
      .stdout ?? "";
  return names.every((n) =>
    new RegExp(`^ \\S{6} ${n.replace(/[-]/g, "\\-")}\\s`, "m").test(encoderList!)
  );
}

const skip = skipUnless({ ffmpeg: true });

describe("relay e2e with ffmpeg: codecs", { skip }, () => {
  let relay: Relay;
  const children = useRelay(skip, (started) => (relay = started));

  for (const c of CASES) {
    const missing = hasEncoders(c.encoders)
      ? false
      : `skipped: ffmpeg lacks an encoder of ${c.encoders.join(", ")}`;
    if (missing) console.log(missing);
    const name = `${c.video} + ${c.audio} published over ${c.publish}, read over ${c.read}`;
    it(name, { skip: skip || missing, timeout: 45_000 }, async () => {
      const path = `/codec_${c.video}`;
      const pub = spawnProcess(tools.ffmpeg!, [
        "-hide_banner",
        "-nostdin",
        "-re",
        "-f",
        "lavfi",
        "-i",
        `testsrc=size=${VIDEO.width}x${VIDEO.height}:rate=${VIDEO.fps}`,
        "-re",
        "-f",
        "lavfi",
        "-i",
        `sine=frequency=440:sample_rate=${c.audioRate}`,
        "-t",
        "12",
        "-map",
        "0:v",
        "-map",
        "1:a",
        ...c.args,
        "-f",
        "rtsp",
        "-rtsp_transport",
        c.publish,
        relay.url(path),
      ], { name: `ffmpeg(publish ${c.video}+${c.audio})`, deadlineMs: 30_000 });
      children.push(pub);
      await waitForStream(relay, path, 15_000, pub);

      const reader = spawnProcess(tools.ffmpeg!, [
        "-hide_banner",
        "-nostdin",
        "-rtsp_transport",
        c.read,
        "-i",
        relay.url(path),
        "-map",
        "0",
        "-fps_mode",
        "passthrough",
        "-frames:v",
        String(FRAMES),
        "-f",
        "framemd5",
        "-",
      ], { name: `ffmpeg(read ${c.read})`, deadlineMs: 20_000 });
      children.push(reader);
      const exit = await reader.exited;
      const why = outputs(reader, pub, relay.process);
      assert.equal(exit.code, 0, `reader exit code ${exit.code}${why}`);
      assert.match(reader.stderr, new RegExp(`Stream #0:0: Video: ${c.video}\\b`), why);
      assert.match(reader.stderr, new RegExp(`Stream #0:1: Audio: ${c.audio}\\b`), why);
      const lines = reader.stdout.split("\n").filter((l) => /^\d+,/.test(l));
      const video = framemd5Lines(lines.filter((l) => l.startsWith("0,")).join("\n"));
      const audio = lines.filter((l) => l.startsWith("1,"));
      assert.equal(video.length, FRAMES, `video frames${why}`);
      assert.equal(new Set(video.map((f) => f.hash)).size, FRAMES, `repeated video frames${why}`);
      assert.ok(audio.length > 0, `no audio frames${why}`);
      assert.doesNotMatch(reader.stderr, /error while decoding|concealing|corrupt/i, why);
      await stopPublisher(relay, pub, c.publish === "udp" ? 15_000 : 5000);
      assert.equal(relayAlive(relay), undefined);
    });
  }
});
