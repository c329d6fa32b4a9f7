/**
 * An RTSPS relay (SPEC §7.2): the relay of examples/relay.ts behind TLS. Every RTSP connection
 * is encrypted; media goes interleaved in the TLS connection (`RTP/AVP/TCP`). Plain RTP over
 * UDP would leak the media of an encrypted session, so the server refuses it (461), and SRTP
 * (`RTP/SAVP`) is not implemented yet, so no UDP ports are opened.
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
 * Port: 8322 (`--port`/`RTSP_PORT`). Certificate chain and private key, PEM files:
 * `--cert`/`TLS_CERT_FILE` and `--key`/`TLS_KEY_FILE`. Without them the example falls back to
 * the test certificate of tests/testdata/tls/ (for `localhost` and `127.0.0.1`, signed by a test
 * CA whose key is public: never use it outside tests) when that file exists, and exits otherwise.
 *
 * @module
 */

import { existsSync, readFileSync } from "node:fs";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { Server, ServerStream } from "../mod.ts";
import type { ServerSession } from "../mod.ts";

function flag(name: string): string | undefined {
  const argv = process.argv;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === name && i + 1 < argv.length) return argv[i + 1];
    if (arg.startsWith(name + "=")) return arg.slice(name.length + 1);
  }
  return undefined;
}

function setting(name: string, env: string): string | undefined {
  const value = flag(name) ?? process.env[env];
  return value === undefined || value === "" ? undefined : value;
}

const portText = setting("--port", "RTSP_PORT") ?? "8322";
const rtspPort = Number(portText);
if (!Number.isInteger(rtspPort) || rtspPort < 0 || rtspPort > 65535) {
  throw new RangeError(`Invalid --port: ${portText}`);
}

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

let stream: ServerStream | undefined;
let publisher: ServerSession | undefined;

const server: Server = new Server({
  rtspAddress: `:${rtspPort}`,
  tls,
  handler: {
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
    onRecord({ session }) {
      const target = stream;
      if (session !== publisher || target === undefined) return { response: { statusCode: 400 } };
      session.onPacketRtpAny((media, _format, pkt) => {
        if (target.closed) return;
        try {
          target.writePacketRtp(media, pkt);
        } catch {
          // Larger than maxPacketSize (TCP publishers may send up to 64 KiB): drop it.
        }
      });
      return { response: { statusCode: 200 } };
    },
    onPause() {
      return { response: { statusCode: 200 } };
    },
  },
});

await server.start();
console.log(`RTSPS relay ready: rtsps://127.0.0.1:${server.address().port}/mystream`);

let closing = false;
function shutdown(): void {
  if (closing) return;
  closing = true;
  server.close().then(() => process.exit(0), () => process.exit(1));
}
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
