/**
 * The fuzzer: an in-process {@linkcode Server} (TCP + UDP unicast) on 127.0.0.1 fed random and
 * mutated requests, interleaved frames, RTP/RTCP over TCP and UDP, and SDP bodies over real
 * sockets; after every batch a normal client must still get OPTIONS and DESCRIBE answered.
 */
import { parseSessionDescription } from "../../src/sdp/description.ts";
import type { Server } from "../../src/server/server.ts";
import type { ServerHandler } from "../../src/server/server_handler.ts";
import type { ServerSession } from "../../src/server/server_session.ts";
import { ServerStream } from "../../src/server/server_stream.ts";
import { type Corpus, loadCorpus } from "./corpus.ts";
import { FuzzClient, sessionOf } from "./client.ts";
import {
  interleaved,
  mutateBytes,
  mutateRequest,
  mutateSdp,
  randomRtcp,
  randomRtp,
} from "./mutate.ts";
import { Rng } from "./rng.ts";
import { startServerOnUdpPair } from "../_server_start.ts";
import {
  bindUdp,
  bump,
  checkHealth,
  fixtureHooks,
  recordUncaught,
  replyCountingHooks,
  sleep,
} from "./_shared.ts";

/** Options of {@linkcode runFuzz}. */
export interface FuzzOptions {
  seed: number;
  /** Stop after this many cases (whichever of the two limits comes first). */
  iterations: number;
  /** Stop after this many seconds. */
  seconds: number;
  /** Cases run at once; a health check follows every batch. */
  concurrency: number;
  /** Print one line per batch. */
  log?: (line: string) => void;
}

/** What a run did and found. */
export interface FuzzReport {
  seed: number;
  iterations: number;
  batches: number;
  seconds: number;
  cases: Record<string, number>;
  bytesSent: number;
  datagramsSent: number;
  responses: Record<string, number>;
  connsClosedByServer: number;
  connCloseErrors: Record<string, number>;
  decodeErrors: number;
  packetsReceived: number;
  healthChecks: number;
  failures: string[];
  /**
   * First few requests answered 500 (the server caught an exception of its own) and exceptions
   * that escaped the server's socket callbacks (caught by the adapter).
   */
  internalErrors: string[];
}

const STATIC_SDP = [
  "v=0",
  "o=- 0 0 IN IP4 127.0.0.1",
  "s=fuzz",
  "c=IN IP4 0.0.0.0",
  "t=0 0",
  "m=video 0 RTP/AVP 96",
  "a=control:trackID=0",
  "a=rtpmap:96 H264/90000",
  "a=fmtp:96 packetization-mode=1; profile-level-id=42C028",
  "m=audio 0 RTP/AVP 8",
  "a=control:trackID=1",
  "a=rtpmap:8 PCMA/8000",
  "",
].join("\r\n");
const ANNOUNCE_SDP = STATIC_SDP.replace("s=fuzz", "s=publisher");

type CaseName =
  | "garbage"
  | "mutatedRequests"
  | "tcpPlay"
  | "tcpRecord"
  | "udpRecord"
  | "udpPlay"
  | "announceSdp"
  | "capturedFrames";
const CASES: CaseName[] = [
  "garbage",
  "mutatedRequests",
  "mutatedRequests",
  "tcpPlay",
  "tcpRecord",
  "udpRecord",
  "udpPlay",
  "announceSdp",
  "capturedFrames",
];

/** Starts a server with UDP on an even port pair drawn from `rng` (another when taken). */
function startServer(handler: ServerHandler, rng: Rng): Promise<Server> {
  return startServerOnUdpPair({
    rtspAddress: "127.0.0.1:0",
    idleTimeoutMs: 5000,
    readTimeoutMs: 3000,
    writeTimeoutMs: 3000,
    writeQueueSize: 64,
    authMethods: ["basic", "digest-md5", "digest-sha256"],
    receiverReportPeriodMs: 500,
    senderReportPeriodMs: 500,
    checkStreamPeriodMs: 200,
    handler,
  }, { draw: (n) => rng.int(n) });
}

/** Runs the fuzzer; never throws for server misbehaviour (see `failures`). */
export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const rng = new Rng(options.seed);
  const corpus: Corpus = loadCorpus();
  const report: FuzzReport = {
    seed: options.seed,
    iterations: 0,
    batches: 0,
    seconds: 0,
    cases: {},
    bytesSent: 0,
    datagramsSent: 0,
    responses: {},
    connsClosedByServer: 0,
    connCloseErrors: {},
    decodeErrors: 0,
    packetsReceived: 0,
    healthChecks: 0,
    failures: [],
    internalErrors: [],
  };
  const stopRecordingUncaught = recordUncaught(report.failures);

  const replies = replyCountingHooks(report);
  const fixture: { stream?: ServerStream } = {};
  const announced = new Map<ServerSession, ServerStream>();
  const handler: ServerHandler = {
    ...replies,
    ...fixtureHooks(fixture, announced, () => server),
    onConnClose(ctx) {
      const { error } = ctx;
      const key = error === undefined
        ? "none"
        : `${error.name}: ${error.message.replace(/[":(].*$/s, "").trim().slice(0, 48)}`;
      bump(report.connCloseErrors, key);
      replies.onConnClose(ctx);
    },
    onDecodeError() {
      report.decodeErrors++;
    },
    onPacketsLost() {},
    onStreamWriteError() {},
    onRecord({ session }) {
      const target = announced.get(session);
      session.onPacketRtpAny((media, _format, pkt) => {
        report.packetsReceived++;
        if (target !== undefined && !target.closed) target.writePacketRtp(media, pkt);
      });
      return { response: { statusCode: 200 } };
    },
  };
  const server = await startServer(handler, rng);
  fixture.stream = new ServerStream({ server, desc: parseSessionDescription(STATIC_SDP) });
  fixture.stream.initialize();
  const port = server.address().port;
  const udpRtpPort = server._ctx!.udp!.rtpPort;
  const base = `rtsp://127.0.0.1:${port}`;

  // Media flowing to the fuzzed readers.
  let seq = 0;
  const feeder = setInterval(() => {
    const s = fixture.stream!;
    for (let i = 0; i < 4; i++) {
      seq = (seq + 1) & 0xffff;
      s.writePacketRtp(s.desc.medias[0], {
        marker: true,
        payloadType: 96,
        sequenceNumber: seq,
        timestamp: seq * 3600,
        ssrc: 0,
        csrc: [],
        paddingSize: 0,
        payload: new Uint8Array(seq % 25 === 0 ? [5, 1, 2, 3] : [1, 2, 3, 4]),
      });
    }
  }, 5);

  const cuts = (len: number): number[] => {
    const n = rng.chance(0.5) ? 0 : rng.int(6);
    return Array.from({ length: n }, () => rng.int(len + 1));
  };
  const send = (c: FuzzClient, data: Uint8Array) => {
    report.bytesSent += data.length;
    c.write(data, cuts(data.length));
  };

  async function finish(c: FuzzClient): Promise<void> {
    await c.waitClosed(rng.int(60));
    if (c.closed) report.connsClosedByServer++;
    if (rng.chance(0.5)) c.socket.end();
    c.close();
  }

  async function tcpSession(c: FuzzClient, mode: "play" | "record"): Promise<string | undefined> {
    if (mode === "play") {
      const r = await c.request("SETUP", `${base}/fuzz/trackID=0`, {
        Transport: `RTP/AVP/TCP;unicast;interleaved=${rng.int(4) * 2}-${rng.int(4) * 2 + 1}`,
      });
      const id = sessionOf(r);
      if (id === undefined) return undefined;
      await c.request("PLAY", `${base}/fuzz/`, { Session: id });
      return id;
    }
    const sdp = rng.chance(0.7) ? ANNOUNCE_SDP : mutateSdp(rng, rng.pick(corpus.sdps));
    const path = `${base}/pub${rng.int(4)}`;
    const a = await c.request("ANNOUNCE", path, { "Content-Type": "application/sdp" }, sdp);
    if (a?.statusCode !== 200) return undefined;
    const s = await c.request("SETUP", `${path}/trackID=0`, {
      Transport: "RTP/AVP/TCP;unicast;interleaved=0-1;mode=record",
    });
    const id = sessionOf(s);
    if (id === undefined) return undefined;
    await c.request("SETUP", `${path}/trackID=1`, {
      Transport: "RTP/AVP/TCP;unicast;interleaved=2-3;mode=record",
      Session: id,
    });
    await c.request("RECORD", path, { Session: id });
    return id;
  }

  async function runCase(name: CaseName): Promise<void> {
    bump(report.cases, name);
    const c = await FuzzClient.connect(port);
    try {
      switch (name) {
        case "garbage": {
          const prefix = rng.chance(0.5)
            ? rng.pick(["OPTIONS ", "DESCRIBE rtsp://", "$", "RT", "GET ", "POST "])
            : "";
          const body = rng.bytes(1 + rng.int(rng.chance(0.1) ? 70000 : 2048));
          send(c, new Uint8Array([...new TextEncoder().encode(prefix), ...body]));
          break;
        }
        case "mutatedRequests": {
          const n = 1 + rng.int(4);
          for (let i = 0; i < n; i++) {
            const seed = rng.pick(corpus.requests);
            send(
              c,
              rng.chance(0.5)
                ? mutateRequest(rng, seed)
                : rng.chance(0.5)
                ? mutateBytes(rng, seed)
                : seed,
            );
            if (rng.chance(0.5)) await c.response(100);
          }
          break;
        }
        case "tcpPlay":
        case "tcpRecord": {
          const id = await tcpSession(c, name === "tcpPlay" ? "play" : "record");
          const n = rng.int(60);
          for (let i = 0; i < n && !c.closed; i++) {
            const roll = rng.int(10);
            if (roll < 5) {
              send(
                c,
                interleaved(
                  rng,
                  rng.chance(0.9) ? rng.int(4) : rng.int(256),
                  randomRtp(rng, rng.pick([96, 8])),
                ),
              );
            } else if (roll < 8) send(c, interleaved(rng, rng.int(4), randomRtcp(rng)));
            else send(c, mutateRequest(rng, rng.pick(corpus.requests), id));
          }
          if (rng.chance(0.3) && id !== undefined) {
            await c.request("TEARDOWN", `${base}/pub`, { Session: id }, "", 200);
          }
          break;
        }
        case "capturedFrames": {
          await tcpSession(c, "record");
          send(c, mutateBytes(rng, rng.pick(corpus.binaries)));
          break;
        }
        case "udpRecord":
        case "udpPlay": {
          const rtp = await bindUdp();
          const rtcp = await bindUdp();
          const foreign = await bindUdp();
          const audioRtp = await bindUdp();
          try {
            const cp = `${rtp.address().port}-${rtcp.address().port}`;
            let id: string | undefined;
            if (name === "udpRecord") {
              const a = await c.request("ANNOUNCE", `${base}/upub`, {
                "Content-Type": "application/sdp",
              }, ANNOUNCE_SDP);
              if (a?.statusCode === 200) {
                id = sessionOf(
                  await c.request("SETUP", `${base}/upub/trackID=0`, {
                    Transport: `RTP/AVP;unicast;client_port=${cp};mode=record`,
                  }),
                );
                if (id !== undefined) {
                  const audio = `${audioRtp.address().port}-${audioRtp.address().port + 1}`;
                  await c.request("SETUP", `${base}/upub/trackID=1`, {
                    Transport: `RTP/AVP;unicast;client_port=${audio};mode=record`,
                    Session: id,
                  });
                  await c.request("RECORD", `${base}/upub`, { Session: id });
                }
              }
            } else {
              id = sessionOf(
                await c.request("SETUP", `${base}/fuzz/trackID=0`, {
                  Transport: `RTP/AVP;unicast;client_port=${cp}`,
                }),
              );
              if (id !== undefined) await c.request("PLAY", `${base}/fuzz/`, { Session: id });
            }
            const n = rng.int(80);
            for (let i = 0; i < n; i++) {
              const toRtcp = rng.chance(0.4);
              const from = rng.chance(0.1) ? foreign : toRtcp ? rtcp : rtp;
              const data = toRtcp ? randomRtcp(rng) : randomRtp(rng, 96);
              report.datagramsSent++;
              from.send(data, toRtcp ? udpRtpPort + 1 : udpRtpPort, "127.0.0.1");
              if (rng.chance(0.05)) send(c, interleaved(rng, 0, randomRtp(rng)));
            }
            await sleep(5);
            if (id !== undefined && rng.chance(0.5)) {
              await c.request("TEARDOWN", `${base}/upub`, { Session: id }, "", 200);
            }
          } finally {
            for (const s of [rtp, rtcp, foreign, audioRtp]) s.close();
          }
          break;
        }
        case "announceSdp": {
          const sdp = mutateSdp(rng, rng.pick(corpus.sdps));
          const body = new TextEncoder().encode(sdp);
          const len = rng.chance(0.9)
            ? body.length
            : rng.pick([0, body.length - 1, body.length + 10, 131073]);
          send(
            c,
            new TextEncoder().encode(
              `ANNOUNCE ${base}/sdp RTSP/1.0\r\nCSeq: 1\r\nContent-Type: ${
                rng.chance(0.9) ? "application/sdp" : "text/plain"
              }\r\nContent-Length: ${len}\r\n\r\n`,
            ),
          );
          send(c, body);
          await c.response(200);
          break;
        }
      }
    } finally {
      await finish(c);
    }
  }

  async function healthCheck(): Promise<void> {
    report.healthChecks++;
    const problem = await checkHealth(() => FuzzClient.connect(port, 3000), base);
    if (problem !== undefined) {
      report.failures.push(`health check after batch ${report.batches}: ${problem}`);
    }
  }

  const started = Date.now();
  try {
    await healthCheck();
    while (
      report.iterations < options.iterations && Date.now() - started < options.seconds * 1000 &&
      report.failures.length === 0
    ) {
      const n = Math.min(options.concurrency, options.iterations - report.iterations);
      const batch: Promise<void>[] = [];
      for (let i = 0; i < n; i++) {
        const name = rng.pick(CASES);
        batch.push(
          runCase(name).catch((e: Error) => {
            // Client-side trouble (connect refused...) is a server failure too.
            report.failures.push(`case ${name}: ${e.message}`);
          }),
        );
      }
      await Promise.all(batch);
      report.iterations += n;
      report.batches++;
      await healthCheck();
      options.log?.(
        `batch ${report.batches}: ${report.iterations} cases, ${report.bytesSent} bytes, ` +
          `${report.datagramsSent} datagrams, conns ${server._ctx!.conns.size}, sessions ${
            server._ctx!.sessions.size
          }`,
      );
    }
  } finally {
    clearInterval(feeder);
    await server.close();
    report.seconds = (Date.now() - started) / 1000;
    // Late errors of closing sockets still count.
    await sleep(50);
    stopRecordingUncaught();
  }
  return report;
}
