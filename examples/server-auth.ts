/**
 * A relay with authentication (SPEC §7.1): publishing and reading need separate credentials.
 * One publisher (ANNOUNCE/RECORD) is relayed to every reader (DESCRIBE/SETUP/PLAY).
 *
 * ```sh
 * PUBLISH_USER=cam PUBLISH_PASS=s3cret READ_USER=viewer READ_PASS=hunter2 \
 *   deno run -A examples/server-auth.ts        # or: bun ..., node --import tsx ...
 * ffmpeg -re -f lavfi -i testsrc=size=320x240:rate=25 -c:v libx264 -pix_fmt yuv420p -g 25 \
 *   -f rtsp -rtsp_transport tcp rtsp://cam:s3cret@127.0.0.1:8554/mystream
 * ffplay -rtsp_transport tcp rtsp://viewer:hunter2@127.0.0.1:8554/mystream
 * ```
 *
 * Credentials: `--publish-user`/`PUBLISH_USER` (default `publisher`), `--publish-pass`/
 * `PUBLISH_PASS` (default `publisher-pass`), `--read-user`/`READ_USER` (default `reader`),
 * `--read-pass`/`READ_PASS` (default `reader-pass`). Prefer the environment: flags are visible
 * to every user of the host in the process list. The defaults are for trying the example only;
 * a warning is printed while any of them is in use.
 *
 * Methods offered: `--auth-methods`/`AUTH_METHODS`, a comma-separated subset of `basic`,
 * `digest-md5`, `digest-sha256` (default `basic,digest-md5`; ffmpeg cannot do SHA-256).
 * Basic sends the password in clear: use it only over RTSPS or a trusted network.
 *
 * Ports as in examples/relay.ts: RTSP 8554 (`--port`/`RTSP_PORT`), UDP 8000/8001
 * (`--rtp-port`/`RTP_PORT`), multicast 224.1.0.0/16 on 8002/8003 (`--multicast-rtp-port`/
 * `MULTICAST_RTP_PORT`).
 *
 * Readers are checked in DESCRIBE and SETUP, publishers in ANNOUNCE. A request without
 * credentials gets 401 with one challenge per method; wrong credentials get a bare 401 and the
 * connection is closed. The answer is the same whether the user or the password was wrong.
 * A digest nonce lives 5 minutes (`--nonce-lifetime-ms`/`NONCE_LIFETIME_MS`, the server option
 * `authNonceLifetimeMs`); after that, right credentials get a 401 with a fresh nonce and
 * `stale=true`, which ffmpeg and GStreamer retry without asking. An IP that sends wrong
 * credentials 5 times within a minute (`--auth-max-failures`/`AUTH_MAX_FAILURES`, 0 = off; the
 * option `authMaxFailures`) is locked out for a minute (`authFailureWindowMs`,
 * `authLockoutMs`); `server.stats().failedLogins` and `throttledLogins` count both.
 *
 * @module
 */

import { Server, ServerAuthError } from "../mod.ts";
import type { AuthMethod, HandlerResult, RtspRequest, ServerConn } from "../mod.ts";
import { closeOnSignals, intSetting, portSetting, setting } from "./_cli.ts";
import { relayHandler } from "./_relay_handler.ts";

const defaultsInUse: string[] = [];

function text(name: string, env: string, fallback: string): string {
  const value = setting(name, env);
  if (value !== undefined) return value;
  defaultsInUse.push(env);
  return fallback;
}

function authMethods(): AuthMethod[] {
  const value = setting("--auth-methods", "AUTH_METHODS") ?? "basic,digest-md5";
  const methods = value.split(",").map((m) => m.trim()).filter((m) => m !== "");
  for (const m of methods) {
    if (m !== "basic" && m !== "digest-md5" && m !== "digest-sha256") {
      throw new RangeError(`Invalid --auth-methods: "${m}"`);
    }
  }
  if (methods.length === 0) throw new RangeError("Invalid --auth-methods: empty");
  return methods as AuthMethod[];
}

const rtspPort = portSetting("--port", "RTSP_PORT", 8554);
const nonceLifetimeMs = intSetting("--nonce-lifetime-ms", "NONCE_LIFETIME_MS", 5 * 60_000);
const authMaxFailures = intSetting("--auth-max-failures", "AUTH_MAX_FAILURES", 5);
const rtpPort = portSetting("--rtp-port", "RTP_PORT", 8000, true);
const multicastRtpPort = portSetting("--multicast-rtp-port", "MULTICAST_RTP_PORT", 8002, true);
const publishCredentials = {
  user: text("--publish-user", "PUBLISH_USER", "publisher"),
  pass: text("--publish-pass", "PUBLISH_PASS", "publisher-pass"),
};
const readCredentials = {
  user: text("--read-user", "READ_USER", "reader"),
  pass: text("--read-pass", "READ_PASS", "reader-pass"),
};

/**
 * Undefined when `request` carries `credentials`; otherwise the 401 that makes the server
 * challenge (no credentials) or close the connection (wrong credentials).
 */
function refuse(
  conn: ServerConn,
  request: RtspRequest,
  credentials: { user: string; pass: string },
): HandlerResult | undefined {
  if (conn.verifyCredentials(request, credentials.user, credentials.pass)) return undefined;
  if (request.headers.has("Authorization")) {
    // Never log what was sent: a mistyped password is often another valid one.
    console.warn(`auth: ${request.method} refused for ${conn.remoteAddress.hostname}`);
  }
  return { response: { statusCode: 401 }, error: new ServerAuthError() };
}

const server: Server = new Server({
  rtspAddress: `:${rtspPort}`,
  udpRtpAddress: `:${rtpPort}`,
  udpRtcpAddress: `:${rtpPort + 1}`,
  multicastIpRange: "224.1.0.0/16",
  multicastRtpPort,
  multicastRtcpPort: multicastRtpPort + 1,
  authMethods: authMethods(),
  authNonceLifetimeMs: nonceLifetimeMs,
  authMaxFailures,
  authFailureWindowMs: 60_000,
  authLockoutMs: 60_000,
  handler: relayHandler(() => server, {
    authorize: (role, conn, request) =>
      refuse(conn, request, role === "publish" ? publishCredentials : readCredentials),
  }),
});

await server.start();
if (defaultsInUse.length > 0) {
  console.warn(`auth: default credentials in use (set ${defaultsInUse.join(", ")})`);
}
console.log(`Relay with authentication ready: rtsp://127.0.0.1:${server.address().port}/mystream`);

closeOnSignals(() => server.close());
