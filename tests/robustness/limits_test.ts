// Bounded resources (SPEC §3.3, §6, §8; issue #6 item 3): request size limits, slowloris, a
// reader that stops reading, UDP from foreign addresses. The server options behind the other
// limits are tested in tests/server/limits_test.ts: maxConnections, maxSessions,
// maxRequestsPerSecond, the per-request deadline (a request trickled byte by byte), responses
// under the output bound and the write timeout, and the count of foreign UDP datagrams
// (Server.stats()).
import { afterEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { FuzzClient, sessionOf } from "../../scripts/fuzz/client.ts";
import { freeUdpPortPair } from "../_helpers/ports.ts";
import type { RtpPacket } from "../../src/rtp/rtp_packet.ts";
import { parseSessionDescription } from "../../src/sdp/description.ts";
import { Server, type ServerOptions } from "../../src/server/server.ts";
import type { ServerHandler } from "../../src/server/server_handler.ts";
import type { ServerSession } from "../../src/server/server_session.ts";
import { ServerStream } from "../../src/server/server_stream.ts";

const SDP = [
  "v=0",
  "o=- 0 0 IN IP4 127.0.0.1",
  "s=test",
  "c=IN IP4 0.0.0.0",
  "t=0 0",
  "m=video 0 RTP/AVP 96",
  "a=control:trackID=0",
  "a=rtpmap:96 H264/90000",
  "a=fmtp:96 packetization-mode=1",
  "",
].join("\r\n");

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const f of cleanups.splice(0).reverse()) await f();
});

/** A server with one stream, readers and publishers accepted on every path. */
async function serve(
  options: Partial<ServerOptions> = {},
  extra: ServerHandler = {},
): Promise<{ server: Server; stream: ServerStream; url: string }> {
  const fixture: { stream?: ServerStream } = {};
  const server = new Server({
    rtspAddress: "127.0.0.1:0",
    checkStreamPeriodMs: 100,
    ...options,
    handler: {
      onDescribe: () => ({ response: { statusCode: 200 }, stream: fixture.stream }),
      onAnnounce: () => ({ response: { statusCode: 200 } }),
      onSetup: ({ session }) =>
        session.state() === "preRecord"
          ? { response: { statusCode: 200 } }
          : { response: { statusCode: 200 }, stream: fixture.stream },
      onPlay: () => ({ response: { statusCode: 200 } }),
      onRecord: () => ({ response: { statusCode: 200 } }),
      ...extra,
    },
  });
  await server.start();
  cleanups.push(() => server.close());
  fixture.stream = new ServerStream({ server, desc: parseSessionDescription(SDP) });
  fixture.stream.initialize();
  return {
    server,
    stream: fixture.stream,
    url: `rtsp://127.0.0.1:${server.address().port}/stream`,
  };
}

async function client(server: Server): Promise<FuzzClient> {
  const c = await FuzzClient.connect(server.address().port);
  cleanups.push(() => c.close());
  return c;
}

function packet(seq: number, size: number): RtpPacket {
  return {
    marker: true,
    payloadType: 96,
    sequenceNumber: seq & 0xffff,
    timestamp: seq * 3000,
    ssrc: 0,
    csrc: [],
    paddingSize: 0,
    payload: new Uint8Array(size).fill(1),
  };
}

describe("request size limits (SPEC §8)", () => {
  const cases: [string, (url: string) => string][] = [
    [
      "a URL over 2048 bytes",
      (url) => `OPTIONS ${url}/${"a".repeat(2100)} RTSP/1.0\r\nCSeq: 1\r\n\r\n`,
    ],
    [
      "a header value over 2048 bytes",
      (url) => `OPTIONS ${url} RTSP/1.0\r\nCSeq: 1\r\nX-Big: ${"b".repeat(2100)}\r\n\r\n`,
    ],
    [
      "a header name over 512 bytes",
      (url) => `OPTIONS ${url} RTSP/1.0\r\nCSeq: 1\r\n${"n".repeat(600)}: 1\r\n\r\n`,
    ],
    [
      "more than 255 header lines",
      (url) => `OPTIONS ${url} RTSP/1.0\r\nCSeq: 1\r\n${"X-H: 1\r\n".repeat(300)}\r\n`,
    ],
    [
      "a Content-Length over 128 KiB",
      (url) =>
        `ANNOUNCE ${url} RTSP/1.0\r\nCSeq: 1\r\nContent-Type: application/sdp\r\nContent-Length: 131073\r\n\r\n`,
    ],
    ["a method over 64 bytes", () => `OPTIONS${"S".repeat(80)} * RTSP/1.0\r\nCSeq: 1\r\n\r\n`],
    [
      "a megabyte of header without CRLF",
      () => `OPTIONS * RTSP/1.0\r\nCSeq: 1\r\nX: ${"x".repeat(1 << 20)}`,
    ],
  ];
  for (const [what, text] of cases) {
    it(`${what} ⇒ connection closed without a response; other clients unaffected`, async () => {
      const { server, url } = await serve();
      const other = await client(server);
      assert.equal((await other.request("OPTIONS", url))?.statusCode, 200);
      const c = await client(server);
      c.write(text(url));
      assert.ok(await c.waitClosed(3000), "not closed");
      assert.equal(c.responses, 0);
      assert.equal((await other.request("OPTIONS", url))?.statusCode, 200);
      assert.equal((await other.request("DESCRIBE", url))?.statusCode, 200);
    });
  }
});

describe("slow clients (SPEC §3.3)", () => {
  it("a partial request that stops is closed after the idle timeout", async () => {
    const { server, url } = await serve({ idleTimeoutMs: 600, readTimeoutMs: 600 });
    const c = await client(server);
    const started = Date.now();
    c.write(`OPTIONS ${url} RTSP/1.0\r\nCSeq: 1\r\nUser-Agent: slow`);
    assert.ok(await c.waitClosed(3000), "slowloris not closed");
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 500 && elapsed < 2500, `closed after ${elapsed} ms`);
    assert.equal(c.responses, 0);
    assert.equal(server._ctx!.conns.size, 0);
  });
});

describe("a TCP reader that stops reading (SPEC §6)", () => {
  it("drops its packets, stays bounded, is closed after the write timeout; others keep receiving", {
    timeout: 20_000,
  }, async () => {
    const writeErrors: ServerSession[] = [];
    const closed: { session: ServerSession; error?: Error }[] = [];
    const { server, stream, url } = await serve(
      { writeQueueSize: 32, writeTimeoutMs: 1000, idleTimeoutMs: 10_000 },
      {
        onStreamWriteError: ({ session }) => void writeErrors.push(session),
        onSessionClose: (ctx) => void closed.push(ctx),
      },
    );
    async function play(c: FuzzClient): Promise<string> {
      const s = await c.request("SETUP", url + "/trackID=0", {
        Transport: "RTP/AVP/TCP;unicast;interleaved=0-1",
      });
      const id = sessionOf(s)!;
      assert.equal((await c.request("PLAY", url, { Session: id }))?.statusCode, 200);
      return id;
    }
    const stalled = await client(server);
    const stalledId = await play(stalled);
    stalled.socket.pause();
    const healthy = await client(server);
    await play(healthy);

    let seq = 0;
    let maxBuffered = 0;
    const stalledConn = [...server._ctx!.conns].find((c) => c.session()?.id === stalledId)!;
    const deadline = Date.now() + 12_000;
    while (Date.now() < deadline && !closed.some((c) => c.session.id === stalledId)) {
      for (let i = 0; i < 40; i++) {
        stream.writePacketRtp(stream.desc.medias[0], packet(seq++, 1400));
      }
      maxBuffered = Math.max(maxBuffered, stalledConn._tcp.bufferedAmount);
      await new Promise((r) => setTimeout(r, 5));
    }
    const end = closed.find((c) => c.session.id === stalledId);
    assert.ok(end, `stalled reader not closed (${writeErrors.length} drops)`);
    assert.match(String(end.error?.message), /write timeout/i);
    assert.ok(writeErrors.some((s) => s.id === stalledId), "no queue-full drop reported");
    // The healthy reader keeps most of the stream. (Deno drops ~20% of its packets while the
    // other reader is stalled: finding R6 in /work/notes/robustness_findings.md.)
    const healthyDrops = writeErrors.filter((s) => s.id !== stalledId).length;
    assert.ok(healthyDrops < seq / 3, `the healthy reader lost ${healthyDrops} of ${seq} packets`);
    // Adapter buffer bounded: the queue stops handing over past its high-water mark (256 KiB).
    assert.ok(maxBuffered < 2 * 1024 * 1024, `adapter buffered ${maxBuffered} bytes`);
    const before = healthy.frames;
    for (let i = 0; i < 20; i++) stream.writePacketRtp(stream.desc.medias[0], packet(seq++, 100)); // < queue size
    const until = Date.now() + 3000;
    while (healthy.frames < before + 20 && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.ok(healthy.frames >= before + 20, `healthy reader got ${healthy.frames - before}/20`);
    assert.equal(healthy.closed, false);
  });
});

function bindUdp(): Promise<UdpSocket> {
  return new Promise((resolve) => {
    const s = createSocket("udp4");
    s.bind(0, "127.0.0.1", () => resolve(s));
  });
}

describe("UDP from foreign addresses (SPEC §4.2)", () => {
  it("RTP from an address that is not the publisher's client port is ignored and counted", async () => {
    const [rtpPort] = await freeUdpPortPair("127.0.0.1");
    const got: number[] = [];
    const { server, url } = await serve(
      { udpRtpAddress: `127.0.0.1:${rtpPort}`, udpRtcpAddress: `127.0.0.1:${rtpPort + 1}` },
      {
        onRecord: ({ session }) => {
          session.onPacketRtpAny((_m, _f, pkt) => void got.push(pkt.sequenceNumber));
          return { response: { statusCode: 200 } };
        },
      },
    );
    const own = await bindUdp();
    const ownRtcp = await bindUdp();
    const foreign = await bindUdp();
    cleanups.push(() => [own, ownRtcp, foreign].forEach((s) => s.close()));
    const c = await client(server);
    assert.equal(
      (await c.request("ANNOUNCE", url, { "Content-Type": "application/sdp" }, SDP))?.statusCode,
      200,
    );
    const s = await c.request("SETUP", url + "/trackID=0", {
      Transport:
        `RTP/AVP;unicast;client_port=${own.address().port}-${ownRtcp.address().port};mode=record`,
    });
    const id = sessionOf(s)!;
    assert.equal((await c.request("RECORD", url, { Session: id }))?.statusCode, 200);
    const rtp = (seq: number) => {
      const b = new Uint8Array(13);
      b[0] = 0x80;
      b[1] = 96;
      b[3] = seq;
      b[12] = 5;
      return b;
    };
    for (let i = 0; i < 5; i++) foreign.send(rtp(100 + i), rtpPort, "127.0.0.1");
    own.send(rtp(1), rtpPort, "127.0.0.1");
    const until = Date.now() + 2000;
    while (got.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(got, [1]);
    const session = server._ctx!.sessions.get(id)!;
    assert.equal(session.stats().inboundRtpPackets, 1);
    // Dropped, and counted.
    const counted = Date.now() + 2000;
    while (server.stats().foreignUdpPackets < 5 && Date.now() < counted) {
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(server.stats().foreignUdpPackets, 5);
  });
});
