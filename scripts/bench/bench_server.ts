/**
 * The relay under test: a {@linkcode Server} with one {@linkcode ServerStream} per announced
 * path, fed by the publisher's session (the shape of examples/relay.ts, with ports from the
 * command line and bench hooks on stdin). Runs unchanged on deno, bun and node.
 *
 * ```sh
 * deno run -A --unstable-net scripts/bench/bench_server.ts --udp-rtp-port 30000
 * bun scripts/bench/bench_server.ts --udp-rtp-port 30000
 * node --import tsx scripts/bench/bench_server.ts --udp-rtp-port 30000
 * ```
 * Prints `READY {"rtsp":port}`; stdin `gc` runs a full GC when exposed and prints
 * `GC {"heapUsed":…,"rss":…,…,"sessions":…}` (process.memoryUsage(), the engine's heap figures
 * and the server's connection and session counts); `snapshot <path>` writes a V8 heap snapshot
 * (Deno, Node); `exit`.
 * @module
 */
import process from "node:process";
import v8 from "node:v8";
import { Server, type ServerSession, ServerStream } from "../../src/server/mod.ts";
import { numArg, parseArgs, say, serveStdin } from "./_child.ts";

/** Bun's `bun:jsc` (loaded only on Bun): JSC heap and allocator figures. */
type Jsc = {
  heapStats(): { heapSize: number; heapCapacity: number; extraMemorySize: number };
  memoryUsage(): { current: number; currentCommit: number };
};
const jsc: Jsc | undefined = "Bun" in globalThis ? await import("bun:jsc" as string) : undefined;

/**
 * Where the memory is, beyond process.memoryUsage(): V8 (Deno, Node) reports the heap's
 * committed size, code space and malloc'ed memory; JSC (Bun) its heap capacity and, from its
 * allocator, the bytes in use and committed.
 */
function heapDetail(): Record<string, number> {
  if (jsc !== undefined) {
    const h = jsc.heapStats();
    const m = jsc.memoryUsage();
    return {
      jscHeapSize: h.heapSize,
      jscHeapCapacity: h.heapCapacity,
      jscExtra: h.extraMemorySize,
      mallocCurrent: m.current,
      mallocCommit: m.currentCommit,
    };
  }
  const h = v8.getHeapStatistics();
  const out: Record<string, number> = {
    v8Physical: h.total_physical_size,
    v8Malloced: h.malloced_memory,
    v8Executable: h.total_heap_size_executable,
  };
  try {
    for (const s of v8.getHeapSpaceStatistics()) {
      if (s.space_size > 0) out[`space_${s.space_name}`] = s.space_size;
    }
  } catch {
    // Not every runtime has space statistics.
  }
  return out;
}

const args = parseArgs(process.argv.slice(2));
const rtpPort = numArg(args, "udp-rtp-port", 0);
const host = args.get("host") ?? "127.0.0.1";

const streams = new Map<string, { stream: ServerStream; publisher: ServerSession }>();

const server: Server = new Server({
  rtspAddress: `${host}:${numArg(args, "rtsp-port", 0)}`,
  ...(rtpPort > 0
    ? { udpRtpAddress: `${host}:${rtpPort}`, udpRtcpAddress: `${host}:${rtpPort + 1}` }
    : {}),
  handler: {
    onDescribe: ({ path }) => {
      const entry = streams.get(path);
      return entry === undefined
        ? { response: { statusCode: 404 } }
        : { response: { statusCode: 200 }, stream: entry.stream };
    },
    onAnnounce: ({ path, session, description }) => {
      if (streams.has(path)) {
        return { response: { statusCode: 400 }, error: new Error("path busy") };
      }
      const stream = new ServerStream({ server, desc: description });
      stream.initialize();
      streams.set(path, { stream, publisher: session });
      return { response: { statusCode: 200 } };
    },
    onSetup: ({ path, session }) => {
      if (session.state() === "preRecord") return { response: { statusCode: 200 } };
      const entry = streams.get(path);
      return entry === undefined
        ? { response: { statusCode: 404 } }
        : { response: { statusCode: 200 }, stream: entry.stream };
    },
    onPlay: () => ({ response: { statusCode: 200 } }),
    onRecord: ({ path, session }) => {
      const stream = streams.get(path)?.stream;
      if (stream === undefined) return { response: { statusCode: 400 } };
      session.onPacketRtpAny((media, _format, pkt) => stream.writePacketRtp(media, pkt));
      return { response: { statusCode: 200 } };
    },
    onSessionClose: ({ session }) => {
      for (const [path, entry] of streams) {
        if (entry.publisher === session) {
          streams.delete(path);
          entry.stream.close();
        }
      }
    },
    // The default handlers log; a loaded bench must not spend its time printing.
    onStreamWriteError: () => {},
    onPacketsLost: () => {},
    onDecodeError: () => {},
  },
});

serveStdin(
  (line) => {
    if (line === "gc") {
      const g = globalThis as unknown as { gc?: () => void; Bun?: { gc(force: boolean): void } };
      for (let i = 0; i < 3; i++) {
        if (g.Bun !== undefined) g.Bun.gc(true);
        else g.gc?.();
      }
      const { connections, sessions } = server.stats();
      say(
        `GC ${
          JSON.stringify({ ...process.memoryUsage(), ...heapDetail(), connections, sessions })
        }`,
      );
    } else if (line.startsWith("snapshot ")) {
      say(`SNAPSHOT ${v8.writeHeapSnapshot(line.slice(9))}`);
    }
  },
  numArg(args, "max-seconds", 300),
  () => server.close(),
);

await server.start();
say(`READY ${JSON.stringify({ rtsp: server.address().port })}`);
