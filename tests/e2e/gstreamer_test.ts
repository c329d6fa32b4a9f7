// End to end: examples/relay.ts (on the runtime running this file) with GStreamer: rtspsrc reads
// what ffmpeg publishes (TCP, UDP, UDP multicast), and rtspclientsink publishes what ffmpeg reads.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  ffmpegFrameStat,
  GST_PUBLISH_ELEMENTS,
  GST_READ_ELEMENTS,
  outputs,
  publishWithFfmpeg,
  publishWithGst,
  readWithFfmpeg,
  readWithGst,
  type Relay,
  relayAlive,
  skipUnless,
  stopPublisher,
  useRelay,
} from "./harness.ts";

const FRAMES = 25;
const SHUTDOWN_PAUSE_RACE =
  /ERROR: from element \/GstPipeline:pipeline0\/GstRTSPSrc:rtspsrc0: Could not write to resource\.\nAdditional debug info:\n\S*gstrtspsrc\.c\(\d+\): (gst_rtspsrc_try_send|gst_rtspsrc_pause) \(\): \/GstPipeline:pipeline0\/GstRTSPSrc:rtspsrc0:\nCould not send message\. \(Received end-of-file\)\n/g;
const PUBLISH_SECONDS = 12;
const skipRead = skipUnless({ ffmpeg: true, gst: GST_READ_ELEMENTS });
const skipPublish = skipUnless({ ffmpeg: true, gst: GST_PUBLISH_ELEMENTS });
const skipAll = skipRead && skipPublish ? skipRead : false;

describe("relay e2e with GStreamer", { skip: skipAll }, () => {
  let relay: Relay;
  const children = useRelay(skipAll, (started) => (relay = started));

  for (const protocols of ["tcp", "udp", "udp-mcast"] as const) {
    it(`rtspsrc protocols=${protocols} decodes 25 frames that ffmpeg publishes`, {
      skip: skipRead,
      timeout: 45_000,
    }, async () => {
      const path = `/gst_read_${protocols.replace("-", "_")}`;
      const pub = await publishWithFfmpeg(relay, path, "tcp", PUBLISH_SECONDS);
      children.push(pub);
      const read = await readWithGst(relay, path, protocols, FRAMES);
      const why = outputs(read.child, pub, relay.process);
      // identity eos-after lets a frame or two more through while the EOS travels.
      assert.ok(
        read.frames >= FRAMES,
        `decoded ${read.frames} frames (exit code ${read.code})${why}`,
      );
      assert.ok(
        Number.isInteger(read.frames),
        `partial frame: ${read.child.stdoutBytes} bytes${why}`,
      );
      // GStreamer 1.22 race at shutdown (about 1 run in 10, any server): the CLOSE command flushes
      // the connection while rtspsrc sends PAUSE, which fails with "Received end-of-file" and
      // makes gst-launch exit 1 after every frame came through. The relay answers PAUSE fine
      // (checked with a raw client), so that one error is tolerated, and nothing else.
      const otherErrors = read.child.stderr.replace(SHUTDOWN_PAUSE_RACE, "");
      assert.doesNotMatch(otherErrors, /ERROR|WARN/, why);
      if (read.code !== 0) {
        assert.match(
          read.child.stderr,
          SHUTDOWN_PAUSE_RACE,
          `gst-launch exit code ${read.code}${why}`,
        );
      }
      assert.equal(pub.exitResult, undefined, `publisher ended early${why}`);
      await stopPublisher(relay, pub);
      assert.equal(relayAlive(relay), undefined);
    });
  }

  for (const protocols of ["tcp", "udp"] as const) {
    it(`rtspclientsink protocols=${protocols} publishes and ffmpeg reads 25 frames`, {
      skip: skipPublish,
      timeout: 45_000,
    }, async () => {
      const path = `/gst_publish_${protocols}`;
      const pub = await publishWithGst(relay, path, protocols, PUBLISH_SECONDS * 25);
      children.push(pub);
      const read = await readWithFfmpeg(relay, path, protocols, FRAMES);
      const why = outputs(read.child, pub, relay.process);
      assert.equal(read.code, 0, `ffmpeg exit code ${read.code}${why}`);
      assert.equal(read.frames.length, FRAMES, why);
      assert.equal(ffmpegFrameStat(read.child.stderr), FRAMES, why);
      assert.doesNotMatch(read.child.stderr, /error while decoding|concealing/i, why);
      assert.equal(pub.exitResult, undefined, `publisher ended early${why}`);
      await stopPublisher(relay, pub, protocols === "udp" ? 15_000 : 5000);
      assert.equal(relayAlive(relay), undefined);
    });
  }
});
