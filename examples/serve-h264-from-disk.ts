/**
 * Serves the H.264 track of an MPEG-TS file to every reader, looping at real-time pace with
 * timestamps that keep increasing across loops.
 *
 * ```sh
 * deno run -A examples/serve-h264-from-disk.ts video.ts --port 8554
 * node --import tsx examples/serve-h264-from-disk.ts video.ts      # RTSP_PORT=8554 also works
 * bun examples/serve-h264-from-disk.ts video.ts
 * ffplay -rtsp_transport tcp rtsp://127.0.0.1:8554/
 * ```
 *
 * The adapter is picked from the runtime (Deno, Bun or Node) by `Server`.
 *
 * @module
 */

import { readFile } from "node:fs/promises";
import process from "node:process";
import { H264Format, Server, ServerStream } from "../mod.ts";
import type { Media } from "../mod.ts";
import { splitAnnexB } from "../src/formats/h264/annexb.ts";
import { H264Packetizer } from "../src/formats/h264/h264_packetizer.ts";
import { MpegTsReader } from "../src/mpegts/mod.ts";

/** One H.264 access unit of the file, timestamps relative to the first DTS (90 kHz). */
interface Unit {
  pts: number;
  dts: number;
  nalUnits: Uint8Array[];
}

const TIMESTAMP_MODULO = 8589934592; // MPEG-TS timestamps are 33-bit

interface Args {
  file: string;
  port: number;
  rtpPort: number;
  multicastRtpPort: number;
}

function parseArgs(argv: string[]): Args {
  let file: string | undefined;
  const ports: Record<string, number> = {
    "--port": Number(process.env.RTSP_PORT || 8554),
    "--rtp-port": Number(process.env.RTP_PORT || 8000),
    "--multicast-rtp-port": Number(process.env.MULTICAST_RTP_PORT || 8002),
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.split("=", 2) as [string, string | undefined];
    if (flag in ports) ports[flag] = Number(inline ?? argv[++i]);
    else file = arg;
  }
  const valid = Object.values(ports).every((p) => Number.isInteger(p) && p >= 0 && p <= 65535);
  if (file === undefined || !valid) {
    console.error(
      "Usage: serve-h264-from-disk.ts FILE.ts [--port N] [--rtp-port N] [--multicast-rtp-port N]\n" +
        "       (or RTSP_PORT, RTP_PORT, MULTICAST_RTP_PORT; RTP ports are even, RTCP is +1)",
    );
    process.exit(2);
  }
  return {
    file,
    port: ports["--port"],
    rtpPort: ports["--rtp-port"],
    multicastRtpPort: ports["--multicast-rtp-port"],
  };
}

/** Demuxes the whole file and returns its H.264 access units and parameter sets. */
function readH264(bytes: Uint8Array): { units: Unit[]; sps?: Uint8Array; pps?: Uint8Array } {
  const reader = new MpegTsReader();
  const events = [...reader.push(bytes), ...reader.flush()];
  const track = reader.tracks.find((t) => t.codec === "H264");
  if (!track) throw new Error("Cannot serve file: no H.264 track");
  const units: Unit[] = [];
  let sps: Uint8Array | undefined;
  let pps: Uint8Array | undefined;
  let first: number | undefined;
  for (const e of events) {
    if (e.kind !== "pes" || e.track.pid !== track.pid || e.pts === undefined) continue;
    let nalUnits: Uint8Array[];
    try {
      nalUnits = splitAnnexB(e.data);
    } catch {
      continue;
    }
    // Access unit delimiters are not sent over RTP.
    nalUnits = nalUnits.filter((n) => (n[0]! & 0x1f) !== 9);
    for (const n of nalUnits) {
      if ((n[0]! & 0x1f) === 7) sps ??= n;
      if ((n[0]! & 0x1f) === 8) pps ??= n;
    }
    if (nalUnits.length === 0) continue;
    const dts = e.dts ?? e.pts;
    first ??= dts;
    units.push({
      pts: (e.pts - first + TIMESTAMP_MODULO) % TIMESTAMP_MODULO,
      dts: (dts - first + TIMESTAMP_MODULO) % TIMESTAMP_MODULO,
      nalUnits,
    });
  }
  if (units.length === 0) throw new Error("Cannot serve file: the H.264 track is empty");
  return { units, sps, pps };
}

const { file, port, rtpPort, multicastRtpPort } = parseArgs(process.argv.slice(2));
const data = await readFile(file);
const { units, sps, pps } = readH264(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
// One loop lasts until the last DTS plus one frame (the mean frame duration).
const loopDuration = units.length > 1
  ? Math.round(units[units.length - 1]!.dts * units.length / (units.length - 1))
  : 3600;

const format = new H264Format({ payloadType: 96, packetizationMode: 1, sps, pps });
const media: Media = { type: "video", isBackChannel: false, control: "", formats: [format] };
/** Set right after `server.start()`; the handlers answer 503 before (never observed in practice). */
const ready: { stream?: ServerStream } = {};

const server = new Server({
  rtspAddress: `:${port}`,
  udpRtpAddress: `:${rtpPort}`,
  udpRtcpAddress: `:${rtpPort + 1}`,
  multicastIpRange: "224.1.0.0/16",
  multicastRtpPort,
  multicastRtcpPort: multicastRtpPort + 1,
  handler: {
    onDescribe: () =>
      ready.stream
        ? { response: { statusCode: 200 }, stream: ready.stream }
        : { response: { statusCode: 503 } },
    onSetup: () =>
      ready.stream
        ? { response: { statusCode: 200 }, stream: ready.stream }
        : { response: { statusCode: 503 } },
    onPlay: () => ({ response: { statusCode: 200 } }),
  },
});
await server.start();
// Created right after start(), before any connection callback can run: DESCRIBE always finds it.
const stream = new ServerStream({ server, desc: { medias: [media] } });
stream.initialize();
ready.stream = stream;
console.log(
  `Serving ${units.length} H.264 access units of ${file} on rtsp://127.0.0.1:${server.address().port}/`,
);

const packetizer = new H264Packetizer({ payloadType: format.payloadType, maxPacketSize: 1472 });
const rtpBase = packetizer.ssrc; // any random start (RFC 3550 §5.1)
const start = performance.now();
let index = 0;
let loop = 0;
let timer: ReturnType<typeof setTimeout> | undefined;

/** Sends every access unit that is due, then sleeps until the next one. */
function pump(): void {
  for (;;) {
    const unit = units[index]!;
    const offset = loop * loopDuration;
    const dueMs = ((unit.dts + offset) / 90000) * 1000;
    const now = performance.now() - start;
    if (dueMs > now) {
      timer = setTimeout(pump, dueMs - now);
      return;
    }
    const timestamp = (rtpBase + unit.pts + offset) >>> 0;
    try {
      for (const pkt of packetizer.packetize(unit.nalUnits, timestamp)) {
        stream.writePacketRtp(media, pkt);
      }
    } catch (error) {
      console.error("Write failed:", error);
      shutdown();
      return;
    }
    if (++index === units.length) {
      index = 0;
      loop++;
    }
  }
}

let closing = false;
function shutdown(): void {
  if (closing) return;
  closing = true;
  if (timer !== undefined) clearTimeout(timer);
  stream.close();
  server.close().catch((error) => console.error(error));
}

process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
pump();
