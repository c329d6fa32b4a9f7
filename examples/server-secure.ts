/**
 * An RTSPS relay (SPEC §7.2): the relay of examples/relay.ts behind TLS. Every RTSP connection
 * is encrypted. Medias are offered as `RTP/SAVP` with a MIKEY key: clients that speak SRTP
 * (GStreamer, Axis-style clients) get SRTP interleaved in the TLS connection or, when UDP ports
 * are given, over UDP; others (ffmpeg) use plain `RTP/AVP/TCP` inside the TLS connection. Plain
 * RTP over UDP would leak the media of an encrypted session, so the server refuses it (461).
 *
 * ```sh
 * deno run -A examples/server-secure.ts --cert cert.pem --key key.pem   # or bun / node --import tsx
 * ffmpeg -re -f lavfi -i testsrc=size=320x240:rate=25 -c:v libx264 -pix_fmt yuv420p -g 25 \
 *   -f rtsp -rtsp_transport tcp rtsps://127.0.0.1:8322/mystream
 * ffplay -rtsp_transport tcp rtsps://127.0.0.1:8322/mystream
 * gst-launch-1.0 rtspsrc location=rtsps://127.0.0.1:8322/mystream protocols=tcp \
 *   tls-validation-flags=0 ! decodebin ! autovideosink
 * ```
 *
 * Port: 8322 (`--port`/`RTSP_PORT`). SRTP over UDP: `--rtp-port`/`RTP_PORT` (even; RTCP on the
 * next port), off by default. Certificate chain and private key, PEM files:
 * `--cert`/`TLS_CERT_FILE` and `--key`/`TLS_KEY_FILE`. Without them the example falls back to
 * the test certificate of tests/testdata/tls/ (for `localhost` and `127.0.0.1`, signed by a test
 * CA whose key is public: never use it outside tests) when that file exists, and exits otherwise.
 *
 * @module
 */

import { existsSync, readFileSync } from "node:fs";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { H264Depacketizer, H264Packetizer, Server } from "../mod.ts";
import type { Format, Media, RtpPacket } from "../mod.ts";
import { closeOnSignals, optionalPortSetting, portSetting, setting } from "./_cli.ts";
import { relayHandler } from "./_relay_handler.ts";

const rtspPort = portSetting("--port", "RTSP_PORT", 8322);
const rtpPort = optionalPortSetting("--rtp-port", "RTP_PORT", true);

const testCert = fileURLToPath(new URL("../tests/testdata/tls/server_cert.pem", import.meta.url));
const testKey = fileURLToPath(new URL("../tests/testdata/tls/server_key.pem", import.meta.url));
let certFile = setting("--cert", "TLS_CERT_FILE");
let keyFile = setting("--key", "TLS_KEY_FILE");
if (
  certFile === undefined && keyFile === undefined && existsSync(testCert) && existsSync(testKey)
) {
  certFile = testCert;
  keyFile = testKey;
  console.warn("tls: using the TEST certificate of tests/testdata/tls/ (its CA key is public)");
}
if (certFile === undefined || keyFile === undefined) {
  console.error("tls: give both --cert and --key (or TLS_CERT_FILE and TLS_KEY_FILE)");
  process.exit(2);
}
const tls = { cert: readFileSync(certFile, "utf8"), key: readFileSync(keyFile, "utf8") };

/** Largest plain RTP packet a stream can protect: 1472 minus the SRTP tag. */
const SRTP_MAX_PACKET_SIZE = 1472 - 10;

/**
 * SRTP adds a 10-byte tag, so the stream takes RTP packets of at most 1462 bytes while publishers
 * (ffmpeg) send up to 1472: H264 is re-packetized to fit, other formats pass unchanged. One
 * fitter per publisher, since re-packetizing keeps state across packets.
 */
function srtpFitter(): (media: Media, format: Format, pkt: RtpPacket) => RtpPacket[] {
  const repacketizers = new Map<number, (pkt: RtpPacket) => RtpPacket[]>();
  return (_media, format, pkt) => {
    if (format.codec !== "H264") return [pkt];
    let repacketize = repacketizers.get(format.payloadType);
    if (repacketize === undefined) {
      const depacketizer = new H264Depacketizer();
      const packetizer = new H264Packetizer({
        payloadType: format.payloadType,
        maxPacketSize: SRTP_MAX_PACKET_SIZE,
      });
      repacketize = (p) =>
        depacketizer.depacketize(p).flatMap((au) =>
          packetizer.packetize(au.nalUnits, au.timestamp)
        );
      repacketizers.set(format.payloadType, repacketize);
    }
    return repacketize(pkt);
  };
}

const server: Server = new Server({
  rtspAddress: `:${rtspPort}`,
  tls,
  ...(rtpPort === undefined
    ? {}
    : { udpRtpAddress: `:${rtpPort}`, udpRtcpAddress: `:${rtpPort + 1}` }),
  handler: relayHandler(() => server, { forwarder: srtpFitter }),
});

await server.start();
console.log(`RTSPS relay ready: rtsps://127.0.0.1:${server.address().port}/mystream`);
closeOnSignals(() => server.close());
