/**
 * Shared fixture of the server tests: servers on 127.0.0.1:0, a per-test scope that closes what a
 * test opened, UDP pairs, packets, events.
 */
import { afterEach } from "node:test";
import assert from "node:assert/strict";
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { RawRtspClient } from "../_helpers/raw_rtsp_client.ts";
import { decodeRtcp, decodeRtp, type RtcpPacket, type RtpPacket } from "../../src/rtp/mod.ts";
import { parseSessionDescription, type SessionDescription } from "../../src/sdp/description.ts";
import { Server, type ServerOptions } from "../../src/server/server.ts";
import type { ServerHandler } from "../../src/server/server_handler.ts";
import { ServerStream } from "../../src/server/server_stream.ts";

/** A two-media description: H264 (PT 96) and PCMA (PT 8). */
export const SDP_TWO_MEDIAS = [
  "v=0",
  "o=- 0 0 IN IP4 127.0.0.1",
  "s=test",
  "c=IN IP4 0.0.0.0",
  "t=0 0",
  "m=video 0 RTP/AVP 96",
  "a=control:streamid=0",
  "a=rtpmap:96 H264/90000",
  "a=fmtp:96 packetization-mode=1; profile-level-id=42C028",
  "m=audio 0 RTP/AVP 8",
  "a=control:streamid=1",
  "a=rtpmap:8 PCMA/8000",
  "",
].join("\r\n");

/** A one-media description (H264). */
export const SDP_ONE_MEDIA = SDP_TWO_MEDIAS.split("m=audio")[0];

/** Parses a fresh description. */
export function desc(sdp = SDP_ONE_MEDIA): SessionDescription {
  return parseSessionDescription(sdp);
}

/** An RTP packet. */
export function rtp(
  seq: number,
  ts: number,
  payload: number[] = [5],
  pt = 96,
  ssrc = 0x11223344,
): RtpPacket {
  return {
    marker: true,
    payloadType: pt,
    sequenceNumber: seq,
    timestamp: ts,
    ssrc,
    csrc: [],
    paddingSize: 0,
    payload: new Uint8Array(payload),
  };
}

/** Encoded RTP bytes. */
export function rtpBytes(
  seq: number,
  ts: number,
  payload: number[] = [5],
  pt = 96,
  ssrc = 0x11223344,
): Uint8Array {
  const out = new Uint8Array(12 + payload.length);
  out[0] = 0x80;
  out[1] = pt;
  out[2] = seq >> 8;
  out[3] = seq & 0xff;
  new DataView(out.buffer).setUint32(4, ts);
  new DataView(out.buffer).setUint32(8, ssrc);
  out.set(payload, 12);
  return out;
}

/** A queue of events with timed waits. */
export class Events<T> {
  #items: T[] = [];
  #waiters: (() => void)[] = [];
  /** Adds an event. */
  push = (v: T): void => {
    this.#items.push(v);
    const w = this.#waiters;
    this.#waiters = [];
    for (const f of w) f();
  };
  /** Number of queued events. */
  get length(): number {
    return this.#items.length;
  }
  /** Takes the next event matching `pred`, waiting up to `timeoutMs`. */
  async next(timeoutMs = 3000, pred: (v: T) => boolean = () => true): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.#items.findIndex(pred);
      if (i >= 0) return this.#items.splice(i, 1)[0];
      const left = deadline - Date.now();
      if (left <= 0) throw new Error("Timed out waiting for an event");
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }
}

/** A reader-friendly handler: 200 everywhere, `stream` for DESCRIBE and reader SETUP. */
export function readerHandler(
  getStream: () => ServerStream | undefined,
  extra: ServerHandler = {},
): ServerHandler {
  return {
    onDescribe: () => ({ response: { statusCode: 200 }, stream: getStream() }),
    onAnnounce: () => ({ response: { statusCode: 200 } }),
    onSetup: ({ session }) =>
      session.state() === "preRecord"
        ? { response: { statusCode: 200 } }
        : { response: { statusCode: 200 }, stream: getStream() },
    onPlay: () => ({ response: { statusCode: 200 } }),
    onRecord: () => ({ response: { statusCode: 200 } }),
    onPause: () => ({ response: { statusCode: 200 } }),
    ...extra,
  };
}

/** A started server with an optional initialized stream. */
export interface Fixture {
  server: Server;
  port: number;
  url: string;
  stream: ServerStream | undefined;
  close(): Promise<void>;
}

/** Options of startServer(): server options, plus the stream's `sdp` and handler overrides. */
export type StartServerOptions = Partial<ServerOptions> & {
  sdp?: string | null;
  extra?: ServerHandler;
};

/** Starts a server on 127.0.0.1:0 with a stream of `sdp` (unless null). */
export async function startServer(options: StartServerOptions = {}): Promise<Fixture> {
  let stream: ServerStream | undefined;
  const { sdp, extra, ...rest } = options;
  const server = new Server({
    rtspAddress: "127.0.0.1:0",
    handler: options.handler ?? readerHandler(() => stream, extra),
    ...rest,
  });
  await server.start();
  if (sdp !== null) {
    stream = new ServerStream({ server, desc: desc(sdp ?? SDP_ONE_MEDIA) });
    stream.initialize();
  }
  const port = server.address().port;
  return {
    server,
    port,
    url: `rtsp://127.0.0.1:${port}/teststream`,
    stream,
    async close() {
      stream?.close();
      await server.close();
    },
  };
}

function bindUdp(port: number): Promise<UdpSocket | undefined> {
  return new Promise((resolve) => {
    const s = createSocket("udp4");
    s.once("error", () => {
      s.close();
      resolve(undefined);
    });
    s.bind(port, "127.0.0.1", () => resolve(s));
  });
}

/** Finds a free even/odd UDP port pair (released before returning). */
export async function freeUdpPair(): Promise<number> {
  for (;;) {
    const p = 20000 + 2 * Math.floor(Math.random() * 20000);
    const a = await bindUdp(p);
    if (a === undefined) continue;
    const b = await bindUdp(p + 1);
    await new Promise<void>((r) => a.close(() => r()));
    if (b === undefined) continue;
    await new Promise<void>((r) => b.close(() => r()));
    return p;
  }
}

/**
 * ANNOUNCEs {@linkcode SDP_ONE_MEDIA} at `f.url`, SETUPs its media with `transport` and RECORDs,
 * asserting 200 each time; returns the session id.
 */
export async function publish(f: Fixture, c: RawRtspClient, transport: string): Promise<string> {
  const a = await c.request(
    "ANNOUNCE",
    f.url,
    { "Content-Type": "application/sdp" },
    SDP_ONE_MEDIA,
  );
  assert.equal(a.statusCode, 200);
  const s = await c.request("SETUP", f.url + "/streamid=0", { Transport: transport });
  assert.equal(s.statusCode, 200);
  const id = s.headers.get("Session")!.split(";")[0];
  const r = await c.request("RECORD", f.url, { Session: id });
  assert.equal(r.statusCode, 200);
  return id;
}

/** Starts a server whose UDP RTP/RTCP pair is a free port pair, trying up to 7 pairs. */
export async function startServerOnUdpPair(options: StartServerOptions = {}): Promise<Fixture> {
  for (let i = 0;; i++) {
    const p = await freeUdpPair();
    try {
      return await startServer({
        udpRtpAddress: `127.0.0.1:${p}`,
        udpRtcpAddress: `127.0.0.1:${p + 1}`,
        ...options,
      });
    } catch (error) {
      // the pair may have been taken in between
      if (i > 5) throw error;
    }
  }
}

/** What a test file's scope closes after each test. */
export interface TestScope {
  /** Runs `cleanup` after the current test, before what was deferred earlier. */
  defer(cleanup: () => unknown): void;
  /** startServer() with the scope's defaults; the server closes after the test. */
  serve(options?: StartServerOptions): Promise<Fixture>;
  /** startServerOnUdpPair() with the scope's defaults; the server closes after the test. */
  serveOnUdpPair(options?: StartServerOptions): Promise<Fixture>;
  /** A raw RTSP client connected to `f`, closed after the test. */
  connect(f: Fixture): Promise<RawRtspClient>;
  /** Datagrams to `port` of the multicast `group`, received by a member closed after the test. */
  joinMulticast(group: string, port: number): Promise<Events<Uint8Array>>;
}

/**
 * Per-test cleanups of a test file: call once at its top level. After each test, what was
 * deferred runs last first; `defaults` apply to every server the scope starts.
 */
export function testScope(defaults: StartServerOptions = {}): TestScope {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const f of cleanups.splice(0).reverse()) await f();
  });
  const defer = (cleanup: () => unknown): void => {
    cleanups.push(cleanup);
  };
  return {
    defer,
    async serve(options = {}) {
      const f = await startServer({ ...defaults, ...options });
      defer(() => f.close());
      return f;
    },
    async serveOnUdpPair(options = {}) {
      const f = await startServerOnUdpPair({ ...defaults, ...options });
      defer(() => f.close());
      return f;
    },
    async connect(f) {
      const c = await RawRtspClient.connect(f.port);
      defer(() => c.close());
      return c;
    },
    async joinMulticast(group, port) {
      const sock = createSocket({ type: "udp4", reuseAddr: true });
      const got = new Events<Uint8Array>();
      sock.on("message", (m: Uint8Array) => got.push(new Uint8Array(m)));
      await new Promise<void>((resolve) => sock.bind(port, group, () => resolve()));
      defer(() => sock.close());
      sock.addMembership(group);
      return got;
    },
  };
}

/** A client UDP RTP/RTCP pair with received datagrams as events. */
export interface ClientUdp {
  rtpPort: number;
  rtcpPort: number;
  rtp: Events<Uint8Array>;
  rtcp: Events<Uint8Array>;
  sendRtp(data: Uint8Array, port: number): void;
  sendRtcp(data: Uint8Array, port: number): void;
  close(): void;
}

/** Binds a client UDP pair on 127.0.0.1. */
export async function clientUdp(): Promise<ClientUdp> {
  for (;;) {
    const p = 20000 + 2 * Math.floor(Math.random() * 20000);
    const a = await bindUdp(p);
    if (a === undefined) continue;
    const b = await bindUdp(p + 1);
    if (b === undefined) {
      a.close();
      continue;
    }
    const rtpEvents = new Events<Uint8Array>();
    const rtcpEvents = new Events<Uint8Array>();
    a.on("message", (m: Uint8Array) => rtpEvents.push(new Uint8Array(m)));
    b.on("message", (m: Uint8Array) => rtcpEvents.push(new Uint8Array(m)));
    return {
      rtpPort: p,
      rtcpPort: p + 1,
      rtp: rtpEvents,
      rtcp: rtcpEvents,
      sendRtp: (d, port) => a.send(d, port, "127.0.0.1"),
      sendRtcp: (d, port) => b.send(d, port, "127.0.0.1"),
      close() {
        a.close();
        b.close();
      },
    };
  }
}

/** Decodes RTP. */
export function parseRtp(b: Uint8Array): RtpPacket {
  return decodeRtp(b);
}

/** Decodes RTCP. */
export function parseRtcp(b: Uint8Array): RtcpPacket[] {
  return decodeRtcp(b);
}
