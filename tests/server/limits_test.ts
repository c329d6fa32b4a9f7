/**
 * Bounded resources: maxConnections, maxSessions, maxRequestsPerSecond, the request deadline,
 * the output bound of RTSP responses, foreign UDP datagrams, Server.stats() and a listener that
 * fails (wait()).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { connect as connectTcp, type Socket } from "node:net";
import type { RawRtspClient } from "../_helpers/raw_rtsp_client.ts";
import type { NetAdapter, TcpListenOptions } from "../../src/net/types.ts";
import { Server } from "../../src/server/server.ts";
import { clientUdp, publish, rtpBytes, SDP_ONE_MEDIA, testScope } from "./_fixture.ts";

const { defer, serve, serveOnUdpPair, connect } = testScope({ checkStreamPeriodMs: 50 });

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function until(pred: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error("Timed out waiting for a condition");
    await sleep(10);
  }
}

/** Resolves true when `c` closes within `ms`. */
async function closedWithin(c: RawRtspClient, ms: number): Promise<boolean> {
  await until(() => c.closed, ms).catch(() => {});
  return c.closed;
}

/** A raw socket that never reads (paused), to fill the server's output. */
function rawSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connectTcp({ port, host: "127.0.0.1" }, () => {
      s.off("error", reject);
      s.on("error", () => {});
      s.pause();
      resolve(s);
    });
    s.once("error", reject);
    defer(() => s.destroy());
  });
}

describe("Server limits", () => {
  it("defaults: stats() starts at zero and counts open connections and sessions", async () => {
    const f = await serve();
    assert.deepEqual(f.server.stats(), {
      connections: 0,
      sessions: 0,
      rejectedConnections: 0,
      rejectedSessions: 0,
      rejectedRequests: 0,
      timedOutRequests: 0,
      foreignUdpPackets: 0,
      packetCallbackErrors: 0,
      decodeErrors: 0,
      failedLogins: 0,
      throttledLogins: 0,
    });
    const c = await connect(f);
    const s = await c.request("SETUP", f.url + "/trackID=0", {
      Transport: "RTP/AVP/TCP;unicast;interleaved=0-1",
    });
    assert.equal(s.statusCode, 200);
    assert.equal(f.server.stats().connections, 1);
    assert.equal(f.server.stats().sessions, 1);
    await f.server.close();
    assert.equal(f.server.stats().connections, 0);
  });

  it("invalid limits are refused by start()", async () => {
    for (
      const o of [{ maxConnections: 0 }, { maxSessions: 1.5 }, { maxRequestsPerSecond: -1 }]
    ) {
      const server = new Server({ rtspAddress: "127.0.0.1:0", ...o });
      await assert.rejects(server.start(), RangeError);
    }
  });

  it("maxConnections: the connection over the limit is closed at once and counted, others unaffected", async () => {
    const f = await serve({ maxConnections: 2 });
    const a = await connect(f);
    const b = await connect(f);
    assert.equal((await a.request("OPTIONS", f.url)).statusCode, 200);
    assert.equal((await b.request("OPTIONS", f.url)).statusCode, 200);
    const over = await connect(f);
    assert.ok(await closedWithin(over, 2000), "connection over the limit not closed");
    assert.equal(f.server.stats().rejectedConnections, 1);
    assert.equal((await a.request("OPTIONS", f.url)).statusCode, 200);
    assert.equal((await b.request("OPTIONS", f.url)).statusCode, 200);
    // A slot freed by a close is available again.
    await a.close();
    await until(() => f.server.stats().connections === 1);
    const c = await connect(f);
    assert.equal((await c.request("OPTIONS", f.url)).statusCode, 200);
    assert.equal(f.server.stats().rejectedConnections, 1);
  });

  it("maxSessions: SETUP and ANNOUNCE over the limit get 503, the connection is kept", async () => {
    const f = await serve({ maxSessions: 1 });
    const a = await connect(f);
    const s = await a.request("SETUP", f.url + "/trackID=0", {
      Transport: "RTP/AVP/TCP;unicast;interleaved=0-1",
    });
    assert.equal(s.statusCode, 200);
    const b = await connect(f);
    const s2 = await b.request("SETUP", f.url + "/trackID=0", {
      Transport: "RTP/AVP/TCP;unicast;interleaved=0-1",
    });
    assert.equal(s2.statusCode, 503);
    assert.equal(s2.statusMessage, "Service Unavailable");
    const an = await b.request(
      "ANNOUNCE",
      "rtsp://127.0.0.1:" + f.port + "/pub",
      { "Content-Type": "application/sdp" },
      SDP_ONE_MEDIA,
    );
    assert.equal(an.statusCode, 503);
    assert.equal(f.server.stats().rejectedSessions, 2);
    assert.equal(f.server.stats().sessions, 1);
    assert.equal((await b.request("OPTIONS", f.url)).statusCode, 200);
    assert.ok(!b.closed);
    // The existing session keeps working: a second SETUP inside it creates nothing new.
    const id = s.headers.get("Session")!.split(";")[0];
    assert.equal((await a.request("PLAY", f.url, { Session: id })).statusCode, 200);
    // Once the session ends there is room again.
    assert.equal((await a.request("TEARDOWN", f.url, { Session: id })).statusCode, 200);
    const s3 = await b.request("SETUP", f.url + "/trackID=0", {
      Transport: "RTP/AVP/TCP;unicast;interleaved=0-1",
    });
    assert.equal(s3.statusCode, 200);
  });

  it("maxRequestsPerSecond: a burst over the bucket gets 503 and the connection is closed", async () => {
    const f = await serve({ maxRequestsPerSecond: 10 });
    const polite = await connect(f);
    const c = await connect(f);
    let pipelined = "";
    for (let i = 1; i <= 15; i++) pipelined += `OPTIONS ${f.url} RTSP/1.0\r\nCSeq: ${i}\r\n\r\n`;
    c.write(pipelined);
    const codes: number[] = [];
    for (;;) {
      const r = await c.readResponse(2000).catch(() => undefined);
      if (r === undefined) break;
      codes.push(r.statusCode);
      if (r.statusCode === 503) assert.equal(r.headers.get("CSeq"), String(codes.length));
    }
    assert.deepEqual(codes.slice(0, 10), new Array(10).fill(200));
    assert.equal(codes.at(-1), 503);
    assert.ok(codes.length <= 11, `responses: ${codes}`);
    assert.ok(await closedWithin(c, 3000), "flooding connection not closed");
    assert.equal(f.server.stats().rejectedRequests, 1);
    // Another connection, within the rate, is unaffected.
    for (let i = 0; i < 5; i++) {
      assert.equal((await polite.request("OPTIONS", f.url)).statusCode, 200);
    }
  });

  it("maxRequestsPerSecond: the bucket refills at the configured rate", async () => {
    const f = await serve({ maxRequestsPerSecond: 20 });
    const c = await connect(f);
    // 20 at once, then 1 every 100 ms (half the rate) for a second: never refused.
    for (let i = 0; i < 20; i++) assert.equal((await c.request("OPTIONS", f.url)).statusCode, 200);
    for (let i = 0; i < 10; i++) {
      await sleep(100);
      assert.equal((await c.request("OPTIONS", f.url)).statusCode, 200);
    }
    assert.equal(f.server.stats().rejectedRequests, 0);
  });

  it("request deadline: a request trickled one byte at a time is closed after readTimeoutMs", async () => {
    const f = await serve({ readTimeoutMs: 500, idleTimeoutMs: 60_000 });
    const other = await connect(f);
    const c = await connect(f);
    const text = `OPTIONS ${f.url} RTSP/1.0\r\nCSeq: 1\r\nUser-Agent: ${"x".repeat(200)}\r\n\r\n`;
    const started = Date.now();
    let i = 0;
    const timer = setInterval(() => {
      if (i < text.length && !c.closed) c.write(text[i++]);
    }, 20);
    defer(() => clearInterval(timer));
    assert.ok(await closedWithin(c, 3000), "trickling client not closed");
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 450 && elapsed < 2000, `closed after ${elapsed} ms`);
    assert.ok(i < text.length, "the request completed before the deadline");
    assert.equal(f.server.stats().timedOutRequests, 1);
    assert.equal((await other.request("OPTIONS", f.url)).statusCode, 200);
  });

  it("request deadline: complete requests spaced wider than readTimeoutMs are fine", async () => {
    const f = await serve({ readTimeoutMs: 300, idleTimeoutMs: 60_000 });
    const c = await connect(f);
    for (let i = 0; i < 3; i++) {
      assert.equal((await c.request("OPTIONS", f.url)).statusCode, 200);
      await sleep(400);
    }
    // A request split in two parts that arrive within the deadline is fine too.
    c.write(`OPTIONS ${f.url} RTSP/1.0\r\n`);
    await sleep(150);
    c.write("CSeq: 9\r\n\r\n");
    assert.equal((await c.readResponse()).statusCode, 200);
    assert.ok(!c.closed);
    assert.equal(f.server.stats().timedOutRequests, 0);
  });

  it(
    "responses count toward the output bound: a client that never reads is closed after writeTimeoutMs",
    {
      timeout: 20_000,
    },
    async () => {
      const body = "x".repeat(256 * 1024);
      const f = await serve({
        writeTimeoutMs: 800,
        maxRequestsPerSecond: 10_000,
        extra: { onGetParameter: () => ({ response: { statusCode: 200, body } }) },
      });
      const other = await connect(f);
      const s = await rawSocket(f.port);
      await until(() => f.server.stats().connections === 2);
      let maxBuffered = 0;
      const sample = setInterval(() => {
        for (const conn of f.server._ctx!.conns) {
          maxBuffered = Math.max(maxBuffered, conn._tcp.bufferedAmount);
        }
      }, 5);
      defer(() => clearInterval(sample));
      const req = (i: number) => `GET_PARAMETER ${f.url} RTSP/1.0\r\nCSeq: ${i}\r\n\r\n`;
      // 400 requests = 100 MiB of responses if they were all answered.
      let all = "";
      for (let i = 1; i <= 400; i++) all += req(i);
      s.write(all);
      const started = Date.now();
      // The paused client never sees the close: watch the server side.
      await until(() => f.server.stats().connections === 1, 15_000);
      clearInterval(sample);
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= 700, `closed after ${elapsed} ms`);
      // Output bound (256 KiB) plus the one response written over it.
      assert.ok(maxBuffered <= 256 * 1024 + body.length + 1024, `buffered ${maxBuffered}`);
      assert.equal((await other.request("OPTIONS", f.url)).statusCode, 200);
    },
  );

  it("a client that reads late gets every pipelined response in order", async () => {
    const body = "y".repeat(128 * 1024);
    const f = await serve({
      maxRequestsPerSecond: 10_000,
      extra: { onGetParameter: () => ({ response: { statusCode: 200, body } }) },
    });
    const c = await connect(f);
    let all = "";
    for (let i = 1; i <= 60; i++) all += `GET_PARAMETER ${f.url} RTSP/1.0\r\nCSeq: ${i}\r\n\r\n`;
    c.write(all);
    for (let i = 1; i <= 60; i++) {
      const r = await c.readResponse(5000);
      assert.equal(r.headers.get("CSeq"), String(i));
      assert.equal(r.body.length, body.length);
    }
  });

  it("UDP datagrams from foreign addresses are dropped and counted", async () => {
    const f = await serveOnUdpPair();
    const pair = f.server._ctx!.udp!;
    const foreign = await clientUdp();
    defer(() => foreign.close());
    for (let i = 0; i < 3; i++) foreign.sendRtp(rtpBytes(i, 0), pair.rtpPort);
    foreign.sendRtcp(new Uint8Array([0x80, 201, 0, 1, 0, 0, 0, 1]), pair.rtcpPort);
    await until(() => f.server.stats().foreignUdpPackets === 4);
    assert.equal(f.server.stats().decodeErrors, 0);
  });

  it("decode errors of every session are counted by the server", async () => {
    const f = await serve({ sdp: null, extra: { onDecodeError: () => {} } });
    const c = await connect(f);
    await publish(f, c, "RTP/AVP/TCP;unicast;interleaved=0-1;mode=record");
    c.writeFrame(0, new Uint8Array([1, 2, 3]));
    c.writeFrame(1, new Uint8Array([1, 2, 3]));
    await until(() => f.server.stats().decodeErrors === 2);
  });
});

describe("Server.wait()", () => {
  it("resolves with the fatal error of the RTSP listener and closes everything", async () => {
    const { detectNetAdapter } = await import("../../src/adapters/auto.ts");
    const real = await detectNetAdapter();
    let fail: ((error: Error) => void) | undefined;
    const adapter: NetAdapter = {
      name: real.name,
      supportsMulticast: real.supportsMulticast,
      connectTcp: (o) => real.connectTcp(o),
      bindUdp: (o) => real.bindUdp(o),
      listenTcp: (o: TcpListenOptions & { onError?: (error: Error) => void }) => {
        fail = o.onError;
        return real.listenTcp(o);
      },
    };
    const f = await serve({ runtime: adapter });
    const c = await connect(f);
    assert.equal((await c.request("OPTIONS", f.url)).statusCode, 200);
    assert.equal(typeof fail, "function", "the server passes no onError to listenTcp");
    const error = new Error("listener failed");
    fail!(error);
    assert.equal(await f.server.wait(), error);
    assert.ok(await closedWithin(c, 3000), "connections not closed");
    assert.equal(f.server.stats().connections, 0);
  });

  it('resolves with "Terminated" after close()', async () => {
    const f = await serve();
    await f.server.close();
    assert.equal((await f.server.wait()).message, "Terminated");
  });
});
