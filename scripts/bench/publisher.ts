/**
 * Bench publisher: sends RTP at a fixed rate, either into an RTSP server (ANNOUNCE, SETUP,
 * RECORD over UDP or TCP interleaved) or as raw datagrams to a floor relay.
 *
 * ```sh
 * node --import tsx scripts/bench/publisher.ts --url rtsp://127.0.0.1:8554/bench --transport udp --rate 1000
 * node --import tsx scripts/bench/publisher.ts --raw 127.0.0.1:9000 --rate 1000
 * ```
 * Prints `READY` once sending; stdin commands: `window <t0> <t1>` (count packets whose send
 * time falls in [t0, t1) ms), `report` (prints `REPORT {json}`), `exit`.
 * @module
 */
import type dgram from "node:dgram";
import process from "node:process";
import { Buffer } from "node:buffer";
import { BENCH_SDP, makeBenchPacket, nowMs } from "./_packet.ts";
import { interleavedFrame, RtspClient, transportParams } from "./_rtsp_client.ts";
import { bindUdp, bindUdpPair } from "./_udp.ts";
import { numArg, parseArgs, say, serveStdin } from "./_child.ts";

const args = parseArgs(process.argv.slice(2));
const rate = numArg(args, "rate", 1000);
const payloadSize = numArg(args, "size", 1200);
const maxSeconds = numArg(args, "max-seconds", 120);
const transport = args.get("transport") ?? "udp";
const ssrc = 0x0b0b0b0b;

let sent = 0;
let sentInWindow = 0;
let dropped = 0;
let skipped = 0;
let baseUrl = "";
let window: [number, number] = [Infinity, Infinity];
let sendPacket: (pkt: Uint8Array) => void = () => {};
let flush: () => void = () => {};
let client: RtspClient | undefined;
const sockets: dgram.Socket[] = [];

async function setup(): Promise<void> {
  const raw = args.get("raw");
  if (raw !== undefined) {
    const [host, port] = [
      raw.slice(0, raw.lastIndexOf(":")),
      Number(raw.slice(raw.lastIndexOf(":") + 1)),
    ];
    const sock = await bindUdp(0);
    sockets.push(sock);
    sendPacket = (pkt) => sock.send(pkt, port, host);
    return;
  }
  const url = new URL(args.get("url") ?? "rtsp://127.0.0.1:8554/bench");
  client = await RtspClient.connect(url.hostname, Number(url.port || 554));
  client.onClose = (e) => {
    console.error(`publisher connection closed: ${e?.message}`);
    process.exit(2);
  };
  const base = url.href.replace(/\/$/, "");
  baseUrl = base;
  await client.request("ANNOUNCE", base, { "Content-Type": "application/sdp" }, BENCH_SDP);
  if (transport === "udp") {
    const [rtp, rtcp] = await bindUdpPair();
    sockets.push(rtp, rtcp);
    rtcp.on("message", () => {});
    rtp.on("message", () => {});
    const port = rtp.address().port;
    const res = await client.request("SETUP", `${base}/trackID=0`, {
      Transport: `RTP/AVP/UDP;unicast;client_port=${port}-${port + 1};mode=record`,
    });
    const serverPort = Number(
      transportParams(res.headers.get("transport") ?? "").get("server_port")?.split("-")[0],
    );
    if (!(serverPort > 0)) throw new Error(`no server_port in ${res.headers.get("transport")}`);
    sendPacket = (pkt) => rtp.send(pkt, serverPort, url.hostname);
  } else {
    await client.request("SETUP", `${base}/trackID=0`, {
      Transport: "RTP/AVP/TCP;unicast;interleaved=0-1;mode=record",
    });
    const batch: Uint8Array[] = [];
    sendPacket = (pkt) => {
      batch.push(interleavedFrame(0, pkt));
    };
    flush = () => {
      if (batch.length === 0) return;
      const c = client!;
      if (c.socket.writableLength > 4 << 20) {
        dropped += batch.length;
      } else {
        c.write(batch.length === 1 ? batch[0] : Buffer.concat(batch));
      }
      batch.length = 0;
    };
  }
  await client.request("RECORD", base);
}

function startSending(): void {
  if (rate <= 0) return;
  const start = nowMs();
  const maxBurst = Math.max(8, rate / 100); // never catch up more than 10 ms at once
  let slot = 0;
  let seq = Math.floor(Math.random() * 65536);
  const tick = () => {
    const t = nowMs();
    const due = Math.floor(((t - start) * rate) / 1000) + 1;
    let n = due - slot;
    if (n > maxBurst) {
      skipped += n - maxBurst; // a stalled event loop: these slots are not sent at all
      n = maxBurst;
    }
    slot = due;
    while (n-- > 0) {
      const pkt = makeBenchPacket(seq, sent, ssrc, payloadSize, t);
      seq = (seq + 1) & 0xffff;
      sendPacket(pkt);
      if (t >= window[0] && t < window[1]) sentInWindow++;
      sent++;
    }
    flush();
  };
  setInterval(tick, 1);
}

serveStdin(
  (line) => {
    const [cmd, a, b] = line.split(" ");
    if (cmd === "window") {
      window = [Number(a), Number(b)];
      sentInWindow = 0;
    } else if (cmd === "report") {
      say(`REPORT ${JSON.stringify({ sent, sentInWindow, dropped, skipped, rate })}`);
    }
  },
  maxSeconds,
  async () => {
    if (client !== undefined) {
      await Promise.race([
        client.request("TEARDOWN", baseUrl, {}, "", false).catch(() => {}),
        new Promise((r) => setTimeout(r, 300)),
      ]);
      client.close();
    }
    for (const s of sockets) s.close();
  },
);

try {
  await setup();
  startSending();
  say("READY");
} catch (e) {
  console.error(`publisher setup failed: ${(e as Error).stack ?? e}`);
  process.exit(2);
}
