// RTSPS (SPEC §4.1, §7.2, scenario 23) end to end: examples/server-secure.ts (on the runtime
// running this file) with ffmpeg publishing and reading over rtsps with TCP, GStreamer rtspsrc
// with tls-validation-flags=0, and loopback checks of the transport rules under TLS.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createConnection } from "node:net";
import { spawnProcess, withTimeout } from "../_helpers/process.ts";
import { type RawResponse, RawRtspClient } from "../_helpers/raw_rtsp_client.ts";
import { TEST_SERVER_CERT, TEST_SERVER_KEY } from "../_helpers/tls_certs.ts";
import { testScope } from "../server/_fixture.ts";
import {
  ffmpegFrameStat,
  ffmpegPublishArgs,
  GST_READ_ELEMENTS,
  gstReadArgs,
  I420_FRAME_BYTES,
  outputs,
  readWithFfmpeg,
  skipUnless,
  tools,
  useExample,
} from "./harness.ts";
import { describeStatusWith } from "../robustness/_example_server.ts";

const FRAMES = 10;

/** Under TLS: DESCRIBE (200), SETUP RTP/AVP over UDP (461), then over TCP (200, returned). */
async function setupUdpThenTcp(c: RawRtspClient, url: string): Promise<RawResponse> {
  assert.equal((await c.request("DESCRIBE", url)).statusCode, 200);
  const udp = await c.request("SETUP", url + "/trackID=0", {
    Transport: "RTP/AVP;unicast;client_port=35000-35001",
  });
  assert.equal(udp.statusCode, 461);
  const tcp = await c.request("SETUP", url + "/trackID=0", {
    Transport: "RTP/AVP/TCP;unicast;interleaved=0-1",
  });
  assert.equal(tcp.statusCode, 200);
  return tcp;
}
const skipFfmpeg = skipUnless({ ffmpeg: true });

describe("server-secure example e2e over rtsps", { skip: skipFfmpeg }, () => {
  const ex = useExample(skipFfmpeg, "server-secure.ts", {
    tls: true,
    path: "/cam",
    publish: (server) =>
      spawnProcess(tools.ffmpeg!, ffmpegPublishArgs(server.url("/cam"), "tcp", 60), {
        name: "ffmpeg(publish rtsps /cam)",
        deadlineMs: 90_000,
      }),
  });

  it("ffmpeg publishes over rtsps (ANNOUNCE/RECORD, TCP)", { timeout: 30_000 }, async () => {
    assert.equal(ex.publisher!.exitResult, undefined, outputs(ex.publisher, ex.server.process));
    assert.equal(await describeStatusWith(ex.server, "/cam"), 200);
  });

  it("ffmpeg reads rtsps with -rtsp_transport tcp", { timeout: 30_000 }, async () => {
    const read = await readWithFfmpeg(ex.server, "/cam", "tcp", FRAMES);
    ex.children.push(read.child);
    const why = outputs(read.child, ex.publisher, ex.server.process);
    assert.equal(read.code, 0, `reader exit code ${read.code}${why}`);
    assert.equal(ffmpegFrameStat(read.child.stderr), FRAMES, why);
  });

  it("GStreamer rtspsrc reads rtsps (tls-validation-flags=0, TCP)", {
    // The SDP offers RTP/SAVP under TLS: rtspsrc reads SRTP interleaved in the TLS connection.
    skip: skipUnless({ gst: [...GST_READ_ELEMENTS, "srtpdec"] }),
    timeout: 30_000,
  }, async () => {
    const args = gstReadArgs(ex.server.url("/cam"), "tcp", FRAMES);
    args.splice(3, 0, "tls-validation-flags=0");
    const child = spawnProcess(tools.gst!, args, {
      name: "gst-launch(read rtsps)",
      deadlineMs: 20_000,
      binaryStdout: true,
    });
    ex.children.push(child);
    const exit = await child.exited;
    const why = outputs(child, ex.server.process);
    assert.equal(exit.code, 0, why);
    assert.ok(child.stdoutBytes / I420_FRAME_BYTES >= FRAMES, why);
  });

  // (ffmpeg always uses TCP for rtsps://, whatever -rtsp_transport says: UDP is checked raw.)
  it("the example answers RTP/AVP/TCP with 200 and RTP/AVP over UDP with 461 (raw TLS client)", async () => {
    const c = await RawRtspClient.connectTls(ex.server.rtspPort);
    try {
      await setupUdpThenTcp(c, ex.server.url("/cam"));
    } finally {
      c.close();
    }
  });
});

// ---------------------------------------------------------------- loopback (in-process server)

const TLS = { cert: TEST_SERVER_CERT, key: TEST_SERVER_KEY };

describe("transport rules under TLS (scenario 23, loopback)", () => {
  const { defer, serveOnUdpPair } = testScope();

  /** A server with UDP configured (and TLS when asked) serving one stream, and its URL. */
  async function serve(tls: boolean): Promise<{ port: number; url: string }> {
    const f = await serveOnUdpPair({ tls: tls ? TLS : undefined });
    return { port: f.port, url: tls ? f.url.replace("rtsp:", "rtsps:") : f.url };
  }

  it("RTP/SAVP on plain RTSP ⇒ 461 (UDP and TCP)", async () => {
    const { port, url } = await serve(false);
    const c = await RawRtspClient.connect(port);
    defer(() => c.close());
    for (
      const t of [
        "RTP/SAVP;unicast;client_port=35000-35001",
        "RTP/SAVP/TCP;unicast;interleaved=0-1",
      ]
    ) {
      assert.equal(
        (await c.request("SETUP", url + "/trackID=0", { Transport: t })).statusCode,
        461,
        t,
      );
    }
    // Plain RTP/AVP still works on the same connection.
    const ok = await c.request("SETUP", url + "/trackID=0", {
      Transport: "RTP/AVP/TCP;unicast;interleaved=0-1",
    });
    assert.equal(ok.statusCode, 200);
  });

  it("RTP/AVP over UDP via RTSPS ⇒ 461; RTP/AVP/TCP via RTSPS ⇒ 200", async () => {
    const { port, url } = await serve(true);
    const c = await RawRtspClient.connectTls(port);
    defer(() => c.close());
    const tcp = await setupUdpThenTcp(c, url);
    assert.match(tcp.headers.get("Transport") ?? "", /^RTP\/AVP\/TCP;unicast;interleaved=0-1/);
  });

  it("the first supported alternative wins: UDP then TCP via RTSPS ⇒ TCP", async () => {
    const { port, url } = await serve(true);
    const c = await RawRtspClient.connectTls(port);
    defer(() => c.close());
    const res = await c.request("SETUP", url + "/trackID=0", {
      Transport: "RTP/AVP;unicast;client_port=35000-35001,RTP/AVP/TCP;unicast;interleaved=0-1",
    });
    assert.equal(res.statusCode, 200);
    assert.match(res.headers.get("Transport") ?? "", /^RTP\/AVP\/TCP/);
  });

  it("plain RTSP and garbage sent to the RTSPS port close that connection only", async () => {
    const { port, url } = await serve(true);
    for (const payload of ["OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n\r\n", "\x16\x03\x01\x00\x05hello"]) {
      await withTimeout(
        new Promise<void>((resolve) => {
          const s = createConnection({ host: "127.0.0.1", port }, () => s.write(payload));
          s.on("error", () => {});
          s.on("data", () => {});
          s.on("close", () => resolve());
        }),
        5000,
        "plain client on the TLS port was not closed",
      );
    }
    const c = await RawRtspClient.connectTls(port);
    defer(() => c.close());
    assert.equal((await c.request("OPTIONS", url)).statusCode, 200);
  });
});
