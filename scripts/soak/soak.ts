/**
 * The soak loop: against an in-process server, a publisher (TCP, ANNOUNCE/RECORD) and readers
 * (TCP interleaved and UDP) connect, exchange media and leave, cycle after cycle. Samples RSS,
 * open file descriptors (/proc/self/fd where readable) and the server's connection and session
 * counts after every cycle.
 */
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { readdirSync } from "node:fs";
import process from "node:process";
import { Server } from "../../src/server/server.ts";
import type { ServerSession } from "../../src/server/server_session.ts";
import { ServerStream } from "../../src/server/server_stream.ts";
import { FuzzClient, sessionOf } from "../fuzz/client.ts";

/** Options of {@linkcode runSoak}. */
export interface SoakOptions {
  seconds: number;
  /**
   * Cycles ignored by the growth check (allocator and JIT warm-up). The check compares the end
   * with the later of this cycle and the middle of the run: heaps grow in steps before they
   * plateau, a leak keeps growing.
   */
  warmupCycles: number;
  /** Maximum RSS growth (MiB) from the end of warm-up to the end. */
  maxGrowthMiB: number;
  readers: number;
  log?: (line: string) => void;
}

/** One sample. */
export interface SoakSample {
  cycle: number;
  rssMiB: number;
  fds: number | undefined;
  conns: number;
  sessions: number;
}

/** Result of a run. */
export interface SoakReport {
  cycles: number;
  samples: SoakSample[];
  packetsRelayed: number;
  framesRead: number;
  failures: string[];
}

const SDP = [
  "v=0",
  "o=- 0 0 IN IP4 127.0.0.1",
  "s=soak",
  "c=IN IP4 0.0.0.0",
  "t=0 0",
  "m=video 0 RTP/AVP 96",
  "a=control:trackID=0",
  "a=rtpmap:96 H264/90000",
  "a=fmtp:96 packetization-mode=1",
  "",
].join("\r\n");

function fdCount(): number | undefined {
  try {
    return readdirSync("/proc/self/fd").length;
  } catch {
    return undefined;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function bindUdp(): Promise<UdpSocket> {
  return new Promise((resolve) => {
    const s = createSocket("udp4");
    s.on("message", () => {});
    s.bind(0, "127.0.0.1", () => resolve(s));
  });
}

function rtp(seq: number, size: number): Uint8Array {
  const b = new Uint8Array(12 + size);
  b[0] = 0x80;
  b[1] = 96 | 0x80;
  b[2] = (seq >> 8) & 0xff;
  b[3] = seq & 0xff;
  new DataView(b.buffer).setUint32(4, seq * 3600);
  b[12] = seq % 25 === 0 ? 5 : 1;
  return b;
}

function interleaved(channel: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + payload.length);
  out[0] = 0x24;
  out[1] = channel;
  out[2] = payload.length >> 8;
  out[3] = payload.length & 0xff;
  out.set(payload, 4);
  return out;
}

async function startServer(
  handler: ConstructorParameters<typeof Server>[0]["handler"],
): Promise<Server> {
  let last: unknown;
  for (let attempt = 0; attempt < 30; attempt++) {
    const port = 20000 + 2 * Math.floor(Math.random() * 20000);
    const server = new Server({
      rtspAddress: "127.0.0.1:0",
      udpRtpAddress: `127.0.0.1:${port}`,
      udpRtcpAddress: `127.0.0.1:${port + 1}`,
      checkStreamPeriodMs: 200,
      handler,
    });
    try {
      await server.start();
      return server;
    } catch (e) {
      last = e;
    }
  }
  throw last;
}

/** Runs the soak loop for `options.seconds`. */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const report: SoakReport = {
    cycles: 0,
    samples: [],
    packetsRelayed: 0,
    framesRead: 0,
    failures: [],
  };
  const state: { stream?: ServerStream; publisher?: ServerSession } = {};
  const server = await startServer({
    onSessionClose({ session }) {
      if (session === state.publisher) {
        state.publisher = undefined;
        state.stream?.close();
        state.stream = undefined;
      }
    },
    onDescribe: () =>
      state.stream === undefined
        ? { response: { statusCode: 404 } }
        : { response: { statusCode: 200 }, stream: state.stream },
    onAnnounce({ session, description }) {
      state.stream?.close();
      state.publisher = session;
      state.stream = new ServerStream({ server, desc: description });
      state.stream.initialize();
      return { response: { statusCode: 200 } };
    },
    onSetup({ session }) {
      if (session.state() === "preRecord") return { response: { statusCode: 200 } };
      if (state.stream === undefined) return { response: { statusCode: 404 } };
      return { response: { statusCode: 200 }, stream: state.stream };
    },
    onPlay: () => ({ response: { statusCode: 200 } }),
    onRecord({ session }) {
      const target = state.stream!;
      session.onPacketRtpAny((media, _f, pkt) => {
        report.packetsRelayed++;
        if (!target.closed) target.writePacketRtp(media, pkt);
      });
      return { response: { statusCode: 200 } };
    },
    onStreamWriteError() {},
  });
  const ctx = server._ctx!;
  const port = server.address().port;
  const base = `rtsp://127.0.0.1:${port}/soak`;

  const sample = (cycle: number) => {
    const s: SoakSample = {
      cycle,
      rssMiB: Math.round(process.memoryUsage().rss / 1048576 * 10) / 10,
      fds: fdCount(),
      conns: ctx.conns.size,
      sessions: ctx.sessions.size,
    };
    report.samples.push(s);
    options.log?.(JSON.stringify(s));
    return s;
  };

  async function cycle(n: number): Promise<void> {
    const pub = await FuzzClient.connect(port);
    const readers: FuzzClient[] = [];
    const udps: UdpSocket[] = [];
    try {
      const a = await pub.request("ANNOUNCE", base, { "Content-Type": "application/sdp" }, SDP);
      if (a?.statusCode !== 200) throw new Error(`ANNOUNCE ${a?.statusCode}`);
      const id = sessionOf(
        await pub.request("SETUP", `${base}/trackID=0`, {
          Transport: "RTP/AVP/TCP;unicast;interleaved=0-1;mode=record",
        }),
      );
      if ((await pub.request("RECORD", base, { Session: id! }))?.statusCode !== 200) {
        throw new Error("RECORD failed");
      }
      for (let i = 0; i < options.readers; i++) {
        const r = await FuzzClient.connect(port);
        readers.push(r);
        let transport = "RTP/AVP/TCP;unicast;interleaved=0-1";
        if (i % 2 === 1) {
          const u1 = await bindUdp();
          const u2 = await bindUdp();
          udps.push(u1, u2);
          transport = `RTP/AVP;unicast;client_port=${u1.address().port}-${u2.address().port}`;
        }
        if ((await r.request("DESCRIBE", base))?.statusCode !== 200) {
          throw new Error("DESCRIBE failed");
        }
        const rid = sessionOf(
          await r.request("SETUP", `${base}/trackID=0`, { Transport: transport }),
        );
        if ((await r.request("PLAY", base, { Session: rid! }))?.statusCode !== 200) {
          throw new Error("PLAY failed");
        }
      }
      for (let i = 0; i < 50; i++) {
        pub.write(interleaved(0, rtp(n * 50 + i, 1000)));
        if (i % 10 === 9) await sleep(2);
      }
      await sleep(20);
      for (const r of readers) report.framesRead += r.frames;
      // Half the readers leave politely, half just drop the connection.
      for (let i = 0; i < readers.length; i++) {
        if (i % 2 === 0) readers[i].socket.end();
        else readers[i].close();
      }
      if (n % 2 === 0) await pub.request("TEARDOWN", base, { Session: id! }, "", 500);
    } finally {
      pub.close();
      for (const r of readers) r.close();
      for (const u of udps) u.close();
    }
    // Let the server notice the departures (UDP readers time out only with TEARDOWN/close).
    const until = Date.now() + 3000;
    while ((ctx.conns.size > 0 || ctx.sessions.size > 0) && Date.now() < until) await sleep(10);
  }

  const started = Date.now();
  sample(0);
  try {
    while (Date.now() - started < options.seconds * 1000) {
      report.cycles++;
      try {
        await cycle(report.cycles);
      } catch (e) {
        report.failures.push(`cycle ${report.cycles}: ${(e as Error).message}`);
        break;
      }
      const s = sample(report.cycles);
      if (s.conns !== 0 || s.sessions !== 0) {
        report.failures.push(
          `cycle ${s.cycle}: ${s.conns} connections and ${s.sessions} sessions left`,
        );
      }
    }
  } finally {
    await server.close();
  }
  const last = report.samples[report.samples.length - 1];
  const baseline: SoakSample | undefined =
    report.samples[Math.max(options.warmupCycles, Math.floor(report.cycles / 2))];
  if (baseline !== undefined && last.rssMiB - baseline.rssMiB > options.maxGrowthMiB) {
    report.failures.push(
      `RSS grew ${
        (last.rssMiB - baseline.rssMiB).toFixed(1)
      } MiB after warm-up (limit ${options.maxGrowthMiB})`,
    );
  }
  if (
    baseline !== undefined && baseline.fds !== undefined && last.fds !== undefined &&
    last.fds > baseline.fds + 16
  ) {
    report.failures.push(`open fds grew from ${baseline.fds} to ${last.fds}`);
  }
  if (report.framesRead === 0) report.failures.push("no reader received any frame");
  return report;
}
