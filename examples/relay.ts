/**
 * A relay: one publisher (ANNOUNCE/RECORD) is relayed to every reader (DESCRIBE/SETUP/PLAY).
 *
 * ```sh
 * deno run -A examples/relay.ts            # or: bun examples/relay.ts, node --import tsx examples/relay.ts
 * ffmpeg -re -f lavfi -i testsrc=size=320x240:rate=25 -c:v libx264 -pix_fmt yuv420p -g 25 \
 *   -f rtsp -rtsp_transport tcp rtsp://127.0.0.1:8554/mystream
 * ffplay -rtsp_transport tcp rtsp://127.0.0.1:8554/mystream
 * ```
 *
 * Ports: RTSP 8554 (`--port` or `RTSP_PORT`), UDP 8000/8001 (`--rtp-port` or `RTP_PORT`; RTCP is
 * the next port), multicast 224.1.0.0/16 on 8002/8003 (`--multicast-rtp-port` or
 * `MULTICAST_RTP_PORT`). A new publisher replaces the old one; readers get 404 until someone
 * publishes; when the publisher leaves, its stream closes and readers are disconnected.
 *
 * @module
 */

import process from "node:process";
import { Server, ServerStream } from "../mod.ts";
import type { ServerConn, ServerSession } from "../mod.ts";

function option(flag: string, env: string, fallback: number): number {
  const argv = process.argv;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === flag && i + 1 < argv.length) return Number(argv[i + 1]);
    if (arg.startsWith(flag + "=")) return Number(arg.slice(flag.length + 1));
  }
  const value = process.env[env];
  return value === undefined || value === "" ? fallback : Number(value);
}

const rtspPort = option("--port", "RTSP_PORT", 8554);
const rtpPort = option("--rtp-port", "RTP_PORT", 8000);
const multicastRtpPort = option("--multicast-rtp-port", "MULTICAST_RTP_PORT", 8002);

let stream: ServerStream | undefined;
let publisher: ServerSession | undefined;
let publisherConn: ServerConn | undefined;

const server: Server = new Server({
  rtspAddress: `:${rtspPort}`,
  udpRtpAddress: `:${rtpPort}`,
  udpRtcpAddress: `:${rtpPort + 1}`,
  multicastIpRange: "224.1.0.0/16",
  multicastRtpPort,
  multicastRtcpPort: multicastRtpPort + 1,
  handler: {
    // A UDP publisher's session would outlive its connection until the read timeout (SPEC §3.2);
    // a relay treats the end of the publisher's connection as the publisher leaving.
    onConnClose({ conn }) {
      if (conn === publisherConn) {
        publisherConn = undefined;
        publisher?.close();
      }
    },
    onSessionClose({ session }) {
      if (session === publisher) {
        publisher = undefined;
        const old = stream;
        stream = undefined;
        old?.close();
      }
    },
    onDescribe() {
      if (stream === undefined) return { response: { statusCode: 404 } };
      return { response: { statusCode: 200 }, stream };
    },
    onAnnounce({ session, description }) {
      const oldPublisher = publisher;
      const oldStream = stream;
      publisher = session;
      publisherConn = undefined;
      stream = new ServerStream({ server, desc: description });
      stream.initialize();
      oldStream?.close();
      oldPublisher?.close();
      return { response: { statusCode: 200 } };
    },
    onSetup({ session }) {
      if (session.state() === "preRecord") return { response: { statusCode: 200 } };
      if (stream === undefined) return { response: { statusCode: 404 } };
      return { response: { statusCode: 200 }, stream };
    },
    onPlay() {
      return { response: { statusCode: 200 } };
    },
    onRecord({ session, conn }) {
      const target = stream;
      if (session !== publisher || target === undefined) return { response: { statusCode: 400 } };
      publisherConn = conn;
      session.onPacketRtpAny((media, _format, pkt) => {
        if (!target.closed) target.writePacketRtp(media, pkt);
      });
      return { response: { statusCode: 200 } };
    },
    onPause() {
      return { response: { statusCode: 200 } };
    },
  },
});

await server.start();
console.log(`Relay ready: rtsp://127.0.0.1:${server.address().port}/mystream`);

let closing = false;
function shutdown(): void {
  if (closing) return;
  closing = true;
  server.close().then(() => process.exit(0), () => process.exit(1));
}
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
