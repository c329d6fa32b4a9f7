/** Runs ffprobe for tests: node:child_process only, killed under a deadline. */
import { spawn, spawnSync } from "node:child_process";

/** Whether ffprobe is on the PATH. */
export function hasFfprobe(): boolean {
  try {
    return spawnSync("ffprobe", ["-version"], { timeout: 5000 }).status === 0;
  } catch {
    return false;
  }
}

export interface ProbePacket {
  streamIndex: number;
  pts: number;
  dts: number;
  key: boolean;
  size: number;
}

export interface ProbeResult {
  streams: { codec: string; sampleRate?: number; channels?: number }[];
  packets: ProbePacket[];
  errors: string;
}

/** Probes an MPEG-TS given on stdin; rejects after `timeoutMs`, killing the child. */
export function probe(input: Uint8Array, timeoutMs = 20000): Promise<ProbeResult> {
  return new Promise((resolve, reject) => {
    const child = spawn("ffprobe", [
      "-v",
      "error",
      "-f",
      "mpegts",
      "-show_entries",
      "packet=stream_index,pts,dts,flags,size:stream=index,codec_name,sample_rate,channels",
      "-of",
      "json",
      "-i",
      "pipe:0",
    ], { stdio: ["pipe", "pipe", "pipe"] });
    const out: Uint8Array[] = [];
    const err: Uint8Array[] = [];
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error("ffprobe timed out"));
    }, timeoutMs);
    child.stdout.on("data", (c: Uint8Array) => out.push(c));
    child.stderr.on("data", (c: Uint8Array) => err.push(c));
    child.stdin.on("error", () => {});
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", () => {
      clearTimeout(timer);
      const text = new TextDecoder().decode(concat(out));
      try {
        // deno-lint-ignore no-explicit-any
        const json = JSON.parse(text) as { streams: any[]; packets: any[] };
        resolve({
          streams: json.streams.map((s) => ({
            codec: s.codec_name,
            sampleRate: s.sample_rate ? Number(s.sample_rate) : undefined,
            channels: s.channels,
          })),
          packets: (json.packets ?? []).map((p) => ({
            streamIndex: p.stream_index,
            pts: Number(p.pts),
            dts: Number(p.dts),
            key: String(p.flags).startsWith("K"),
            size: Number(p.size),
          })),
          errors: new TextDecoder().decode(concat(err)),
        });
      } catch (e) {
        reject(e);
      }
    });
    child.stdin.end(input);
  });
}

function concat(chunks: Uint8Array[]): Uint8Array {
  let size = 0;
  for (const c of chunks) size += c.byteLength;
  const out = new Uint8Array(size);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.byteLength;
  }
  return out;
}
