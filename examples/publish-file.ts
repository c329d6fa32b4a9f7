/**
 * Publishes the H.264 and AAC tracks of an MPEG-TS file to an RTSP server with ANNOUNCE, SETUP
 * and RECORD, over TCP (interleaved) or UDP, at real-time pace.
 *
 * ```sh
 * deno run -A examples/publish-file.ts video.ts rtsp://127.0.0.1:8554/mystream
 * node --import tsx examples/publish-file.ts video.ts rtsp://127.0.0.1:8554/mystream --transport udp
 * bun examples/publish-file.ts video.ts rtsp://127.0.0.1:8554/mystream --loop --duration 30
 * ```
 *
 * Options: `--transport tcp|udp` (default tcp), `--fast` (send as fast as the socket takes it),
 * `--loop` (start again at the end of the file, timestamps keep increasing), `--duration S` (stop
 * after S seconds of media). The client is built from the library's own pieces: the RTSP parser
 * and serializer, the SDP formatter, the packetizers and RTP encoder, and the socket adapter of
 * the runtime (`detectNetAdapter()`). No authentication.
 *
 * @module
 */

import { readFile } from "node:fs/promises";
import process from "node:process";
import {
  encodeInterleavedFrame,
  encodeRequest,
  encodeRtp,
  formatSessionDescription,
  formatTransport,
  H264Format,
  Mpeg4AudioFormat,
  parseRtspUrl,
  parseSessionHeader,
  parseTransports,
  RtspHeaders,
  RtspParser,
} from "../mod.ts";
import type {
  Format,
  Media,
  NetAdapter,
  RtpPacket,
  RtspResponse,
  TcpConn,
  UdpSocket,
} from "../mod.ts";
import { detectNetAdapter } from "../src/adapters/auto.ts";
import { splitAnnexB } from "../src/formats/h264/annexb.ts";
import { H264Packetizer } from "../src/formats/h264/h264_packetizer.ts";
import { Mpeg4AudioPacketizer } from "../src/formats/mpeg4_audio/mpeg4_audio_packetizer.ts";
import { AAC_SAMPLE_RATES, type AdtsConfig, decodeAdts, MpegTsReader } from "../src/mpegts/mod.ts";

interface Args {
  file: string;
  url: string;
  transport: "tcp" | "udp";
  fast: boolean;
  loop: boolean;
  durationSeconds?: number;
}

function usage(message?: string): never {
  if (message) console.error(message);
  console.error(
    "Usage: publish-file.ts FILE.ts rtsp://HOST:PORT/PATH [--transport tcp|udp] [--fast] [--loop] [--duration S]",
  );
  process.exit(2);
}

function parseArgs(argv: string[]): Args {
  const positional: string[] = [];
  let transport = "tcp";
  let fast = false;
  let loop = false;
  let durationSeconds: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith("--") && arg.includes("=")
      ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
      : [arg, undefined];
    const value = () => inline ?? argv[++i] ?? usage(`${flag} needs a value`);
    if (flag === "--transport") transport = value();
    else if (flag === "--duration") durationSeconds = Number(value());
    else if (flag === "--fast") fast = true;
    else if (flag === "--loop") loop = true;
    else if (flag.startsWith("--")) usage(`unknown option ${flag}`);
    else positional.push(arg);
  }
  if (positional.length !== 2) usage();
  if (transport !== "tcp" && transport !== "udp") usage("--transport must be tcp or udp");
  if (durationSeconds !== undefined && !(durationSeconds > 0)) usage("--duration must be > 0");
  return {
    file: positional[0]!,
    url: positional[1]!,
    transport,
    fast,
    loop,
    durationSeconds,
  };
}

// ------------------------------------------------------------------ reading the file

const TIMESTAMP_MODULO = 8589934592; // MPEG-TS timestamps are 33-bit

/** One access unit (video) or one PES of AAC frames (audio); times in 90 kHz from the start. */
interface Unit {
  track: number;
  /** When it is sent: DTS for video, PTS for audio. */
  sendTime: number;
  pts: number;
  payloads: Uint8Array[];
}

interface FileTracks {
  units: Unit[];
  /** 90 kHz: one loop of the file. */
  loopDuration: number;
  video?: { sps?: Uint8Array; pps?: Uint8Array };
  audio?: AdtsConfig;
}

/** Demuxes the whole file into timed units of its first H.264 and first AAC track. */
function readFileTracks(bytes: Uint8Array): FileTracks {
  const reader = new MpegTsReader();
  const events = [...reader.push(bytes), ...reader.flush()];
  const videoTrack = reader.tracks.find((t) => t.codec === "H264");
  const audioTrack = reader.tracks.find((t) => t.codec === "AAC");
  if (!videoTrack && !audioTrack) throw new Error("Cannot publish file: no H.264 or AAC track");
  const raw: { video: boolean; dts: number; pts: number; payloads: Uint8Array[] }[] = [];
  let sps: Uint8Array | undefined;
  let pps: Uint8Array | undefined;
  let audio: AdtsConfig | undefined;
  for (const e of events) {
    if (e.kind !== "pes" || e.pts === undefined) continue;
    if (videoTrack && e.track.pid === videoTrack.pid) {
      let nalUnits: Uint8Array[];
      try {
        nalUnits = splitAnnexB(e.data).filter((n) => (n[0]! & 0x1f) !== 9); // no AUD over RTP
      } catch {
        continue;
      }
      for (const n of nalUnits) {
        if ((n[0]! & 0x1f) === 7) sps ??= n;
        if ((n[0]! & 0x1f) === 8) pps ??= n;
      }
      if (nalUnits.length > 0) {
        raw.push({ video: true, dts: e.dts ?? e.pts, pts: e.pts, payloads: nalUnits });
      }
    } else if (audioTrack && e.track.pid === audioTrack.pid) {
      let frames;
      try {
        frames = decodeAdts(e.data);
      } catch {
        continue;
      }
      if (frames.length === 0) continue;
      const f = frames[0]!;
      audio ??= {
        objectType: f.objectType,
        sampleRate: f.sampleRate,
        channelCount: f.channelCount,
      };
      raw.push({ video: false, dts: e.pts, pts: e.pts, payloads: frames.map((x) => x.data) });
    }
  }
  if (raw.length === 0) throw new Error("Cannot publish file: the tracks are empty");
  const hasVideo = raw.some((r) => r.video);
  const hasAudio = raw.some((r) => !r.video);
  const videoIndex = 0;
  const audioIndex = hasVideo ? 1 : 0;
  const first = Math.min(...raw.map((r) => r.dts));
  const rel = (t: number) => (t - first + TIMESTAMP_MODULO) % TIMESTAMP_MODULO;
  const units = raw.map((r) => ({
    track: r.video ? videoIndex : audioIndex,
    sendTime: rel(r.dts),
    pts: rel(r.pts),
    payloads: r.payloads,
  }));
  units.sort((a, b) => a.sendTime - b.sendTime);
  // A loop lasts until the end of the longest track: last unit plus one (mean) unit duration.
  let loopDuration = 0;
  for (const track of [videoIndex, audioIndex]) {
    const times = units.filter((u) => u.track === track).map((u) => u.sendTime);
    if (times.length === 0) continue;
    const last = times[times.length - 1]!;
    const step = times.length > 1 ? (last - times[0]!) / (times.length - 1) : 3600;
    loopDuration = Math.max(loopDuration, Math.round(last + step));
  }
  return {
    units,
    loopDuration,
    video: hasVideo ? { sps, pps } : undefined,
    audio: hasAudio ? audio : undefined,
  };
}

/** The 2-byte AudioSpecificConfig (ISO/IEC 14496-3 §1.6.2.1) of an ADTS stream. */
function audioSpecificConfig(c: AdtsConfig): Uint8Array {
  const index = AAC_SAMPLE_RATES.indexOf(c.sampleRate);
  const bits = (c.objectType << 11) | (index << 7) | (c.channelCount << 3);
  return new Uint8Array([bits >> 8, bits & 0xff]);
}

// ------------------------------------------------------------------ RTSP client connection

/** One RTSP connection: requests are sent one at a time; interleaved frames are ignored. */
class RtspClientConn {
  readonly #conn: TcpConn;
  readonly #parser = new RtspParser();
  #cseq = 0;
  #pending: { resolve: (r: RtspResponse) => void; reject: (e: Error) => void } | undefined;
  #closed: Error | undefined;
  session: string | undefined;

  /** @param onClose Called once when the connection closes, whoever closed it. */
  constructor(conn: TcpConn, onClose: (error: Error) => void) {
    this.#conn = conn;
    conn.start({
      onData: (chunk) => this.#onData(chunk),
      onEnd: () => conn.close(),
      onClose: (error) => {
        this.#fail(new Error(`connection closed${error ? `: ${error.message}` : ""}`));
        onClose(this.#closed!);
      },
    });
  }

  get conn(): TcpConn {
    return this.#conn;
  }

  #fail(error: Error): void {
    this.#closed ??= error;
    const p = this.#pending;
    this.#pending = undefined;
    p?.reject(error);
  }

  #onData(chunk: Uint8Array): void {
    try {
      this.#parser.push(chunk);
      for (let m = this.#parser.next(); m !== undefined; m = this.#parser.next()) {
        if (m.kind !== "response") continue; // RTCP receiver reports, server requests
        const session = m.response.headers.get("Session");
        if (session !== undefined) this.session ??= parseSessionHeader(session).id;
        const p = this.#pending;
        this.#pending = undefined;
        p?.resolve(m.response);
      }
    } catch (error) {
      this.#fail(error as Error);
      this.#conn.close();
    }
  }

  /** Sends one request and resolves with its response (any status), within `timeoutMs`. */
  request(
    method: string,
    url: string,
    headers: Record<string, string> = {},
    body = "",
    timeoutMs = 10_000,
  ): Promise<RtspResponse> {
    if (this.#closed) return Promise.reject(this.#closed);
    const h = new RtspHeaders({ CSeq: String(++this.#cseq), ...headers });
    h.set("User-Agent", "rtspkit-publish-file");
    if (this.session !== undefined) h.set("Session", this.session);
    const bytes = new TextEncoder().encode(body);
    if (bytes.byteLength > 0) h.set("Content-Length", String(bytes.byteLength));
    return new Promise<RtspResponse>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending = undefined;
        reject(new Error(`${method} ${url}: no response after ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending = {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.#conn.write(encodeRequest({ method, url, headers: h, body: bytes }));
    });
  }

  /** Like {@linkcode request} but rejects unless the status is 2xx. */
  async expectOk(
    method: string,
    url: string,
    headers?: Record<string, string>,
    body?: string,
  ): Promise<RtspResponse> {
    const res = await this.request(method, url, headers, body);
    if (res.statusCode < 200 || res.statusCode > 299) {
      throw new Error(`${method} ${url} answered ${res.statusCode} ${res.statusMessage}`);
    }
    return res;
  }

  close(): void {
    this.#conn.close();
  }
}

/** Binds an RTP socket on an even port and an RTCP socket on the next one. */
async function bindUdpPair(adapter: NetAdapter): Promise<[UdpSocket, UdpSocket]> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20000 + 2 * Math.floor(Math.random() * 20000);
    let rtp: UdpSocket | undefined;
    try {
      rtp = await adapter.bindUdp({ hostname: "0.0.0.0", port });
      const rtcp = await adapter.bindUdp({ hostname: "0.0.0.0", port: port + 1 });
      return [rtp, rtcp];
    } catch {
      rtp?.close();
    }
  }
  throw new Error("Cannot publish over UDP: no free even/odd port pair");
}

// ------------------------------------------------------------------ main

const args = parseArgs(process.argv.slice(2));
const data = await readFile(args.file);
const file = readFileTracks(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));

const medias: Media[] = [];
/** Per track: its media, format and a function turning a unit into RTP packets. */
const tracks: {
  media: Media;
  format: Format;
  packetize: (unit: Unit, offset: number) => RtpPacket[];
}[] = [];
if (file.video) {
  const format = new H264Format({
    payloadType: 96,
    packetizationMode: 1,
    sps: file.video.sps,
    pps: file.video.pps,
  });
  const packetizer = new H264Packetizer({ payloadType: 96 });
  const base = packetizer.ssrc; // any random start (RFC 3550 §5.1)
  const media: Media = { type: "video", isBackChannel: false, control: "", formats: [format] };
  medias.push(media);
  tracks.push({
    media,
    format,
    packetize: (unit, offset) =>
      packetizer.packetize(unit.payloads, (base + unit.pts + offset) >>> 0),
  });
}
if (file.audio) {
  const config = file.audio;
  const format = new Mpeg4AudioFormat({
    payloadType: 97,
    clockRate: config.sampleRate,
    channelCount: config.channelCount,
    config: audioSpecificConfig(config),
  });
  const packetizer = new Mpeg4AudioPacketizer({ payloadType: 97 });
  const base = packetizer.ssrc;
  const media: Media = { type: "audio", isBackChannel: false, control: "", formats: [format] };
  medias.push(media);
  tracks.push({
    media,
    format,
    packetize: (unit, offset) =>
      packetizer.packetize(
        unit.payloads,
        (base + Math.round((unit.pts + offset) * config.sampleRate / 90000)) >>> 0,
      ),
  });
}

const url = parseRtspUrl(args.url);
const adapter = await detectNetAdapter();
let tcp: TcpConn;
try {
  tcp = await adapter.connectTcp({ hostname: url.hostname, port: url.port ?? 554 });
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
let exiting = false;
const client = new RtspClientConn(tcp, (error) => {
  if (exiting) return;
  for (const s of udpSockets) s.close();
  console.error(`Cannot publish: ${error.message}`);
  process.exit(1);
});
const udpSockets: UdpSocket[] = [];
/** Per track: sends one encoded RTP packet. */
const senders: ((bytes: Uint8Array) => void)[] = [];

async function teardownAndExit(code: number, message?: string): Promise<never> {
  exiting = true;
  if (message) (code === 0 ? console.log : console.error)(message);
  if (client.session !== undefined) {
    // UDP datagrams race the TEARDOWN: give the last ones time to arrive.
    if (udpSockets.length > 0) await new Promise((r) => setTimeout(r, 200));
    await client.request("TEARDOWN", args.url, {}, "", 2000).catch(() => undefined);
  }
  client.close();
  for (const s of udpSockets) s.close();
  process.exit(code);
}

try {
  const sdp = formatSessionDescription({ title: "rtspkit publish-file", medias });
  await client.expectOk("ANNOUNCE", args.url, { "Content-Type": "application/sdp" }, sdp);
  const base = args.url.endsWith("/") ? args.url : args.url + "/";
  for (let i = 0; i < tracks.length; i++) {
    const setupUrl = `${base}trackID=${i}`;
    if (args.transport === "tcp") {
      const channel = 2 * i;
      const transport = formatTransport({
        protocol: "tcp",
        profile: "avp",
        delivery: "unicast",
        interleaved: [channel, channel + 1],
        mode: "record",
      });
      const res = await client.expectOk("SETUP", setupUrl, { Transport: transport });
      const got = parseTransports(res.headers.get("Transport") ?? "")[0];
      const ch = got?.interleaved?.[0] ?? channel;
      senders.push((bytes) => tcp.write(encodeInterleavedFrame(ch, bytes)));
    } else {
      const [rtp, rtcp] = await bindUdpPair(adapter);
      udpSockets.push(rtp, rtcp);
      rtp.start({ onMessage: () => {} });
      rtcp.start({ onMessage: () => {} }); // receiver reports are not used
      const transport = formatTransport({
        protocol: "udp",
        profile: "avp",
        delivery: "unicast",
        clientPorts: [rtp.addr.port, rtp.addr.port + 1],
        mode: "record",
      });
      const res = await client.expectOk("SETUP", setupUrl, { Transport: transport });
      const got = parseTransports(res.headers.get("Transport") ?? "")[0];
      if (got?.serverPorts === undefined) throw new Error("SETUP answered without server_port");
      const to = { hostname: tcp.remoteAddr.hostname, port: got.serverPorts[0] };
      senders.push((bytes) => void rtp.send(bytes, to));
    }
    if (client.session === undefined) throw new Error("SETUP answered without Session");
  }
  await client.expectOk("RECORD", args.url, { Range: "npt=0.000-" });
} catch (error) {
  await teardownAndExit(1, `Cannot publish: ${(error as Error).message}`);
}

console.log(
  `Publishing ${tracks.map((t) => t.format.codec).join(" + ")} from ${args.file} to ${args.url} ` +
    `over ${args.transport}${args.fast ? " (fast)" : ""}`,
);

const limit = args.durationSeconds === undefined ? Infinity : args.durationSeconds * 90000;
const counts = tracks.map(() => 0);
const start = performance.now();
let index = 0;
let loop = 0;
let timer: ReturnType<typeof setTimeout> | undefined;

/** Sends every unit that is due, then sleeps until the next one. */
function pump(): void {
  for (;;) {
    const unit = file.units[index]!;
    const offset = loop * file.loopDuration;
    const sendTime = unit.sendTime + offset;
    if (sendTime >= limit) return void teardownAndExit(0, summary());
    if (!args.fast) {
      const wait = (sendTime / 90000) * 1000 - (performance.now() - start);
      if (wait > 0) {
        timer = setTimeout(pump, wait);
        return;
      }
    } else if (tcp.bufferedAmount > 1 << 20) {
      timer = setTimeout(pump, 5);
      return;
    }
    const track = tracks[unit.track]!;
    for (const pkt of track.packetize(unit, offset)) senders[unit.track]!(encodeRtp(pkt));
    counts[unit.track]!++;
    if (++index === file.units.length) {
      index = 0;
      loop++;
      if (!args.loop) return void teardownAndExit(0, summary());
    }
    if (args.fast && index % 64 === 0) {
      timer = setTimeout(pump, 0); // let the connection breathe
      return;
    }
  }
}

function summary(): string {
  return `Published ${tracks.map((t, i) => `${counts[i]} ${t.format.codec} units`).join(", ")} in ${
    ((performance.now() - start) / 1000).toFixed(1)
  } s`;
}

function stop(): void {
  if (timer !== undefined) clearTimeout(timer);
  void teardownAndExit(0, `Stopped. ${summary()}`);
}
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
pump();
