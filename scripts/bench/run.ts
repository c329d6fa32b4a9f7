/**
 * Relay benchmark harness (runs under node; `bash scripts/bench.sh` is the entry).
 *
 * For each runtime and each point (implementation × transport × rate × N readers) it starts, as
 * separate processes: the relay on that runtime (`bench_server.ts`, the library; or
 * `floor_server.ts`, the runtime's raw socket API with no RTSP logic), one publisher sending
 * 1200-byte RTP packets at a fixed rate, and one reader process holding N sessions. After a
 * warm-up it measures a window of send times: delivered packets/s, loss, relay CPU (from
 * /proc/<pid>/stat) and RSS, and publisher→reader latency. Every child is killed in `finally`.
 *
 * Idle reader sessions (after the points; `--idle-only` skips the points): on a relay holding
 * only the publisher's session at 2 pkt/s, RSS after forced GC, in three steps (see runIdle):
 *   cold      the first N (--idle-sessions) on a fresh relay, per session: what was measured as
 *             "first 200" before 2026-11-26; it includes the runtime's one-time growth, of which
 *             the file-backed part (RssFile: the runtime binary's code pages) and, on V8, the
 *             young generation are printed;
 *   warm-up   those N closed again (TEARDOWN), GC: the RSS left above the start is that one-time
 *             growth, printed in MiB ("retained"); the JS heap left above it would be a leak;
 *   warm      N opened again ("first N after warm-up"), then --idle-more more ("per added
 *             session"), with the JS heap, external and (V8) young-generation share of each.
 * Per-session heap figures come from the relay's `gc` command (process.memoryUsage(), V8 heap
 * spaces or bun:jsc); with --repeat K each idle figure is the median of K runs.
 *
 * Options: --runtime deno|bun|node|all  --quick  --readers 1,10,50  --rates 1000
 *   --high-rate 4000 --high-readers 50,100  --transports udp,tcp  --impls lib,floor,gfloor
 *   --duration 3 --warmup 1  --client-runtime bun|node  --idle-sessions 200  --no-parse
 *   --idle-more 800  --no-idle  --idle-only  --repeat 1 (runs per point, the median by
 *   CPU/packet is kept; for idle sessions, the median of each figure)  --out tmp/bench
 *   --attach 'strace -c -f -o tmp/{name}.txt -p {pid}' (a command run against the relay during
 *   each window and stopped with SIGINT at its end; {pid} and {name} are replaced; for
 *   diagnosis only, it perturbs the CPU figures). Environment: BENCH_RELAY_FLAGS='--cpu-prof
 *   --cpu-prof-dir=tmp/prof' adds runtime flags to the relay process only.
 * @module
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import os from "node:os";
import process from "node:process";
import { parseArgs } from "./_child.ts";
import { nowMs } from "./_packet.ts";
import {
  Child,
  cpuSplitSeconds,
  hostCpuTicks,
  installSignalHandlers,
  rssBytes,
  sleep,
  ticksToSeconds,
  treeCpuSeconds,
} from "./_procs.ts";

type Runtime = "deno" | "bun" | "node";
/** `gfloor`: the floor with `--gather` (TCP only: frames of one turn in one write per reader). */
type Impl = "lib" | "floor" | "gfloor";
type Transport = "udp" | "tcp";

const ROOT = new URL("../../", import.meta.url).pathname;
const BIN = `${ROOT}node_modules/.bin`;
const args = parseArgs(process.argv.slice(2));
const quick = args.has("quick");
const list = (key: string, dflt: string) =>
  (args.get(key) ?? dflt).split(",").map((s) => s.trim()).filter((s) => s.length > 0);
const runtimes = (args.get("runtime") ?? "all") === "all"
  ? (["deno", "bun", "node"] as Runtime[])
  : [args.get("runtime") as Runtime];
const readers = list("readers", quick ? "10" : "1,10,50,100,200").map(Number);
const rates = list("rates", "1000").map(Number);
const highRate = Number(args.get("high-rate") ?? (quick ? 0 : 4000));
const highReaders = list("high-readers", "50,100").map(Number);
const transports = list("transports", "udp,tcp") as Transport[];
const impls = list("impls", "lib,floor,gfloor") as Impl[];
const durationS = Number(args.get("duration") ?? (quick ? 1 : 3));
const warmupS = Number(args.get("warmup") ?? (quick ? 0.3 : 1));
const clientRuntime = (args.get("client-runtime") ?? (existsSync(`${BIN}/bun`) ? "bun" : "node")) as
  | "bun"
  | "node";
const publisherTransport = (args.get("publisher-transport") ?? "udp") as Transport;
const idleSessions = Number(args.get("idle-sessions") ?? (quick ? 20 : 200));
/** Sessions added after the first `idleSessions` to measure what one more session costs. */
const idleMore = Number(args.get("idle-more") ?? 4 * idleSessions);
const repeat = Math.max(1, Number(args.get("repeat") ?? 1));
/** Only the idle-session measurements (and the parser figures unless --no-parse). */
const idleOnly = args.has("idle-only");
const outDir = args.get("out") ?? `${ROOT}tmp/bench`;
const attach = args.get("attach");
const relayFlags = process.env.BENCH_RELAY_FLAGS;
const LOSS_OK = 0.001; // "lossless" threshold: 0.1 %
const LOSS_STOP = 0.05; // stop raising N in a series beyond 5 % loss

function runtimeCommand(rt: Runtime | "bun" | "node", script: string): [string, string[]] {
  const path = `${ROOT}scripts/bench/${script}`;
  switch (rt) {
    case "deno":
      return [`${BIN}/deno`, ["run", "-A", "--unstable-net", "--v8-flags=--expose-gc", path]];
    case "bun":
      return [`${BIN}/bun`, [path]];
    case "node":
      return ["node", ["--expose-gc", "--import", "tsx", path]];
  }
}

function gitHead(): string {
  try {
    const head = execFileSync("git", ["-C", ROOT, "log", "-1", "--format=%h %s"]).toString().trim();
    const dirty = execFileSync("git", ["-C", ROOT, "status", "--porcelain", "src"]).toString()
      .trim();
    return dirty.length > 0 ? `${head} (src/ has uncommitted changes)` : head;
  } catch {
    return "unknown";
  }
}

function version(rt: Runtime): string {
  try {
    const [cmd] = runtimeCommand(rt, "x");
    return execFileSync(cmd, ["--version"]).toString().trim().split("\n")[0];
  } catch {
    return "unavailable";
  }
}

export interface PointResult {
  runtime: Runtime;
  impl: Impl;
  transport: Transport;
  rate: number;
  readers: number;
  ok: boolean;
  error?: string;
  published?: number;
  delivered?: number;
  deliveredPerS?: number;
  lossPct?: number;
  gaps?: number;
  minSessionShare?: number;
  serverCpuPerS?: number;
  cpuUsPerPacket?: number;
  readerCpuPerS?: number;
  publisherCpuPerS?: number;
  /** Busy cores of the whole host during the window (kernel softirq and other processes too). */
  hostBusyCores?: number;
  /** Host busy cores just before the point started (after waiting for a quiet host). */
  hostBusyBefore?: number;
  /** Packets/s the publisher actually sent in the window. */
  publishedPerS?: number;
  /** Host busy cores not accounted to the three bench processes (softirq, other processes). */
  otherCpuPerS?: number;
  rssMiB?: number;
  rssBaseMiB?: number;
  rssPerReaderKiB?: number;
  latencyP50Ms?: number;
  latencyP99Ms?: number;
  setupMs?: number;
  /** Share of the relay's CPU spent in the kernel (stime ÷ (utime + stime)) over the window. */
  serverSysShare?: number;
  /** With --repeat: CPU µs/packet of every run (the row shows the median run). */
  runsCpuUsPerPacket?: number[];
}

function freePortBase(): number {
  return 30000 + 2 * Math.floor(Math.random() * 10000);
}

async function startRelay(
  rt: Runtime,
  impl: Impl,
): Promise<{ child: Child; ports: Record<string, number> }> {
  for (let attempt = 0;; attempt++) {
    const [cmd, argv] = runtimeCommand(rt, impl === "lib" ? "bench_server.ts" : "floor_server.ts");
    const extra = impl === "lib"
      ? ["--udp-rtp-port", String(freePortBase())]
      : impl === "gfloor"
      ? ["--gather"]
      : [];
    // BENCH_RELAY_FLAGS: runtime flags for the relay only (e.g. node's --cpu-prof).
    const flags = relayFlags === undefined ? [] : relayFlags.split(" ").filter((a) => a !== "");
    const child = new Child(`${rt} ${impl} relay`, cmd, [
      ...argv.slice(0, -1),
      ...flags,
      ...argv.slice(-1),
      ...extra,
    ]);
    try {
      const line = await child.waitLine("READY", 30000);
      return { child, ports: JSON.parse(line.slice(6)) };
    } catch (e) {
      await child.stop(200);
      if (attempt >= 2) throw e;
    }
  }
}

function clientCommand(script: string, argv: string[]): [string, string[]] {
  const [cmd, base] = runtimeCommand(clientRuntime, script);
  return [cmd, [...base, ...argv]];
}

interface Scenario {
  rt: Runtime;
  impl: Impl;
  transport: Transport;
  rate: number;
  n: number;
}

let quietWaitS = 0;
/**
 * Waits (up to `maxMs`) until the host is nearly idle, so that other work on this shared
 * machine does not land inside a measurement; returns the busy cores last seen.
 */
async function waitQuiet(maxMs = 8000, threshold = 0.3): Promise<number> {
  const t0 = Date.now();
  let busy = 0;
  while (true) {
    const a = hostCpuTicks();
    await sleep(500);
    const b = hostCpuTicks();
    busy = ((b.busy - a.busy) / (b.total - a.total || 1)) * os.cpus().length;
    if (busy < threshold || Date.now() - t0 > maxMs) break;
  }
  quietWaitS += (Date.now() - t0) / 1000;
  return busy;
}

async function runPoint(s: Scenario): Promise<PointResult> {
  const res: PointResult = {
    runtime: s.rt,
    impl: s.impl,
    transport: s.transport,
    rate: s.rate,
    readers: s.n,
    ok: false,
  };
  const children: Child[] = [];
  try {
    res.hostBusyBefore = await waitQuiet();
    const relay = await startRelay(s.rt, s.impl);
    children.push(relay.child);
    const pid = relay.child.pid;
    const url = `rtsp://127.0.0.1:${relay.ports.rtsp}/bench`;
    const pubArgs = s.impl === "lib"
      ? ["--url", url, "--transport", publisherTransport]
      : ["--raw", `127.0.0.1:${relay.ports.in}`];
    const [pcmd, pargv] = clientCommand("publisher.ts", [...pubArgs, "--rate", String(s.rate)]);
    const pub = new Child("publisher", pcmd, pargv);
    children.push(pub);
    await pub.waitLine("READY", 20000);
    await sleep(300);
    const rssBase = rssBytes(pid);
    const readerArgs = s.impl === "lib"
      ? ["--url", url]
      : ["--raw", `127.0.0.1:${s.transport === "udp" ? relay.ports.udp : relay.ports.tcp}`];
    const [rcmd, rargv] = clientCommand("reader.ts", [
      ...readerArgs,
      "--transport",
      s.transport,
      "--sessions",
      String(s.n),
      "--rcvbuf",
      String(1 << 20),
    ]);
    const reader = new Child("reader", rcmd, rargv);
    children.push(reader);
    const ready = await reader.waitLine("READY", 20000 + 100 * s.n);
    res.setupMs = Number(ready.split(" ")[2]);
    await sleep(warmupS * 1000);
    const t0 = nowMs() + 100;
    const t1 = t0 + durationS * 1000;
    pub.send(`window ${t0} ${t1}`);
    reader.send(`window ${t0} ${t1}`);
    await sleep(t0 - nowMs());
    let attached: Child | undefined;
    if (attach !== undefined) {
      const name = `${s.rt}-${s.impl}-${s.transport}-${s.rate}-${s.n}-${Date.now()}`;
      const argv = attach.replaceAll("{pid}", String(pid)).replaceAll("{name}", name).split(" ");
      attached = new Child("attach", argv[0], argv.slice(1));
      children.push(attached);
    }
    const c0 = [treeCpuSeconds(pid), treeCpuSeconds(reader.pid), treeCpuSeconds(pub.pid)];
    const s0 = cpuSplitSeconds(pid);
    const h0 = hostCpuTicks();
    const real0 = nowMs();
    await sleep(t1 - nowMs());
    const c1 = [treeCpuSeconds(pid), treeCpuSeconds(reader.pid), treeCpuSeconds(pub.pid)];
    const s1 = cpuSplitSeconds(pid);
    if (attached !== undefined) {
      attached.proc.kill("SIGINT");
      await attached.stop(3000);
    }
    const splitTotal = s1.user - s0.user + s1.sys - s0.sys;
    res.serverSysShare = splitTotal > 0 ? (s1.sys - s0.sys) / splitTotal : NaN;
    const real = (nowMs() - real0) / 1000;
    const h1 = hostCpuTicks();
    const rss = rssBytes(pid);
    await sleep(400); // let the last packets of the window arrive
    pub.send("report");
    reader.send("report");
    const pr = JSON.parse((await pub.waitLine("REPORT", 5000)).slice(7));
    const rr = JSON.parse((await reader.waitLine("REPORT", 5000)).slice(7));
    const expected = pr.sentInWindow * s.n;
    res.published = pr.sentInWindow;
    res.publishedPerS = pr.sentInWindow / durationS;
    res.delivered = rr.receivedInWindow;
    res.deliveredPerS = rr.receivedInWindow / durationS;
    res.lossPct = expected > 0 ? Math.max(0, 100 * (1 - rr.receivedInWindow / expected)) : NaN;
    res.gaps = rr.gaps;
    res.minSessionShare = pr.sentInWindow > 0 ? rr.minSessionInWindow / pr.sentInWindow : NaN;
    res.serverCpuPerS = (c1[0] - c0[0]) / real;
    res.readerCpuPerS = (c1[1] - c0[1]) / real;
    res.publisherCpuPerS = (c1[2] - c0[2]) / real;
    res.hostBusyCores = ticksToSeconds(h1.busy - h0.busy) / real;
    res.otherCpuPerS = res.hostBusyCores - res.serverCpuPerS - res.readerCpuPerS -
      res.publisherCpuPerS;
    res.cpuUsPerPacket = rr.receivedInWindow > 0
      ? ((c1[0] - c0[0]) * 1e6) / rr.receivedInWindow
      : NaN;
    res.rssMiB = rss / 2 ** 20;
    res.rssBaseMiB = rssBase / 2 ** 20;
    res.rssPerReaderKiB = (rss - rssBase) / 1024 / s.n;
    res.latencyP50Ms = rr.latency.p50Ms;
    res.latencyP99Ms = rr.latency.p99Ms;
    res.ok = true;
  } catch (e) {
    res.error = String((e as Error).message ?? e).split("\n").slice(0, 6).join(" | ");
  } finally {
    await Promise.all(children.reverse().map((c) => c.stop(1500)));
  }
  return res;
}

export interface IdleResult {
  runtime: Runtime;
  transport: Transport;
  sessions: number;
  ok: boolean;
  error?: string;
  rssBaseMiB?: number;
  rssMiB?: number;
  /** Cold: RSS growth per session for the first N sessions a fresh relay serves. */
  perSessionKiB?: number;
  /**
   * Cold: the part of perSessionKiB that is file-backed (RssFile): pages of the runtime's own
   * binary and libraries mapped in as new code paths run, shared and reclaimable.
   */
  fileBackedPerSessionKiB?: number;
  /** Cold: JS heap (used) growth per session over the first N. */
  heapPerSessionKiB?: number;
  /** Cold: growth of the JS heap's reserved size (live objects and free space) per session. */
  heapTotalPerSessionKiB?: number;
  /** Cold, V8 (Deno, Node): growth of the young generation (new space) per session. */
  newSpacePerSessionKiB?: number;
  /** Cold: growth of memory held outside the JS heap by JS objects (ArrayBuffers…) per session. */
  externalPerSessionKiB?: number;
  /**
   * RSS above the start once those N sessions are closed again (after GC), MiB: what the runtime
   * keeps from serving them once (its one-time growth).
   */
  retainedMiB?: number;
  /** The file-backed part of retainedMiB (the runtime binary's code pages), MiB. */
  retainedFileMiB?: number;
  /** JS heap (used) above the start after closing them, KiB: a leak would show here. */
  retainedHeapKiB?: number;
  /** Sessions the relay still held after closing the readers (1: the publisher's). */
  sessionsLeft?: number;
  /** Warm: RSS growth per session for N sessions opened after the warm-up. */
  warmPerSessionKiB?: number;
  /** Warm: JS heap (used) growth per session for those N. */
  warmHeapPerSessionKiB?: number;
  /** RSS growth per session from N to N + idleMore sessions (after the warm-up). */
  marginalPerSessionKiB?: number;
  /** JS heap (used) growth per session from N to N + idleMore sessions. */
  marginalHeapPerSessionKiB?: number;
  /** Growth of memory outside the JS heap held by JS objects, N to N + idleMore, per session. */
  marginalExternalPerSessionKiB?: number;
  /**
   * V8 (Deno, Node): growth of the young generation (new space) per session from N to
   * N + idleMore: sized by the allocation rate and bounded, not held by the sessions.
   */
  marginalNewSpaceKiB?: number;
  /** A raw idle TCP connection of the floor relay (no RTSP), for comparison. */
  floor?: boolean;
  /** With --repeat: how many runs the figures are the median of (field by field). */
  runs?: number;
}

/** File-backed resident memory of a process (RssFile of /proc/<pid>/status), bytes. */
function rssFileBytes(pid: number): number {
  try {
    const kib = /RssFile:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return kib === null ? NaN : Number(kib[1]) * 1024;
  } catch {
    return NaN;
  }
}

/**
 * Memory of idle reader sessions on one relay, in three steps.
 *
 * 1. Cold: N sessions on a relay that served none before. Their RSS includes what the runtime
 *    grows once, on its first burst of sessions, and keeps: pages of its own binary mapped in as
 *    new code paths run (file-backed), V8's young generation (grown while many objects survive
 *    scavenges) and old-space reserve, JSC's heap and allocator pages, compiled code.
 * 2. Warm-up: those N sessions are closed (the reader sends TEARDOWN and closes its sockets)
 *    until the relay holds the publisher's session alone; after GC, the RSS still above the
 *    start is that one-time growth ("retained"); JS heap still above the start would be a leak.
 * 3. Warm: N sessions opened again ("first N after warm-up"), then idleMore more ("per added
 *    session"): what a running server pays per extra reader.
 */
async function runIdle(rt: Runtime, transport: Transport, n: number): Promise<IdleResult> {
  const res: IdleResult = { runtime: rt, transport, sessions: n, ok: false };
  const children: Child[] = [];
  try {
    const relay = await startRelay(rt, "lib");
    children.push(relay.child);
    const pid = relay.child.pid;
    const url = `rtsp://127.0.0.1:${relay.ports.rtsp}/bench`;
    // 2 packets/s keep the publisher's session alive (readTimeout) and prove each reader plays.
    const [pcmd, pargv] = clientCommand("publisher.ts", [
      "--url",
      url,
      "--transport",
      "tcp",
      "--rate",
      "2",
    ]);
    const pub = new Child("publisher", pcmd, pargv);
    children.push(pub);
    await pub.waitLine("READY", 20000);
    await sleep(500);
    type Gc = {
      rssProc: number;
      rssFile: number;
      heapUsed: number;
      heapTotal: number;
      external?: number;
      space_new_space?: number;
      sessions: number;
      connections: number;
    };
    const gc = async (): Promise<Gc> => {
      relay.child.send("gc");
      const m = JSON.parse((await relay.child.waitLine("GC", 5000)).slice(3));
      return { ...m, rssProc: rssBytes(pid), rssFile: rssFileBytes(pid) };
    };
    const open = async (name: string, sessions: number): Promise<Child> => {
      const [rcmd, rargv] = clientCommand("reader.ts", [
        "--url",
        url,
        "--transport",
        transport,
        "--sessions",
        String(sessions),
      ]);
      const reader = new Child(name, rcmd, rargv);
      children.push(reader);
      await reader.waitLine("READY", 30000 + 100 * sessions);
      await sleep(1000);
      return reader;
    };
    const perSession = (a = 0, b = 0, count: number) => (b - a) / 1024 / count;
    const m0 = await gc();
    const first = await open("reader", n);
    const m1 = await gc();
    res.rssBaseMiB = m0.rssProc / 2 ** 20;
    res.perSessionKiB = perSession(m0.rssProc, m1.rssProc, n);
    res.fileBackedPerSessionKiB = perSession(m0.rssFile, m1.rssFile, n);
    res.heapPerSessionKiB = perSession(m0.heapUsed, m1.heapUsed, n);
    res.heapTotalPerSessionKiB = perSession(m0.heapTotal, m1.heapTotal, n);
    res.externalPerSessionKiB = perSession(m0.external, m1.external, n);
    if (m1.space_new_space !== undefined) {
      res.newSpacePerSessionKiB = perSession(m0.space_new_space, m1.space_new_space, n);
    }
    await first.stop(3000);
    let m2 = await gc();
    const t0 = Date.now();
    while ((m2.sessions > 1 || m2.connections > 1) && Date.now() - t0 < 20000) {
      await sleep(500);
      m2 = await gc();
    }
    res.sessionsLeft = m2.sessions;
    res.retainedMiB = (m2.rssProc - m0.rssProc) / 2 ** 20;
    res.retainedFileMiB = (m2.rssFile - m0.rssFile) / 2 ** 20;
    res.retainedHeapKiB = (m2.heapUsed - m0.heapUsed) / 1024;
    await open("reader2", n);
    const m3 = await gc();
    res.warmPerSessionKiB = perSession(m2.rssProc, m3.rssProc, n);
    res.warmHeapPerSessionKiB = perSession(m2.heapUsed, m3.heapUsed, n);
    await open("reader3", idleMore);
    const m4 = await gc();
    res.rssMiB = m4.rssProc / 2 ** 20;
    res.marginalPerSessionKiB = perSession(m3.rssProc, m4.rssProc, idleMore);
    res.marginalHeapPerSessionKiB = perSession(m3.heapUsed, m4.heapUsed, idleMore);
    res.marginalExternalPerSessionKiB = perSession(m3.external, m4.external, idleMore);
    if (m4.space_new_space !== undefined) {
      res.marginalNewSpaceKiB = perSession(m3.space_new_space, m4.space_new_space, idleMore);
    }
    res.ok = true;
  } catch (e) {
    res.error = String((e as Error).message ?? e).split("\n").slice(0, 6).join(" | ");
  } finally {
    await Promise.all(children.reverse().map((c) => c.stop(1500)));
  }
  return res;
}

/** RSS per idle raw TCP connection of the floor relay: the runtime's own cost of a socket. */
async function runIdleFloor(rt: Runtime, n: number): Promise<IdleResult> {
  const res: IdleResult = { runtime: rt, transport: "tcp", sessions: n, ok: false, floor: true };
  const children: Child[] = [];
  try {
    const relay = await startRelay(rt, "floor");
    children.push(relay.child);
    const pid = relay.child.pid;
    await sleep(500);
    const rss0 = rssBytes(pid);
    const [rcmd, rargv] = clientCommand("reader.ts", [
      "--raw",
      `127.0.0.1:${relay.ports.tcp}`,
      "--transport",
      "tcp",
      "--sessions",
      String(n),
      "--wait-packets",
      "false",
    ]);
    const reader = new Child("reader", rcmd, rargv);
    children.push(reader);
    await reader.waitLine("READY", 30000 + 100 * n);
    await sleep(1000);
    const rss1 = rssBytes(pid);
    res.rssBaseMiB = rss0 / 2 ** 20;
    res.rssMiB = rss1 / 2 ** 20;
    res.perSessionKiB = (rss1 - rss0) / 1024 / n;
    const more = rargv.map((a, i) => (rargv[i - 1] === "--sessions" ? String(idleMore) : a));
    const reader2 = new Child("reader2", rcmd, more);
    children.push(reader2);
    await reader2.waitLine("READY", 30000 + 100 * idleMore);
    await sleep(1000);
    res.marginalPerSessionKiB = (rssBytes(pid) - rss1) / 1024 / idleMore;
    res.ok = true;
  } catch (e) {
    res.error = String((e as Error).message ?? e).split("\n").slice(0, 6).join(" | ");
  } finally {
    await Promise.all(children.reverse().map((c) => c.stop(1500)));
  }
  return res;
}

async function runParse(rt: Runtime): Promise<string[]> {
  const [cmd, argv] = runtimeCommand(rt, "parse_bench.ts");
  const child = new Child(`${rt} parse_bench`, cmd, [...argv, ...(quick ? ["--quick"] : [])]);
  try {
    const line = await child.waitLine("PARSE", quick ? 30000 : 60000);
    return JSON.parse(line.slice(6));
  } catch (e) {
    return [`parse bench failed: ${String((e as Error).message).split("\n")[0]}`];
  } finally {
    await child.stop(500);
  }
}

/** The run with the median CPU per packet among the successful ones (all runs listed in `runs`). */
function medianPoint(rs: PointResult[]): PointResult {
  const ok = rs.filter((r) => r.ok).sort((a, b) =>
    (a.cpuUsPerPacket ?? 0) - (b.cpuUsPerPacket ?? 0)
  );
  if (ok.length === 0) return rs[rs.length - 1];
  const m = { ...ok[Math.floor((ok.length - 1) / 2)] };
  if (rs.length > 1) m.runsCpuUsPerPacket = rs.map((r) => r.cpuUsPerPacket ?? NaN);
  return m;
}

const f = (
  x: number | undefined,
  d = 0,
) => (x === undefined || Number.isNaN(x) ? "-" : x.toFixed(d));

function pointLine(r: PointResult): string {
  if (!r.ok) {
    return `| ${r.runtime} | ${r.impl} | ${r.transport} | ${r.rate} | ${r.readers} | failed: ${r.error} |`;
  }
  const clientBound = (r.readerCpuPerS ?? 0) > 0.9 ? " (reader-bound)" : "";
  return `| ${r.runtime} | ${r.impl} | ${r.transport} | ${r.rate} | ${r.readers} | ${
    f(r.deliveredPerS)
  } | ${f(r.lossPct, 2)} | ${f(r.serverCpuPerS, 2)} | ${f(r.cpuUsPerPacket, 2)} | ${
    f(r.cpuUsPerPacket ? 1e6 / r.cpuUsPerPacket / 1000 : NaN)
  }k | ${f(r.rssMiB, 1)} | ${f(r.rssPerReaderKiB, 1)} | ${f(r.latencyP50Ms, 2)} / ${
    f(r.latencyP99Ms, 2)
  } | ${f(r.readerCpuPerS, 2)}${clientBound} | ${f(r.hostBusyCores, 2)} |`;
}

const POINT_HEADER = [
  "| runtime | impl | transport | rate pkt/s | readers | delivered pkt/s | loss % | relay CPU s/s | CPU µs/pkt | pkt/s per core | RSS MiB | RSS/reader KiB | latency p50 / p99 ms | reader CPU s/s | host busy cores |",
  "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
];

/** The summary lines of one idle measurement. */
function idleLines(i: IdleResult): string {
  return (
    i.floor === true
      ? (i.ok
        ? `- idle raw TCP connection of the floor relay (${i.sessions} connections, no RTSP): ${
          f(i.perSessionKiB, 1)
        } KiB RSS/connection; from ${i.sessions} to ${i.sessions + idleMore}: ${
          f(i.marginalPerSessionKiB, 1)
        } KiB per added connection`
        : `- idle floor: failed: ${i.error}`)
      : i.ok
      ? [
        `- idle ${i.transport} reader session, cold (first ${i.sessions} on a fresh relay): ${
          f(i.perSessionKiB, 1)
        } KiB RSS/session (file-backed ${f(i.fileBackedPerSessionKiB, 1)}; JS heap ${
          f(i.heapPerSessionKiB, 1)
        }, heap reserved ${f(i.heapTotalPerSessionKiB, 1)}${
          i.newSpacePerSessionKiB === undefined
            ? ""
            : ` (young generation ${f(i.newSpacePerSessionKiB, 1)})`
        }, external ${f(i.externalPerSessionKiB, 1)} KiB/session)`,
        `- idle ${i.transport}, those ${i.sessions} closed (${i.sessionsLeft} session left): RSS ${
          f(i.retainedMiB, 1)
        } MiB above the start (file-backed ${f(i.retainedFileMiB, 1)} MiB), JS heap ${
          f(i.retainedHeapKiB, 0)
        } KiB: the runtime's one-time growth`,
        `- idle ${i.transport} reader session, warm (first ${i.sessions} after that warm-up): ${
          f(i.warmPerSessionKiB, 1)
        } KiB RSS/session (JS heap ${f(i.warmHeapPerSessionKiB, 1)} KiB/session)`,
        `- idle ${i.transport} reader session, per added session from ${i.sessions} to ${
          i.sessions + idleMore
        }: ${f(i.marginalPerSessionKiB, 1)} KiB RSS (JS heap ${
          f(i.marginalHeapPerSessionKiB, 1)
        }, external ${f(i.marginalExternalPerSessionKiB, 1)}${
          i.marginalNewSpaceKiB === undefined
            ? ""
            : `, young-generation growth ${f(i.marginalNewSpaceKiB, 1)}`
        } KiB)${i.runs === undefined ? "" : ` (medians of ${i.runs} runs)`}`,
      ].join("\n")
      : `- idle ${i.transport}: failed: ${i.error}`
  );
}

/** Field by field median of repeated idle measurements (one run: itself). */
function medianIdle(rs: IdleResult[]): IdleResult {
  const ok = rs.filter((r) => r.ok);
  if (ok.length <= 1) return ok[0] ?? rs[rs.length - 1];
  const m: IdleResult = { ...ok[0], runs: rs.length };
  const record = m as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(ok[0])) {
    if (typeof value !== "number" || key === "sessions") continue;
    const xs = ok.map((r) => (r as unknown as Record<string, number>)[key]).sort((x, y) => x - y);
    record[key] = xs[Math.floor((xs.length - 1) / 2)];
  }
  return m;
}

function summarize(
  rt: Runtime,
  points: PointResult[],
  idle: IdleResult[],
  parse: string[],
): string[] {
  const out: string[] = [`### ${rt} summary`, ""];
  const mine = points.filter((p) => p.runtime === rt && p.ok);
  const lossless = (p: PointResult) => (p.lossPct ?? 100) < LOSS_OK * 100;
  for (const transport of transports) {
    for (const rate of [...rates, ...(highRate > 0 ? [highRate] : [])]) {
      const desc: string[] = [];
      for (const impl of impls) {
        const ps = mine.filter((p) =>
          p.impl === impl && p.transport === transport && p.rate === rate
        );
        if (ps.length === 0) continue;
        const okN = ps.filter(lossless).map((p) => p.readers);
        const maxN = okN.length > 0 ? Math.max(...okN) : 0;
        const best = Math.max(...ps.map((p) => p.deliveredPerS ?? 0));
        desc.push(
          `${impl}: largest N with loss < 0.1 % = ${maxN || "none"}, peak delivered ${
            f(best)
          } pkt/s`,
        );
      }
      if (desc.length > 0) out.push(`- ${transport} @ ${rate} pkt/s: ${desc.join("; ")}`);
    }
    for (const floor of ["floor", "gfloor"] as const) {
      const ratios: string[] = [];
      for (const p of mine.filter((p) => p.impl === "lib" && p.transport === transport)) {
        const fl = mine.find((q) =>
          q.impl === floor && q.transport === transport && q.rate === p.rate &&
          q.readers === p.readers
        );
        if (fl?.cpuUsPerPacket && p.cpuUsPerPacket) {
          ratios.push(
            `N=${p.readers}@${p.rate}: ${(p.cpuUsPerPacket / fl.cpuUsPerPacket).toFixed(2)}`,
          );
        }
      }
      if (ratios.length > 0) {
        out.push(
          `- ${transport} overhead (lib CPU/pkt ÷ ${floor} CPU/pkt): ${ratios.join(", ")}`,
        );
      }
    }
  }
  for (const n of [1, 100]) {
    for (const transport of transports) {
      const p = mine.find((q) =>
        q.impl === "lib" && q.transport === transport && q.readers === n && q.rate === rates[0]
      );
      if (p) {
        out.push(
          `- latency ${transport}, ${n} reader(s) @ ${p.rate} pkt/s: p50 ${
            f(p.latencyP50Ms, 2)
          } ms, p99 ${f(p.latencyP99Ms, 2)} ms`,
        );
      }
    }
  }
  for (const i of idle.filter((i) => i.runtime === rt)) out.push(idleLines(i));
  for (const l of parse) out.push(`- ${l}`);
  out.push("");
  return out;
}

async function main(): Promise<void> {
  installSignalHandlers();
  mkdirSync(outDir, { recursive: true });
  const started = new Date();
  const header = [
    `# rtspkit relay benchmark, ${started.toISOString()}${quick ? " (quick)" : ""}`,
    "",
    `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "?"}, ${
      (os.totalmem() / 2 ** 30).toFixed(0)
    } GiB, ${os.type()} ${os.release()}`,
    `Runtimes: ${
      runtimes.map((r) => `${r} ${version(r)}`).join(", ")
    }; clients (publisher, reader) on ${clientRuntime} ${version(clientRuntime)}`,
    `Commit: ${gitHead()}`,
    `Payload 1200 B; publisher over ${publisherTransport}; window ${durationS} s after ${warmupS} s warm-up; readers ${
      readers.join(",")
    } @ ${rates.join(",")} pkt/s${
      highRate > 0 ? `, ${highReaders.join(",")} @ ${highRate} pkt/s` : ""
    }`,
    "",
  ];
  console.log(header.join("\n"));
  console.log(POINT_HEADER.join("\n"));
  const points: PointResult[] = [];
  const idle: IdleResult[] = [];
  const parse = new Map<Runtime, string[]>();
  for (const rt of runtimes) {
    if (!args.has("no-parse")) {
      parse.set(rt, await runParse(rt));
      for (const l of parse.get(rt)!) console.log(`<!-- ${rt} ${l} -->`);
    }
    const series: [number, number[]][] = idleOnly ? [] : rates.map((r) => [r, readers]);
    if (highRate > 0 && !idleOnly) series.push([highRate, highReaders]);
    for (const transport of transports) {
      for (const [rate, ns] of series) {
        const stopped = new Set<Impl>();
        for (const n of ns) {
          const runs = new Map<Impl, PointResult[]>();
          for (let rep = 0; rep < repeat; rep++) {
            for (const impl of impls) {
              if (stopped.has(impl) || (impl === "gfloor" && transport !== "tcp")) continue;
              const r = await runPoint({ rt, impl, transport, rate, n });
              if (repeat > 1) {
                console.log(
                  `<!-- run ${rep + 1}/${repeat} ${pointLine(r)} sys ${
                    f((r.serverSysShare ?? NaN) * 100)
                  } % -->`,
                );
              }
              runs.set(impl, [...(runs.get(impl) ?? []), r]);
            }
          }
          for (const [impl, rs] of runs) {
            const r = medianPoint(rs);
            points.push(r);
            console.log(pointLine(r));
            if (!r.ok || (r.lossPct ?? 100) > LOSS_STOP * 100) stopped.add(impl);
          }
        }
      }
    }
    if (!args.has("no-idle") && impls.includes("lib")) {
      for (const transport of quick ? transports.slice(0, 1) : transports) {
        const rs: IdleResult[] = [];
        for (let rep = 0; rep < repeat; rep++) {
          rs.push(await runIdle(rt, transport, idleSessions));
          if (repeat > 1) {
            console.log(`<!-- ${rt} idle run ${rep + 1}/${repeat}\n${idleLines(rs[rep])} -->`);
          }
        }
        idle.push(medianIdle(rs));
      }
      if (impls.includes("floor")) idle.push(await runIdleFloor(rt, idleSessions));
    }
  }
  const md = [...header, ...POINT_HEADER, ...points.map(pointLine), ""];
  for (const rt of runtimes) md.push(...summarize(rt, points, idle, parse.get(rt) ?? []));
  md.push(`Waited for a quiet host: ${quietWaitS.toFixed(0)} s in all.`);
  md.push(`Total time: ${((Date.now() - started.getTime()) / 1000).toFixed(0)} s`);
  console.log("\n" + md.slice(header.length + POINT_HEADER.length + points.length).join("\n"));
  const stamp = started.toISOString().replace(/[:.]/g, "-");
  writeFileSync(
    `${outDir}/bench-${stamp}.json`,
    JSON.stringify({ started, points, idle, parse: Object.fromEntries(parse) }, null, 2),
  );
  writeFileSync(`${outDir}/bench-${stamp}.md`, md.join("\n") + "\n");
  console.log(`\nwritten: ${outDir}/bench-${stamp}.md (and .json)`);
}

await main();
