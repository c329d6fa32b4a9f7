// End to end: examples/serve-h264-from-disk.ts (on the runtime running this file) serving an
// ffmpeg-made MPEG-TS file; ffmpeg plays it over TCP past the end of the file (loop) and decodes
// every frame with continuous timestamps.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { runtimeCommand, spawnProcess } from "../_helpers/process.ts";
import { freeUniqueTcpPort } from "../_helpers/ports.ts";
import { framemd5Lines, REPO_ROOT, skipUnless, tools } from "./harness.ts";

const skip = skipUnless({ ffmpeg: true });
const SCRIPT = join(REPO_ROOT, "examples", "serve-h264-from-disk.ts");
const FILE = join(REPO_ROOT, "tests", "testdata", "mpegts", "ffmpeg_h264_aac.mpegts");
const FRAMES = 75; // the file has 50 frames: the reader crosses a loop

describe("serve-h264-from-disk example", { skip }, () => {
  it("ffmpeg decodes 75 frames over TCP across a loop with increasing timestamps", {
    timeout: 60_000,
  }, async () => {
    const port = await freeUniqueTcpPort();
    const { command, args } = runtimeCommand(SCRIPT, [FILE, "--port", String(port)]);
    await using server = spawnProcess(command, args, {
      name: "serve-h264-from-disk",
      cwd: REPO_ROOT,
      deadlineMs: 50_000,
    });
    await server.waitForOutput(/Serving 50 H\.264 access units/, 30_000, ["stdout"]);
    await using reader = spawnProcess(tools.ffmpeg!, [
      "-hide_banner",
      "-loglevel",
      "error",
      "-rtsp_transport",
      "tcp",
      "-i",
      `rtsp://127.0.0.1:${port}/`,
      "-frames:v",
      String(FRAMES),
      "-f",
      "framemd5",
      "-",
    ], { name: "ffmpeg", deadlineMs: 30_000 });
    const exit = await reader.waitForExit(30_000);
    const why = `\n${reader.describeOutput()}\n${server.describeOutput()}`;
    assert.equal(exit.code, 0, `ffmpeg exit code${why}`);
    const frames = framemd5Lines(reader.stdout);
    assert.equal(frames.length, FRAMES, `decoded frames${why}`);
    for (let i = 1; i < frames.length; i++) {
      assert.equal(frames[i]!.pts - frames[i - 1]!.pts, 1, `pts step at frame ${i}${why}`);
    }
    assert.equal(reader.stderr, "", `ffmpeg errors${why}`);
  });
});
