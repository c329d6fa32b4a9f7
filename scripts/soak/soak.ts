/**
 * The soak loop: against an in-process server, a publisher (TCP, ANNOUNCE/RECORD) and readers
 * (TCP interleaved and UDP) connect, exchange media and leave, cycle after cycle; one more reader
 * per cycle plays a stream that lives for the whole run. After every cycle it samples the heap
 * after a forced garbage collection, RSS, open file descriptors (/proc/self/fd where readable),
 * the server's connections and sessions, and the readers still attached to the long-lived
 * stream (counted by writing one probe packet: a packet delivered to N readers counts N times).
 */
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { readdirSync } from "node:fs";
import process from "node:process";
import v8 from "node:v8";
import vm from "node:vm";
import type { RtpPacket } from "../../src/rtp/rtp_packet.ts";
import { encodeInterleavedFrame } from "../../src/rtsp/serializer.ts";
import { parseSessionDescription } from "../../src/sdp/description.ts";
import type { Server, ServerOptions } from "../../src/server/server.ts";
import type { ServerSession } from "../../src/server/server_session.ts";
import { ServerStream } from "../../src/server/server_stream.ts";
import { FuzzClient, sessionOf } from "../fuzz/client.ts";
import { startServerOnUdpPair } from "../_server_start.ts";

/** Options of {@linkcode runSoak}. */
export interface SoakOptions {
  seconds: number;
  /** Stop after this many cycles even if time is left. */
  maxCycles?: number;
  /**
   * Cycles ignored by the growth check (allocator and JIT warm-up). The check compares the end
   * with the later of this cycle and the middle of the run: heaps grow in steps before they
   * plateau, a leak keeps growing.
   */
  warmupCycles: number;
  /** Maximum RSS growth (MiB) from the end of warm-up to the end. */
  maxGrowthMiB: number;
  /**
   * Maximum growth of the heap after warm-up, in KiB per cycle: the median slope over every
   * pair of samples after `warmupCycles` (Theil-Sen, so one sample taken while a collection was
   * incomplete does not count), computed once at least 8 cycles follow warm-up. Unlike RSS
   * (Deno's steps from 50 to 150 MiB before it levels), the heap after a forced collection is
   * flat unless objects are retained; allocator and JIT warm-up only slow its early cycles.
   */
  maxHeapSlopeKiB?: number;
  /**
   * Maximum growth of open file descriptors, and of active handles (timers and sockets, from
   * `process.getActiveResourcesInfo()` where the runtime fills it), after warm-up (at most 10
   * cycles for these; default 16). Each is compared by its floor: the smallest sample of the first and of the
   * last quarter after warm-up, so a socket still closing at one sample does not count.
   */
  maxFdGrowth?: number;
  readers: number;
  log?: (line: string) => void;
}

/** One sample. */
export interface SoakSample {
  cycle: number;
  rssMiB: number;
  /** Heap in use after a forced collection (`heapUsed` uncollected when no GC is reachable). */
  heapMiB: number;
  /** Readers still attached to the long-lived stream. */
  readers: number;
  /** Active handles (sockets, timers), where `process.getActiveResourcesInfo()` lists them. */
  handles: number | undefined;
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
  /** Whether the heap samples were taken after a forced collection. */
  gc: boolean;
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

type Gc = () => void;

/**
 * A full garbage collection, where the runtime lets a script ask for one: `Bun.gc(true)`,
 * `globalThis.gc` (`--expose-gc`), or V8's `gc` exposed at run time through node:v8 (Node and
 * Deno). Undefined when none works.
 */
export function findGc(): Gc | undefined {
  const g = globalThis as { gc?: unknown; Bun?: { gc(force: boolean): void } };
  if (g.Bun !== undefined) return () => g.Bun!.gc(true);
  if (typeof g.gc === "function") return g.gc as Gc;
  try {
    v8.setFlagsFromString("--expose-gc");
    const gc = vm.runInNewContext("gc");
    if (typeof gc === "function") return gc as Gc;
  } catch {
    // No way to collect on demand: the caller falls back to uncollected samples.
  }
  return undefined;
}

function heapMiB(gc: Gc | undefined): number {
  if (gc !== undefined) {
    // Twice: the first pass may leave garbage that finalizers released.
    gc();
    gc();
  }
  return Math.round(process.memoryUsage().heapUsed / 1048576 * 100) / 100;
}

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

/**
 * Heap growth in KiB per cycle after `warmupCycles`: the median of the slopes between every
 * pair of samples (Theil-Sen). Undefined with fewer than 8 samples after warm-up.
 */
export function heapSlopeKiB(
  samples: readonly SoakSample[],
  warmupCycles: number,
): number | undefined {
  const after = samples.filter((s) => s.cycle >= warmupCycles);
  if (after.length < 8) return undefined;
  const slopes: number[] = [];
  for (let i = 0; i < after.length; i++) {
    for (let j = i + 1; j < after.length; j++) {
      slopes.push((after[j].heapMiB - after[i].heapMiB) / (after[j].cycle - after[i].cycle));
    }
  }
  slopes.sort((a, b) => a - b);
  const mid = slopes.length >> 1;
  const median = slopes.length % 2 === 1 ? slopes[mid] : (slopes[mid - 1] + slopes[mid]) / 2;
  return Math.round(median * 1024 * 10) / 10;
}

/**
 * Growth of a count (fds, handles) after `warmupCycles`: the floor (smallest sample) of the last
 * quarter minus the floor of the first quarter after warm-up. Undefined with fewer than 4
 * samples after warm-up or when the runtime gives no count.
 */
export function floorGrowth(
  samples: readonly SoakSample[],
  key: "fds" | "handles",
  warmupCycles: number,
): { from: number; to: number } | undefined {
  const after = samples.filter((s) => s.cycle >= warmupCycles);
  const values = after.map((s) => s[key]);
  if (after.length < 4 || values.some((v) => v === undefined)) return undefined;
  const q = Math.max(1, Math.floor(after.length / 4));
  const from = Math.min(...(values.slice(0, q) as number[]));
  const to = Math.min(...(values.slice(values.length - q) as number[]));
  return { from, to };
}

function handleCount(): number | undefined {
  const p = process as unknown as { getActiveResourcesInfo?: () => string[] };
  try {
    const list = p.getActiveResourcesInfo?.();
    // Bun returns an empty list: no information.
    return list === undefined || list.length === 0 ? undefined : list.length;
  } catch {
    return undefined;
  }
}

function probe(seq: number): RtpPacket {
  return {
    marker: true,
    payloadType: 96,
    sequenceNumber: seq & 0xffff,
    timestamp: seq * 3000,
    ssrc: 0,
    csrc: [],
    paddingSize: 0,
    payload: new Uint8Array([1]),
  };
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

function startServer(handler: ServerOptions["handler"]): Promise<Server> {
  return startServerOnUdpPair({ rtspAddress: "127.0.0.1:0", checkStreamPeriodMs: 200, handler });
}

/** Runs the soak loop for `options.seconds` (or `options.maxCycles`). */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const gc = findGc();
  const report: SoakReport = {
    cycles: 0,
    samples: [],
    packetsRelayed: 0,
    framesRead: 0,
    failures: [],
    gc: gc !== undefined,
  };
  const state: { stream?: ServerStream; publisher?: ServerSession; fixed?: ServerStream } = {};
  const stream = (path: string) => path === "/fixed" ? state.fixed : state.stream;
  const server = await startServer({
    onSessionClose({ session }) {
      if (session === state.publisher) {
        state.publisher = undefined;
        state.stream?.close();
        state.stream = undefined;
      }
    },
    onDescribe: ({ path }) =>
      stream(path) === undefined
        ? { response: { statusCode: 404 } }
        : { response: { statusCode: 200 }, stream: stream(path) },
    onAnnounce({ session, description }) {
      state.stream?.close();
      state.publisher = session;
      state.stream = new ServerStream({ server, desc: description });
      state.stream.initialize();
      return { response: { statusCode: 200 } };
    },
    onSetup({ session, path }) {
      if (session.state() === "preRecord") return { response: { statusCode: 200 } };
      const s = stream(path);
      if (s === undefined) return { response: { statusCode: 404 } };
      return { response: { statusCode: 200 }, stream: s };
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
  const fixed = new ServerStream({ server, desc: parseSessionDescription(SDP) });
  fixed.initialize();
  state.fixed = fixed;
  const fixedMedia = fixed.desc.medias[0];
  let probeSeq = 0;
  /** Readers of the long-lived stream: one probe packet counts once per reader. */
  const fixedReaders = (): number => {
    const before = fixed.stats().outboundRtpPackets;
    fixed.writePacketRtp(fixedMedia, probe(probeSeq++));
    return fixed.stats().outboundRtpPackets - before;
  };
  const ctx = server._ctx!;
  const port = server.address().port;
  const base = `rtsp://127.0.0.1:${port}/soak`;
  const fixedUrl = `rtsp://127.0.0.1:${port}/fixed`;

  const sample = (cycle: number) => {
    const s: SoakSample = {
      cycle,
      rssMiB: Math.round(process.memoryUsage().rss / 1048576 * 10) / 10,
      heapMiB: heapMiB(gc),
      fds: fdCount(),
      handles: handleCount(),
      conns: ctx.conns.size,
      sessions: ctx.sessions.size,
      readers: fixedReaders(),
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
      // One reader of the long-lived stream, which must be detached again after the cycle.
      const f = await FuzzClient.connect(port);
      readers.push(f);
      if ((await f.request("DESCRIBE", fixedUrl))?.statusCode !== 200) {
        throw new Error("DESCRIBE of the long-lived stream failed");
      }
      const fid = sessionOf(
        await f.request("SETUP", `${fixedUrl}/trackID=0`, {
          Transport: "RTP/AVP/TCP;unicast;interleaved=0-1",
        }),
      );
      if ((await f.request("PLAY", fixedUrl, { Session: fid! }))?.statusCode !== 200) {
        throw new Error("PLAY of the long-lived stream failed");
      }
      if (fixedReaders() !== 1) throw new Error("The probe does not see the reader");
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
        pub.write(encodeInterleavedFrame(0, rtp(n * 50 + i, 1000)));
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
    // Sockets close asynchronously in some runtimes: give the descriptors a moment too.
    const baseFds = report.samples[report.samples.length - 1].fds;
    const fdsUntil = Date.now() + 500;
    while (baseFds !== undefined && (fdCount() ?? 0) > baseFds && Date.now() < fdsUntil) {
      await sleep(10);
    }
  }

  const started = Date.now();
  sample(0);
  const maxCycles = options.maxCycles ?? Infinity;
  try {
    while (Date.now() - started < options.seconds * 1000 && report.cycles < maxCycles) {
      report.cycles++;
      try {
        await cycle(report.cycles);
      } catch (e) {
        report.failures.push(`cycle ${report.cycles}: ${(e as Error).message}`);
        break;
      }
      const s = sample(report.cycles);
      if (s.conns !== 0 || s.sessions !== 0 || s.readers !== 0) {
        report.failures.push(
          `cycle ${s.cycle}: ${s.conns} connections, ${s.sessions} sessions and ` +
            `${s.readers} stream readers left`,
        );
      }
    }
  } finally {
    fixed.close();
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
  const maxFdGrowth = options.maxFdGrowth ?? 16;
  for (const key of ["fds", "handles"] as const) {
    // Descriptors and handles settle within a few cycles, long before the heap does.
    const g = floorGrowth(report.samples, key, Math.min(options.warmupCycles, 10));
    if (g !== undefined && g.to > g.from + maxFdGrowth) {
      report.failures.push(`open ${key} grew from ${g.from} to ${g.to} after warm-up`);
    }
  }
  const slope = heapSlopeKiB(report.samples, options.warmupCycles);
  if (
    options.maxHeapSlopeKiB !== undefined && slope !== undefined &&
    slope > options.maxHeapSlopeKiB
  ) {
    report.failures.push(
      `heap grows ${slope} KiB per cycle after warm-up (limit ${options.maxHeapSlopeKiB}` +
        `${gc === undefined ? ", without forced GC" : ""})`,
    );
  }
  if (report.framesRead === 0) report.failures.push("no reader received any frame");
  return report;
}
