/**
 * Bench reader: opens N reader sessions and counts packets, sequence gaps and latency.
 *
 * ```sh
 * bun scripts/bench/reader.ts --url rtsp://127.0.0.1:8554/bench --sessions 50 --transport udp
 * bun scripts/bench/reader.ts --raw 127.0.0.1:9001 --sessions 50 --transport udp   # floor relay
 * ```
 * `--transport udp|tcp`. With `--url`, each session is DESCRIBE, SETUP, PLAY on its own
 * connection; with `--raw host:port` (a floor relay), each UDP session registers by sending
 * `hello` and each TCP session is one connection. Prints `READY <n>` once every session
 * receives; stdin commands: `window <t0> <t1>` (count packets whose send time falls in
 * [t0, t1) ms and record their latency), `report` (prints `REPORT {json}`), `exit`.
 * @module
 */
import type dgram from "node:dgram";
import process from "node:process";
import type { Buffer } from "node:buffer";
import { BENCH_MIN_PACKET, nowMs } from "./_packet.ts";
import { RtspClient } from "./_rtsp_client.ts";
import { bindUdp, bindUdpPair } from "./_udp.ts";
import { numArg, parseArgs, say, serveStdin } from "./_child.ts";

const args = parseArgs(process.argv.slice(2));
const sessions = numArg(args, "sessions", 1);
const transport = args.get("transport") ?? "udp";
const maxSeconds = numArg(args, "max-seconds", 120);
const concurrency = numArg(args, "concurrency", 16);
const receiveBufferSize = args.has("rcvbuf") ? numArg(args, "rcvbuf", 0) : undefined;
const raw = args.get("raw");

const HIST_STEP_MS = 0.01;
const HIST_SIZE = 200_001; // 10 us buckets up to 2 s, last bucket = overflow
const hist = new Uint32Array(HIST_SIZE);
const lastSeq = new Int32Array(sessions).fill(-1);
const received = new Float64Array(sessions);
const receivedInWindow = new Float64Array(sessions);
let gaps = 0;
let reorders = 0;
let duplicates = 0;
let closedSessions = 0;
let w0 = Infinity;
let w1 = Infinity;
const clients: (RtspClient | undefined)[] = new Array(sessions);
const sockets: dgram.Socket[] = [];

function onPacket(idx: number, buf: Buffer): void {
  if (buf.length < BENCH_MIN_PACKET || (buf[0] & 0xc0) !== 0x80 || (buf[1] & 0x7f) !== 96) return;
  const seq = buf.readUInt16BE(2);
  received[idx]++;
  const last = lastSeq[idx];
  if (last >= 0) {
    const d = (seq - last) & 0xffff;
    if (d === 0) duplicates++;
    else if (d < 32768) {
      gaps += d - 1;
      lastSeq[idx] = seq;
    } else reorders++;
  } else lastSeq[idx] = seq;
  const sendMs = buf.readDoubleLE(13);
  if (sendMs >= w0 && sendMs < w1) {
    receivedInWindow[idx]++;
    const b = Math.floor((nowMs() - sendMs) / HIST_STEP_MS);
    hist[b < 0 ? 0 : b >= HIST_SIZE ? HIST_SIZE - 1 : b]++;
  }
}

function percentile(p: number, count: number): number {
  let need = Math.ceil(count * p);
  for (let i = 0; i < HIST_SIZE; i++) {
    need -= hist[i];
    if (need <= 0) return (i + 0.5) * HIST_STEP_MS;
  }
  return NaN;
}

function waitFirstPacket(idx: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const check = () => {
      if (received[idx] > 0) resolve();
      else if (Date.now() - t0 > timeoutMs) {
        reject(new Error(`session ${idx}: no packet in ${timeoutMs} ms`));
      } else setTimeout(check, 20);
    };
    check();
  });
}

async function openRtsp(idx: number, url: URL): Promise<void> {
  const c = await RtspClient.connect(url.hostname, Number(url.port || 554));
  clients[idx] = c;
  c.onClose = () => closedSessions++;
  const desc = await c.request("DESCRIBE", url.href, { Accept: "application/sdp" });
  let base = desc.headers.get("content-base") ?? url.href;
  if (!base.endsWith("/")) base += "/";
  const media = desc.body.slice(desc.body.indexOf("m="));
  const control = /a=control:(\S+)/.exec(media)?.[1] ?? "";
  const setupUrl = /^rtsps?:\/\//.test(control) ? control : base + control;
  let transportHeader: string;
  if (transport === "udp") {
    const [rtp, rtcp] = await bindUdpPair(receiveBufferSize);
    sockets.push(rtp, rtcp);
    rtp.on("message", (m: Buffer) => onPacket(idx, m));
    rtcp.on("message", () => {});
    const p = rtp.address().port;
    transportHeader = `RTP/AVP;unicast;client_port=${p}-${p + 1}`;
  } else {
    c.onFrame = (ch, prefix) => {
      if (ch === 0) onPacket(idx, prefix);
    };
    transportHeader = "RTP/AVP/TCP;unicast;interleaved=0-1";
  }
  await c.request("SETUP", setupUrl, { Transport: transportHeader });
  await c.request("PLAY", base);
}

async function openRaw(idx: number, host: string, port: number): Promise<void> {
  if (transport === "udp") {
    const sock = await bindUdp(0, receiveBufferSize);
    sockets.push(sock);
    let acked = false;
    sock.on("message", (m: Buffer) => {
      if (m.length < BENCH_MIN_PACKET) acked = true;
      else onPacket(idx, m);
    });
    const t0 = Date.now();
    while (!acked) {
      if (Date.now() - t0 > 10000) throw new Error(`session ${idx}: floor did not ack`);
      sock.send("hello", port, host);
      await new Promise((r) => setTimeout(r, 100));
    }
  } else {
    const c = await RtspClient.connect(host, port);
    clients[idx] = c;
    c.onClose = () => closedSessions++;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`session ${idx}: floor did not ack`)), 10000);
      c.onFrame = (ch, prefix) => {
        if (ch === 0) onPacket(idx, prefix);
        else if (ch === 1) {
          clearTimeout(timer);
          resolve();
        }
      };
    });
  }
}

async function openAll(): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < sessions) {
      const idx = next++;
      if (raw !== undefined) {
        const i = raw.lastIndexOf(":");
        await openRaw(idx, raw.slice(0, i), Number(raw.slice(i + 1)));
      } else {
        await openRtsp(idx, new URL(args.get("url") ?? "rtsp://127.0.0.1:8554/bench"));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, sessions) }, worker));
  if (args.get("wait-packets") !== "false") {
    for (let i = 0; i < sessions; i++) await waitFirstPacket(i, 10000);
  }
}

function report(): string {
  let total = 0;
  let inWindow = 0;
  let minWindow = Infinity;
  let maxWindow = 0;
  for (let i = 0; i < sessions; i++) {
    total += received[i];
    inWindow += receivedInWindow[i];
    minWindow = Math.min(minWindow, receivedInWindow[i]);
    maxWindow = Math.max(maxWindow, receivedInWindow[i]);
  }
  let count = 0;
  for (let i = 0; i < HIST_SIZE; i++) count += hist[i];
  return JSON.stringify({
    sessions,
    received: total,
    receivedInWindow: inWindow,
    minSessionInWindow: minWindow,
    maxSessionInWindow: maxWindow,
    gaps,
    reorders,
    duplicates,
    closedSessions,
    latency: {
      count,
      p50Ms: percentile(0.5, count),
      p99Ms: percentile(0.99, count),
      maxMs: percentile(1, count),
    },
  });
}

serveStdin(
  (line) => {
    const [cmd, a, b] = line.split(" ");
    if (cmd === "window") {
      w0 = Number(a);
      w1 = Number(b);
      receivedInWindow.fill(0);
      hist.fill(0);
    } else if (cmd === "report") {
      say(`REPORT ${report()}`);
    }
  },
  maxSeconds,
  async () => {
    const live = clients.filter((c): c is RtspClient => c !== undefined);
    if (raw === undefined) {
      const base = args.get("url") ?? "";
      await Promise.race([
        Promise.all(live.map((c) => c.request("TEARDOWN", base, {}, "", false).catch(() => {}))),
        new Promise((r) => setTimeout(r, 500)),
      ]);
    }
    for (const c of live) c.close();
    for (const s of sockets) s.close();
  },
);

try {
  const t0 = Date.now();
  await openAll();
  say(`READY ${sessions} ${Date.now() - t0}`);
} catch (e) {
  console.error(`reader setup failed: ${(e as Error).stack ?? e}`);
  process.exit(2);
}
