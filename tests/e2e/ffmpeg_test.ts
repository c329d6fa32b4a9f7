// End to end: examples/relay.ts (on the runtime running this file) with ffmpeg publishing
// (ANNOUNCE/RECORD over TCP and UDP) and ffmpeg/ffprobe reading over TCP, UDP and UDP multicast.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { type ChildProcessHandle, spawnProcess } from "../_helpers/process.ts";
import {
  describeStatus,
  ffmpegFrameStat,
  ffmpegPublishArgs,
  type FfmpegReadResult,
  ffmpegReferenceHashes,
  outputs,
  publishWithFfmpeg,
  readWithFfmpeg,
  type Relay,
  relayAlive,
  skipUnless,
  stopPublisher,
  tools,
  useRelay,
  VIDEO,
} from "./harness.ts";

const FRAMES = 25;
const PUBLISH_SECONDS = 12;
const skip = skipUnless({ ffmpeg: true });
const TEST = { skip, timeout: 45_000 };

/** Asserts that the reader exited 0 after decoding exactly FRAMES frames of the published encode. */
async function assertDecoded(
  read: FfmpegReadResult,
  ...context: (ChildProcessHandle | undefined)[]
): Promise<void> {
  const why = outputs(read.child, ...context);
  assert.equal(read.code, 0, `reader exit code ${read.code}${why}`);
  assert.equal(read.frames.length, FRAMES, `framemd5 lines${why}`);
  assert.equal(ffmpegFrameStat(read.child.stderr), FRAMES, `ffmpeg frame= stat${why}`);
  const reference = await ffmpegReferenceHashes(PUBLISH_SECONDS);
  const foreign = read.frames.filter((f) => !reference.has(f.hash));
  assert.equal(
    foreign.length,
    0,
    `${foreign.length}/${read.frames.length} decoded frames differ from the local encode (corrupted or lost packets)${why}`,
  );
  // testsrc frames all differ: a repeated hash means a frame was decoded twice.
  assert.equal(
    new Set(read.frames.map((f) => f.hash)).size,
    read.frames.length,
    `repeated frames${why}`,
  );
}

describe("relay e2e with ffmpeg", { skip }, () => {
  let relay: Relay;
  const children = useRelay(skip, async (started) => {
    relay = started;
    // Warm the reference cache while nothing else runs.
    await ffmpegReferenceHashes(PUBLISH_SECONDS);
  });

  it("answers 404 to DESCRIBE and ffmpeg fails when nothing is published", TEST, async () => {
    assert.equal(
      await describeStatus(relay.rtspPort, "/nothing_here"),
      404,
      relay.process.describeOutput(),
    );
    const read = await readWithFfmpeg(relay, "/nothing_here", "tcp", FRAMES, 15_000);
    assert.notEqual(read.code, 0, outputs(read.child));
    assert.match(read.child.stderr, /404/, outputs(read.child));
    assert.equal(read.frames.length, 0);
    assert.equal(relayAlive(relay), undefined);
  });

  it("ffmpeg publishes over TCP and ffmpeg reads 25 frames over TCP", TEST, async () => {
    const pub = await publishWithFfmpeg(relay, "/ff_tcp_tcp", "tcp", PUBLISH_SECONDS);
    children.push(pub);
    const read = await readWithFfmpeg(relay, "/ff_tcp_tcp", "tcp", FRAMES);
    await assertDecoded(read, pub, relay.process);
    assert.equal(pub.exitResult, undefined, `publisher ended early${outputs(pub)}`);
    await stopPublisher(relay, pub);
    assert.equal(relayAlive(relay), undefined);
  });

  it("ffmpeg publishes over UDP and ffmpeg reads 25 frames over UDP", TEST, async () => {
    const pub = await publishWithFfmpeg(relay, "/ff_udp_udp", "udp", PUBLISH_SECONDS);
    children.push(pub);
    const read = await readWithFfmpeg(relay, "/ff_udp_udp", "udp", FRAMES);
    await assertDecoded(read, pub, relay.process);
    assert.equal(pub.exitResult, undefined, `publisher ended early${outputs(pub)}`);
    await stopPublisher(relay, pub);
    assert.equal(relayAlive(relay), undefined);
  });

  it("ffmpeg publishes over UDP and ffmpeg reads 25 frames over TCP", TEST, async () => {
    const pub = await publishWithFfmpeg(relay, "/ff_udp_tcp", "udp", PUBLISH_SECONDS);
    children.push(pub);
    const read = await readWithFfmpeg(relay, "/ff_udp_tcp", "tcp", FRAMES);
    await assertDecoded(read, pub, relay.process);
    await stopPublisher(relay, pub);
    assert.equal(relayAlive(relay), undefined);
  });

  it("ffmpeg reads 25 frames over UDP multicast", TEST, async () => {
    const pub = await publishWithFfmpeg(relay, "/ff_multicast", "tcp", PUBLISH_SECONDS);
    children.push(pub);
    const read = await readWithFfmpeg(relay, "/ff_multicast", "udp_multicast", FRAMES);
    await assertDecoded(read, pub, relay.process);
    assert.match(read.child.stderr, /Stream #0:0.*h264/i, outputs(read.child));
    await stopPublisher(relay, pub);
    assert.equal(relayAlive(relay), undefined);
  });

  it(
    "one publisher fans out to two TCP, one UDP and two multicast readers at once",
    TEST,
    async () => {
      const pub = await publishWithFfmpeg(relay, "/ff_fanout", "tcp", PUBLISH_SECONDS);
      children.push(pub);
      const reads = await Promise.all([
        readWithFfmpeg(relay, "/ff_fanout", "tcp", FRAMES),
        readWithFfmpeg(relay, "/ff_fanout", "udp", FRAMES),
        readWithFfmpeg(relay, "/ff_fanout", "udp_multicast", FRAMES),
        readWithFfmpeg(relay, "/ff_fanout", "udp_multicast", FRAMES),
        readWithFfmpeg(relay, "/ff_fanout", "tcp", FRAMES),
      ]);
      for (const read of reads) await assertDecoded(read, pub, relay.process);
      await stopPublisher(relay, pub);
      assert.equal(relayAlive(relay), undefined);
    },
  );

  it("ffprobe sees one 320x240 H264 video stream", {
    ...TEST,
    skip: skip || skipUnless({ ffprobe: true }),
  }, async () => {
    const pub = await publishWithFfmpeg(relay, "/ff_probe", "tcp", PUBLISH_SECONDS);
    children.push(pub);
    const probe = spawnProcess(tools.ffprobe!, [
      "-hide_banner",
      "-v",
      "error",
      "-rtsp_transport",
      "tcp",
      "-show_entries",
      "stream=codec_type,codec_name,width,height",
      "-of",
      "compact",
      relay.url("/ff_probe"),
    ], { name: "ffprobe", deadlineMs: 20_000 });
    children.push(probe);
    const exit = await probe.waitForExit(20_000);
    assert.equal(exit.code, 0, outputs(probe, pub, relay.process));
    const streams = probe.stdout.trim().split("\n").filter((l) => l.startsWith("stream|"));
    assert.deepEqual(streams, [
      `stream|codec_name=h264|codec_type=video|width=${VIDEO.width}|height=${VIDEO.height}`,
    ], outputs(probe));
    await stopPublisher(relay, pub);
  });

  it("a publisher that finishes exits 0 and the stream becomes 404 again", TEST, async () => {
    const pub = await publishWithFfmpeg(relay, "/ff_short", "tcp", 3);
    children.push(pub);
    // A reader that never stops on its own: it must end when the publisher leaves.
    const reader = spawnProcess(tools.ffmpeg!, [
      "-hide_banner",
      "-nostdin",
      "-rtsp_transport",
      "tcp",
      "-i",
      relay.url("/ff_short"),
      "-f",
      "null",
      "-",
    ], { name: "ffmpeg(read until end)", deadlineMs: 25_000 });
    children.push(reader);
    const pubExit = await pub.waitForExit(15_000);
    assert.equal(pubExit.code, 0, outputs(pub, relay.process));
    assert.match(pub.stderr, /frame=\s*\d+/);
    await reader.waitForExit(15_000).catch((e: Error) =>
      assert.fail(`reader still running 15 s after the publisher left: ${e.message}`)
    );
    assert.ok((ffmpegFrameStat(reader.stderr) ?? 0) > 0, outputs(reader));
    assert.equal(await describeStatus(relay.rtspPort, "/ff_short"), 404);
    assert.equal(relayAlive(relay), undefined);
  });

  it("a new publisher replaces the old one, whose readers are disconnected", TEST, async () => {
    const first = await publishWithFfmpeg(relay, "/ff_first", "tcp", PUBLISH_SECONDS);
    children.push(first);
    const oldReader = spawnProcess(tools.ffmpeg!, [
      "-hide_banner",
      "-nostdin",
      "-rtsp_transport",
      "tcp",
      "-i",
      relay.url("/ff_first"),
      "-f",
      "null",
      "-",
    ], { name: "ffmpeg(reader of the first publisher)", deadlineMs: 25_000 });
    children.push(oldReader);
    await oldReader.waitForOutput(/frame=\s*[1-9]/, 10_000, ["stderr"]);

    const second = spawnProcess(
      tools.ffmpeg!,
      ffmpegPublishArgs(relay.url("/ff_second"), "tcp", PUBLISH_SECONDS),
      {
        name: "ffmpeg(second publisher)",
        deadlineMs: PUBLISH_SECONDS * 1000 + 15_000,
      },
    );
    children.push(second);
    await second.waitForOutput(/frame=\s*[1-9]/, 10_000, ["stderr"]);
    // The relay closes the first publisher's session and stream: both it and its reader end.
    await first.waitForExit(10_000).catch((e: Error) =>
      assert.fail(`first publisher still running: ${e.message}`)
    );
    await oldReader.waitForExit(10_000).catch((e: Error) =>
      assert.fail(`reader of the first publisher still running: ${e.message}`)
    );

    const read = await readWithFfmpeg(relay, "/ff_second", "tcp", FRAMES);
    await assertDecoded(read, second, relay.process);
    assert.equal(second.exitResult, undefined, `second publisher ended early${outputs(second)}`);
    await stopPublisher(relay, second);
    assert.equal(relayAlive(relay), undefined);
  });

  it(
    "readers killed mid-stream (SIGKILL, no TEARDOWN) do not disturb the others",
    TEST,
    async () => {
      const pub = await publishWithFfmpeg(relay, "/ff_killed", "tcp", PUBLISH_SECONDS);
      children.push(pub);
      const doomed = (["tcp", "udp", "udp_multicast"] as const).map((transport) => {
        const child = spawnProcess(tools.ffmpeg!, [
          "-hide_banner",
          "-nostdin",
          "-rtsp_transport",
          transport,
          "-i",
          relay.url("/ff_killed"),
          "-f",
          "null",
          "-",
        ], { name: `ffmpeg(doomed ${transport} reader)`, deadlineMs: 25_000 });
        children.push(child);
        return child;
      });
      await Promise.all(doomed.map((c) => c.waitForOutput(/frame=\s*[1-9]/, 10_000, ["stderr"])));
      await Promise.all(doomed.map((c) => c.kill("SIGKILL")));
      const reads = await Promise.all([
        readWithFfmpeg(relay, "/ff_killed", "tcp", FRAMES),
        readWithFfmpeg(relay, "/ff_killed", "udp", FRAMES),
        readWithFfmpeg(relay, "/ff_killed", "udp_multicast", FRAMES),
      ]);
      for (const read of reads) await assertDecoded(read, pub, relay.process);
      assert.equal(
        pub.exitResult,
        undefined,
        `publisher ended early${outputs(pub, relay.process)}`,
      );
      await stopPublisher(relay, pub);
      assert.equal(relayAlive(relay), undefined);
    },
  );
});
