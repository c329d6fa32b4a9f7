/**
 * Raw floor relay: the runtime's own socket API forwarding every datagram received on the input
 * socket to N registered destinations, with no RTSP/RTP logic. It is what the library's relay
 * is compared against (same packets, same readers, same runtime).
 *
 * - UDP readers register by sending any datagram to the `udp` port (answered with `ok` from the
 *   input socket, whose send buffer is never full);
 *   each input datagram is sent unchanged to every registered reader
 *   (Bun `udpSocket.sendMany`, Node `dgram.send`, Deno `listenDatagram` send with `Promise.all`).
 * - TCP readers connect to the `tcp` port (answered with an empty frame on channel 1); each
 *   input datagram is framed once (`$` 0 len) and written to every connection, one buffer per
 *   connection per packet, partial writes resumed, at most 256 frames queued per connection.
 *   With `--gather`, frames are not written at once: one zero-delay timer per turn writes each
 *   connection's frames of every packet read meanwhile as one write (Node cork/uncork; Bun and
 *   Deno one concatenated buffer), the strategy of the library's WriteQueue.
 *
 * ```sh
 * deno run -A --unstable-net scripts/bench/floor_server.ts   # or: bun …, node --import tsx …
 * ```
 * Prints `READY {"in":p,"udp":p,"tcp":p}`; stdin `stats` prints `STATS {json}`; `exit`.
 * @module
 */
import process from "node:process";
import { say, serveStdin } from "./_child.ts";

const HOST = "127.0.0.1";
const GATHER = process.argv.includes("--gather");
const MAX_QUEUED = 256;
const ACK = new Uint8Array([0x24, 1, 0, 0]);
const stats = {
  input: 0,
  udpSent: 0,
  udpDropped: 0,
  tcpWritten: 0,
  tcpDropped: 0,
  udpReaders: 0,
  tcpReaders: 0,
};

function concat(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  let n = 0;
  for (const c of chunks) n += c.length;
  const out = new Uint8Array(n);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}

/** Calls `flush` once in the next macrotask however often it is asked in this turn. */
function gatherer(flush: () => void): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const run = () => {
    timer = undefined;
    flush();
  };
  return () => {
    timer ??= setTimeout(run, 0);
  };
}

function frame(pkt: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + pkt.length);
  out[0] = 0x24;
  out[1] = 0;
  out[2] = pkt.length >> 8;
  out[3] = pkt.length & 0xff;
  out.set(pkt, 4);
  return out;
}

// ---- Bun ------------------------------------------------------------------------------------
interface BunUdp {
  port: number;
  send(data: Uint8Array | string, port: number, address: string): boolean;
  sendMany(packets: (Uint8Array | number | string)[]): number;
}
interface BunTcp {
  write(data: Uint8Array): number;
  data: { queue: Uint8Array[] };
  setNoDelay?(on: boolean): void;
}
interface BunApi {
  udpSocket(o: {
    hostname: string;
    port: number;
    socket: {
      data(s: BunUdp, buf: Uint8Array, port: number, address: string): void;
      drain?(s: BunUdp): void;
    };
  }): Promise<BunUdp>;
  listen(o: {
    hostname: string;
    port: number;
    socket: {
      open(s: BunTcp): void;
      data(s: BunTcp, d: Uint8Array): void;
      drain(s: BunTcp): void;
      close(s: BunTcp): void;
    };
  }): { port: number };
}

async function runBun(bun: BunApi): Promise<Record<string, number>> {
  const flat: (Uint8Array | number | string)[] = [];
  const seen = new Set<string>();
  const conns = new Set<BunTcp>();
  const writeTcp = (s: BunTcp, buf: Uint8Array) => {
    const q = s.data.queue;
    if (q.length > 0) {
      if (q.length >= MAX_QUEUED) stats.tcpDropped++;
      else q.push(buf);
      return;
    }
    const n = s.write(buf);
    if (n < buf.length) q.push(buf.subarray(Math.max(n, 0)));
    stats.tcpWritten++;
  };
  const gathered = new Map<BunTcp, Uint8Array[]>();
  const scheduleBun = gatherer(() => {
    for (const [c, frames] of gathered) {
      if (conns.has(c)) writeTcp(c, concat(frames));
    }
    gathered.clear();
  });
  const acker: { from?: BunUdp } = {}; // acks leave from the input socket: `out` may be full
  const out = await bun.udpSocket({
    hostname: HOST,
    port: 0,
    socket: {
      data(_s, _buf, port, address) {
        const key = `${address}:${port}`;
        if (!seen.has(key)) {
          seen.add(key);
          flat.push(ACK, port, address);
          stats.udpReaders++;
        }
        acker.from?.send("ok", port, address);
      },
    },
  });
  const input = await bun.udpSocket({
    hostname: HOST,
    port: 0,
    socket: {
      data(_s, buf) {
        stats.input++;
        const n = flat.length / 3;
        if (n > 0) {
          for (let i = 0; i < flat.length; i += 3) flat[i] = buf;
          const sent = out.sendMany(flat);
          stats.udpSent += sent;
          stats.udpDropped += n - sent;
        }
        if (conns.size > 0) {
          const f = frame(buf);
          if (GATHER) {
            for (const c of conns) gathered.get(c)?.push(f) ?? gathered.set(c, [f]);
            scheduleBun();
          } else {
            for (const c of conns) writeTcp(c, f);
          }
        }
      },
    },
  });
  acker.from = input;
  const listener = bun.listen({
    hostname: HOST,
    port: 0,
    socket: {
      open(s) {
        s.data = { queue: [] };
        s.setNoDelay?.(true);
        conns.add(s);
        stats.tcpReaders++;
        s.write(ACK);
      },
      data() {},
      drain(s) {
        const q = s.data.queue;
        while (q.length > 0) {
          const buf = q[0];
          const n = s.write(buf);
          if (n < buf.length) {
            q[0] = buf.subarray(Math.max(n, 0));
            return;
          }
          q.shift();
        }
      },
      close(s) {
        conns.delete(s);
      },
    },
  });
  return { in: input.port, udp: out.port, tcp: listener.port };
}

// ---- Deno -----------------------------------------------------------------------------------
interface DenoAddr {
  transport: "udp" | "tcp";
  hostname: string;
  port: number;
}
interface DenoDatagramConn extends AsyncIterable<[Uint8Array, DenoAddr]> {
  addr: DenoAddr;
  send(data: Uint8Array, addr: DenoAddr): Promise<number>;
}
interface DenoConn {
  write(data: Uint8Array): Promise<number>;
  setNoDelay(on: boolean): void;
  close(): void;
  readable: ReadableStream<Uint8Array>;
}
interface DenoApi {
  listenDatagram(o: { hostname: string; port: number; transport: "udp" }): DenoDatagramConn;
  listen(o: { hostname: string; port: number }): AsyncIterable<DenoConn> & { addr: DenoAddr };
}

function runDeno(deno: DenoApi): Record<string, number> {
  const input = deno.listenDatagram({ hostname: HOST, port: 0, transport: "udp" });
  const out = deno.listenDatagram({ hostname: HOST, port: 0, transport: "udp" });
  const dests: DenoAddr[] = [];
  const seen = new Set<string>();
  type State = { conn: DenoConn; queue: Uint8Array[]; writing: boolean; closed: boolean };
  const conns = new Set<State>();
  let inFlight = 0;
  const pump = async (s: State) => {
    s.writing = true;
    try {
      while (s.queue.length > 0 && !s.closed) {
        const buf = GATHER ? concat(s.queue.splice(0)) : s.queue.shift()!;
        let off = 0;
        while (off < buf.length) off += await s.conn.write(buf.subarray(off));
        stats.tcpWritten++;
      }
    } catch {
      s.closed = true;
      conns.delete(s);
    } finally {
      s.writing = false;
    }
  };
  const scheduleDeno = gatherer(() => {
    for (const s of conns) if (!s.writing && s.queue.length > 0) void pump(s);
  });
  (async () => {
    for await (const [, addr] of out) {
      const key = `${addr.hostname}:${addr.port}`;
      if (!seen.has(key)) {
        seen.add(key);
        dests.push(addr);
        stats.udpReaders++;
      }
      input.send(new TextEncoder().encode("ok"), addr).catch(() => {});
    }
  })().catch((e) => console.error(e));
  (async () => {
    for await (const [data] of input) {
      stats.input++;
      if (dests.length > 0) {
        if (inFlight >= 64) stats.udpDropped += dests.length;
        else {
          inFlight++;
          Promise.all(dests.map((d) => out.send(data, d))).then(
            () => {
              stats.udpSent += dests.length;
              inFlight--;
            },
            () => inFlight--,
          );
        }
      }
      if (conns.size > 0) {
        const f = frame(data);
        for (const s of conns) {
          if (s.queue.length >= MAX_QUEUED) stats.tcpDropped++;
          else {
            s.queue.push(f);
            if (GATHER) scheduleDeno();
            else if (!s.writing) void pump(s);
          }
        }
      }
    }
  })().catch((e) => console.error(e));
  const listener = deno.listen({ hostname: HOST, port: 0 });
  (async () => {
    for await (const conn of listener) {
      conn.setNoDelay(true);
      const s: State = { conn, queue: [ACK], writing: false, closed: false };
      conns.add(s);
      stats.tcpReaders++;
      void pump(s);
      (async () => {
        const reader = conn.readable.getReader();
        try {
          while (!(await reader.read()).done) { /* discard */ }
        } catch { /* reset */ }
        s.closed = true;
        conns.delete(s);
      })();
    }
  })().catch((e) => console.error(e));
  return { in: input.addr.port, udp: out.addr.port, tcp: listener.addr.port };
}

// ---- Node -----------------------------------------------------------------------------------
async function runNode(): Promise<Record<string, number>> {
  const dgram = await import("node:dgram");
  const net = await import("node:net");
  // BENCH_FLOOR_LOOKUP=literal: resolve IP literals at once, as the library's Node adapter does
  // (node:dgram's default lookup answers even a literal a tick later); for comparison runs.
  const options: import("node:dgram").SocketOptions = { type: "udp4" };
  if (process.env.BENCH_FLOOR_LOOKUP === "literal") {
    options.lookup = (host, _options, cb) => cb(null, host, 4);
  }
  const bind = (): Promise<import("node:dgram").Socket> =>
    new Promise((resolve, reject) => {
      const s = dgram.createSocket(options);
      s.once("error", reject);
      s.bind(0, HOST, () => resolve(s));
    });
  const input = await bind();
  const out = await bind();
  const dests: { port: number; address: string }[] = [];
  const seen = new Set<string>();
  const conns = new Set<import("node:net").Socket>();
  const gathered = new Map<import("node:net").Socket, Uint8Array[]>();
  const scheduleNode = gatherer(() => {
    for (const [c, frames] of gathered) {
      if (!conns.has(c)) continue;
      c.cork();
      for (const f of frames) c.write(f);
      c.uncork();
      stats.tcpWritten++;
    }
    gathered.clear();
  });
  out.on("message", (_m, r) => {
    const key = `${r.address}:${r.port}`;
    if (!seen.has(key)) {
      seen.add(key);
      dests.push({ port: r.port, address: r.address });
      stats.udpReaders++;
    }
    input.send("ok", r.port, r.address);
  });
  out.on("error", () => {});
  input.on("message", (m) => {
    stats.input++;
    for (let i = 0; i < dests.length; i++) out.send(m, dests[i].port, dests[i].address);
    stats.udpSent += dests.length;
    if (conns.size > 0) {
      const f = frame(m);
      for (const c of conns) {
        if (c.writableLength > MAX_QUEUED * f.length) stats.tcpDropped++;
        else if (GATHER) {
          gathered.get(c)?.push(f) ?? gathered.set(c, [f]);
          scheduleNode();
        } else {
          c.write(f);
          stats.tcpWritten++;
        }
      }
    }
  });
  const server = net.createServer((sock) => {
    sock.setNoDelay(true);
    conns.add(sock);
    stats.tcpReaders++;
    sock.write(ACK);
    sock.on("data", () => {});
    sock.on("error", () => {});
    sock.on("close", () => conns.delete(sock));
  });
  await new Promise<void>((r) => server.listen(0, HOST, r));
  const addr = server.address() as { port: number };
  return { in: input.address().port, udp: out.address().port, tcp: addr.port };
}

// ---- main -----------------------------------------------------------------------------------
const g = globalThis as unknown as { Bun?: BunApi; Deno?: DenoApi };
serveStdin((line) => {
  if (line === "stats") say(`STATS ${JSON.stringify(stats)}`);
}, Number(process.env.BENCH_MAX_SECONDS ?? 120));
const ports = g.Bun !== undefined
  ? await runBun(g.Bun)
  : g.Deno !== undefined
  ? runDeno(g.Deno)
  : await runNode();
say(`READY ${JSON.stringify(ports)}`);
