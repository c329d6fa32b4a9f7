// Checks the e2e harness itself and the local toolchain, without the relay: if these fail, the
// relay tests cannot tell anything.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnProcess } from "../_helpers/process.ts";
import { freeUdpPortPair, freeUniqueTcpPort } from "../_helpers/ports.ts";
import {
  ffmpegReferenceHashes,
  gstDecodeToStdoutArgs,
  I420_FRAME_BYTES,
  skipUnless,
  tools,
  VIDEO,
} from "./harness.ts";

describe("e2e toolchain", () => {
  it("spawnProcess() waits for a line and kills the child at its deadline", async () => {
    const child = spawnProcess("/bin/sh", ["-c", "echo ready >&2; exec sleep 30"], {
      name: "sleeper",
      deadlineMs: 1500,
    });
    try {
      const m = await child.waitForOutput(/ready/, 5000, ["stderr"]);
      assert.equal(m[0], "ready");
      const exit = await child.waitForExit(8000);
      assert.equal(child.timedOut, true);
      assert.equal(exit.code, null);
    } finally {
      await child.kill();
    }
  });

  it("spawnProcess() rejects a wait when the child exits without printing the line", async () => {
    const child = spawnProcess("/bin/sh", ["-c", "echo nope; exit 3"], {
      name: "quitter",
      deadlineMs: 5000,
    });
    try {
      await assert.rejects(child.waitForOutput(/ready/, 4000), /quitter .*exited/);
      assert.equal((await child.waitForExit(4000)).code, 3);
    } finally {
      await child.kill();
    }
  });

  it("freeUdpPortPair() returns an even RTP port and the next odd one, never twice", async () => {
    const a = await freeUdpPortPair();
    const b = await freeUdpPortPair();
    const t = await freeUniqueTcpPort();
    for (const [rtp, rtcp] of [a, b]) {
      assert.equal(rtp % 2, 0);
      assert.equal(rtcp, rtp + 1);
    }
    assert.notEqual(a[0], b[0]);
    assert.ok(![...a, ...b].includes(t));
  });

  const noFfmpeg = skipUnless({ ffmpeg: true });
  it("ffmpeg decodes the reference encode of the test pattern into distinct frames", {
    skip: noFfmpeg,
  }, async () => {
    const hashes = await ffmpegReferenceHashes(10);
    // testsrc shows a moving counter: nearly every frame differs.
    assert.ok(hashes.size > 200, `only ${hashes.size} distinct frames`);
  });

  const noGst = skipUnless({
    gst: [
      "videotestsrc",
      "x264enc",
      "h264parse",
      "avdec_h264",
      "videoconvert",
      "identity",
      "fdsink",
    ],
  });
  it("GStreamer encodes, decodes and counts 25 raw frames", { skip: noGst }, async () => {
    const child = spawnProcess(tools.gst!, [
      "-q",
      "videotestsrc",
      "is-live=true",
      "!",
      `video/x-raw,width=${VIDEO.width},height=${VIDEO.height},framerate=${VIDEO.fps}/1,format=I420`,
      "!",
      "x264enc",
      "tune=zerolatency",
      "!",
      ...gstDecodeToStdoutArgs(25),
    ], { name: "gst-launch", deadlineMs: 20_000, binaryStdout: true });
    try {
      const exit = await child.waitForExit(20_000);
      assert.equal(exit.code, 0, child.describeOutput());
      assert.equal(child.stdoutBytes % I420_FRAME_BYTES, 0);
      assert.equal(child.stdoutBytes / I420_FRAME_BYTES, 25);
    } finally {
      await child.kill();
    }
  });
});
