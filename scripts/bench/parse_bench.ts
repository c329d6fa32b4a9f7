/**
 * Micro-benchmark of the wire codecs: RTSP requests/s through `RtspParser` (whole buffers of
 * requests, and the same bytes in 1400-byte TCP-like chunks), interleaved RTP frames/s through
 * the parser, and RTP packets/s through `decodeRtp` / `encodeRtp` (fresh allocation and into a
 * caller's buffer). Runs unchanged on deno, bun and node.
 *
 * ```sh
 * deno run -A scripts/bench/parse_bench.ts     # or: bun …, node --import tsx …
 * ```
 * Prints one line per figure and a final `PARSE [json lines]` for the harness.
 * @module
 */
import process from "node:process";
import { RtspParser } from "../../src/rtsp/mod.ts";
import { decodeRtp, encodeRtp } from "../../src/rtp/mod.ts";

const quick = process.argv.includes("--quick");
const SECONDS = quick ? 0.3 : 1;
const sink: unknown[] = [];

/** Runs `fn` (which does `unit` operations per call) for SECONDS after a warm-up; ops/s. */
function measure(fn: () => void, unit: number): number {
  const warm = performance.now();
  while (performance.now() - warm < SECONDS * 300) fn();
  let ops = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < SECONDS * 1000) {
    fn();
    ops += unit;
    t = performance.now();
  }
  return ops / ((t - t0) / 1000);
}

const enc = new TextEncoder();
const REQUEST = enc.encode(
  "SETUP rtsp://127.0.0.1:8554/bench/trackID=0 RTSP/1.0\r\n" +
    "CSeq: 3\r\n" +
    "User-Agent: Lavf60.16.100\r\n" +
    "Transport: RTP/AVP/UDP;unicast;client_port=5000-5001\r\n" +
    "Session: 0d9f2c6a4b1e4f0a9c3d5e7f8a9b0c1d\r\n" +
    "\r\n",
);
const BATCH = 200;
const many = new Uint8Array(REQUEST.length * BATCH);
for (let i = 0; i < BATCH; i++) many.set(REQUEST, i * REQUEST.length);
const chunks: Uint8Array[] = [];
for (let off = 0; off < many.length; off += 1400) chunks.push(many.subarray(off, off + 1400));

function parseAll(parts: Uint8Array[]): void {
  const parser = new RtspParser();
  let n = 0;
  for (const part of parts) {
    parser.push(part);
    for (let m = parser.next(); m !== undefined; m = parser.next()) n++;
  }
  if (n !== BATCH) throw new Error(`parsed ${n} of ${BATCH}`);
}

const RTP_PAYLOAD = 1200;
const rtpBytes = new Uint8Array(12 + RTP_PAYLOAD);
rtpBytes.set([0x80, 96, 0x12, 0x34, 0, 0, 0x10, 0, 0x0b, 0x0b, 0x0b, 0x0b, 0x41]);
const FRAMES = 100;
const frames = new Uint8Array((4 + rtpBytes.length) * FRAMES);
for (let i = 0; i < FRAMES; i++) {
  const off = i * (4 + rtpBytes.length);
  frames.set([0x24, 0, rtpBytes.length >> 8, rtpBytes.length & 0xff], off);
  frames.set(rtpBytes, off + 4);
}
const frameChunks: Uint8Array[] = [];
for (let off = 0; off < frames.length; off += 65536) {
  frameChunks.push(frames.subarray(off, off + 65536));
}
const decoded = decodeRtp(rtpBytes);
const out = new Uint8Array(rtpBytes.length);

const lines: string[] = [];
const report = (label: string, perS: number, unit: string) => {
  const line = `${label}: ${
    perS >= 1e6 ? (perS / 1e6).toFixed(2) + "M" : (perS / 1e3).toFixed(0) + "k"
  } ${unit}/s`;
  lines.push(line);
  console.log(line);
};

report(
  `RtspParser, SETUP requests (${REQUEST.length} B) in one buffer`,
  measure(() => parseAll([many]), BATCH),
  "requests",
);
report(
  "RtspParser, same requests in 1400 B chunks",
  measure(() => parseAll(chunks), BATCH),
  "requests",
);
report(
  "RtspParser, interleaved 1212 B RTP frames in 64 KiB chunks",
  measure(() => {
    const parser = new RtspParser();
    let n = 0;
    for (const c of frameChunks) {
      parser.push(c);
      for (let m = parser.next(); m !== undefined; m = parser.next()) n++;
    }
    if (n !== FRAMES) throw new Error(`parsed ${n} frames of ${FRAMES}`);
  }, FRAMES),
  "frames",
);
report(
  "decodeRtp, 1212 B packet",
  measure(() => {
    sink[0] = decodeRtp(rtpBytes);
  }, 1),
  "packets",
);
report(
  "encodeRtp, new buffer",
  measure(() => {
    sink[0] = encodeRtp(decoded);
  }, 1),
  "packets",
);
report(
  "encodeRtp, into a caller buffer",
  measure(() => {
    sink[0] = encodeRtp(decoded, out, 0);
  }, 1),
  "packets",
);
console.log(`PARSE ${JSON.stringify(lines)}`);
