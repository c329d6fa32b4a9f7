// SRTP with MIKEY end to end (SPEC §7.2, scenario 22): examples/server-secure.ts (TLS, UDP on,
// on the runtime running this file); GStreamer rtspclientsink publishes with profiles=savp, and
// rtspsrc reads the RTP/SAVP medias the SDP offers over TCP and UDP, decoding frames. srtpdec's
// debug output proves the packets went through SRTP. (ffmpeg does not speak MIKEY.)
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { type ChildProcessHandle, killAll, spawnProcess } from "../_helpers/process.ts";
import { RawRtspClient } from "../_helpers/raw_rtsp_client.ts";
import {
  GST_PUBLISH_ELEMENTS,
  GST_READ_ELEMENTS,
  gstPublishArgs,
  gstReadArgs,
  I420_FRAME_BYTES,
  outputs,
  skipUnless,
  tools,
  useExample,
  VIDEO,
} from "./harness.ts";
import { type ExampleServer, waitForStreamWith } from "../robustness/_example_server.ts";

const FRAMES = 10;
const skip = skipUnless({
  gst: [...GST_READ_ELEMENTS, ...GST_PUBLISH_ELEMENTS, "srtpenc", "srtpdec"],
});

function publishSavp(
  server: ExampleServer,
  path: string,
  protocols: "tcp" | "udp",
): ChildProcessHandle {
  const args = gstPublishArgs(server.url(path), protocols, 60 * VIDEO.fps);
  args.push("profiles=savp", "tls-validation-flags=0");
  return spawnProcess(tools.gst!, args, {
    name: `gst-launch(publish savp ${protocols} ${path})`,
    deadlineMs: 90_000,
  });
}

async function readSavp(
  server: ExampleServer,
  path: string,
  protocols: "tcp" | "udp",
  children: ChildProcessHandle[],
  publisher: ChildProcessHandle | undefined,
): Promise<void> {
  const args = gstReadArgs(server.url(path), protocols, FRAMES);
  args.splice(3, 0, "tls-validation-flags=0");
  const child = spawnProcess(tools.gst!, args, {
    name: `gst-launch(read savp ${protocols})`,
    deadlineMs: 25_000,
    binaryStdout: true,
    env: { GST_DEBUG: "srtpdec:5" },
  });
  children.push(child);
  const exit = await child.exited;
  const why = outputs(child, publisher, server.process);
  assert.equal(exit.code, 0, why);
  assert.ok(child.stdoutBytes / I420_FRAME_BYTES >= FRAMES, why);
  assert.match(child.stderr, /srtpdec/, `srtpdec saw no packets${why}`);
}

describe("SRTP over RTSPS with GStreamer (server-secure example)", { skip }, () => {
  const ex = useExample(skip, "server-secure.ts", {
    tls: true,
    path: "/cam",
    publish: (server) => publishSavp(server, "/cam", "tcp"),
  });

  it("rtspclientsink publishes with RTP/SAVP/TCP; the SDP offers RTP/SAVP with key-mgmt", {
    timeout: 30_000,
  }, async () => {
    assert.equal(ex.publisher!.exitResult, undefined, outputs(ex.publisher, ex.server.process));
    const c = await RawRtspClient.connectTls(ex.server.rtspPort);
    try {
      const d = await c.request("DESCRIBE", ex.server.url("/cam"));
      assert.equal(d.statusCode, 200);
      assert.match(d.text, /^m=video 0 RTP\/SAVP 96$/m);
      assert.match(d.text, /^a=key-mgmt:mikey [A-Za-z0-9+/=]+$/m);
    } finally {
      c.close();
    }
  });

  it("rtspsrc reads RTP/SAVP over TCP (interleaved in TLS) and decodes frames", {
    timeout: 40_000,
  }, async () => {
    await readSavp(ex.server, "/cam", "tcp", ex.children, ex.publisher);
  });

  it("rtspsrc reads RTP/SAVP over UDP and decodes frames", { timeout: 40_000 }, async () => {
    await readSavp(ex.server, "/cam", "udp", ex.children, ex.publisher);
  });

  it("rtspclientsink publishes with RTP/SAVP over UDP; rtspsrc reads it over TCP", {
    timeout: 60_000,
  }, async () => {
    // The example keeps one publisher: this one replaces the TCP publisher.
    await killAll([ex.publisher]);
    ex.publisher = publishSavp(ex.server, "/udpcam", "udp");
    await waitForStreamWith(ex.server, "/udpcam", 20_000, ex.publisher);
    await readSavp(ex.server, "/udpcam", "tcp", ex.children, ex.publisher);
  });
});
