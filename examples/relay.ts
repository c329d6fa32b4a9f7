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
 * publishes; when the publisher leaves, its stream closes and readers are disconnected (the
 * handler is in examples/_relay_handler.ts, shared with server-auth.ts and server-secure.ts).
 *
 * @module
 */

import { Server } from "../mod.ts";
import { closeOnSignals, portSetting } from "./_cli.ts";
import { relayHandler } from "./_relay_handler.ts";

const rtspPort = portSetting("--port", "RTSP_PORT", 8554);
const rtpPort = portSetting("--rtp-port", "RTP_PORT", 8000, true);
const multicastRtpPort = portSetting("--multicast-rtp-port", "MULTICAST_RTP_PORT", 8002, true);

const server: Server = new Server({
  rtspAddress: `:${rtspPort}`,
  udpRtpAddress: `:${rtpPort}`,
  udpRtcpAddress: `:${rtpPort + 1}`,
  multicastIpRange: "224.1.0.0/16",
  multicastRtpPort,
  multicastRtcpPort: multicastRtpPort + 1,
  handler: relayHandler(() => server),
});

await server.start();
console.log(`Relay ready: rtsp://127.0.0.1:${server.address().port}/mystream`);
closeOnSignals(() => server.close());
