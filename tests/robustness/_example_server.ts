/**
 * Helpers of the security e2e tests (tests/e2e/auth_test.ts, tests/e2e/rtsps_test.ts): start an
 * example other than examples/relay.ts as a child process on the test's runtime, and probe it
 * with a raw DESCRIBE that can carry Basic credentials and go over TLS.
 */
import { createConnection, type Socket } from "node:net";
import { join } from "node:path";
import process from "node:process";
import { connect as connectTls } from "node:tls";
import { pickRelayPorts, type Relay, REPO_ROOT } from "../e2e/harness.ts";
import {
  type ChildProcessHandle,
  runtimeCommand,
  runtimeName,
  spawnProcess,
  withTimeout,
} from "../_helpers/process.ts";
import { waitForTcpPort } from "../_helpers/ports.ts";

/** A running example: the harness's {@linkcode Relay} plus how it is reached. */
export interface ExampleServer extends Relay {
  scheme: "rtsp" | "rtsps";
  /** URL of `path` with `user:pass@` credentials. */
  urlWith(path: string, user: string, pass: string): string;
}

/**
 * Starts `examples/<name>` with fresh ports (passed as flags and environment like the harness
 * does for the relay) and `env`, waits for its ready line and for the RTSP port.
 */
export async function startExample(
  name: string,
  options: { env?: Record<string, string>; tls?: boolean; deadlineMs: number },
): Promise<ExampleServer> {
  const ports = await pickRelayPorts();
  const script = join(REPO_ROOT, "examples", name);
  const { command, args } = runtimeCommand(script, ["--port", String(ports.rtspPort)]);
  const child = spawnProcess(command, args, {
    name: `${name}(${runtimeName()})`,
    cwd: REPO_ROOT,
    env: {
      PATH: `${join(REPO_ROOT, "node_modules", ".bin")}:${process.env.PATH ?? ""}`,
      NO_COLOR: "1",
      RTSP_PORT: String(ports.rtspPort),
      RTP_PORT: String(ports.rtpPort),
      MULTICAST_RTP_PORT: String(ports.multicastRtpPort),
      ...options.env,
    },
    deadlineMs: options.deadlineMs,
  });
  try {
    await child.waitForOutput(/ready/i, 20_000);
    await waitForTcpPort("127.0.0.1", ports.rtspPort, 10_000);
  } catch (e) {
    await child.kill();
    throw e;
  }
  const scheme = options.tls ? "rtsps" : "rtsp";
  return {
    ...ports,
    scheme,
    process: child,
    url: (path) => `${scheme}://127.0.0.1:${ports.rtspPort}${path}`,
    urlWith: (path, user, pass) =>
      `${scheme}://${encodeURIComponent(user)}:${
        encodeURIComponent(pass)
      }@127.0.0.1:${ports.rtspPort}${path}`,
  };
}

/** A relay object whose `url()` carries credentials, for the harness's reader helpers. */
export function withCredentials(server: ExampleServer, user: string, pass: string): Relay {
  return { ...server, url: (path) => server.urlWith(path, user, pass) };
}

/**
 * Sends one raw DESCRIBE (Basic credentials when given, TLS when the server is RTSPS) and
 * resolves with the status code, 0 when the connection failed or closed without one.
 */
export function describeStatusWith(
  server: ExampleServer,
  path: string,
  credentials?: { user: string; pass: string },
  timeoutMs = 3000,
): Promise<number> {
  const url = server.url(path);
  let request = `DESCRIBE ${url} RTSP/1.0\r\nCSeq: 1\r\nAccept: application/sdp\r\n`;
  if (credentials !== undefined) {
    request += `Authorization: Basic ${btoa(`${credentials.user}:${credentials.pass}`)}\r\n`;
  }
  request += "\r\n";
  return withTimeout(
    new Promise<number>((resolve) => {
      let text = "";
      const opts = { host: "127.0.0.1", port: server.rtspPort };
      const onConnect = () => socket.write(request);
      const socket: Socket = server.scheme === "rtsps"
        ? connectTls({ ...opts, rejectUnauthorized: false }, onConnect)
        : createConnection(opts, onConnect);
      socket.setEncoding("utf8");
      socket.on("data", (chunk: string) => {
        text += chunk;
        const m = text.match(/^RTSP\/1\.0 (\d{3})/);
        if (m && text.includes("\r\n\r\n")) {
          socket.destroy();
          resolve(Number(m[1]));
        }
      });
      socket.on("error", () => resolve(0));
      socket.on("close", () => resolve(0));
    }),
    timeoutMs,
    `DESCRIBE ${url}`,
  ).catch(() => 0);
}

/** Polls DESCRIBE until it answers 200; rejects after `timeoutMs` or when `publisher` exits. */
export async function waitForStreamWith(
  server: ExampleServer,
  path: string,
  timeoutMs: number,
  publisher: ChildProcessHandle | undefined,
  credentials?: { user: string; pass: string },
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 0;
  while (Date.now() < deadline) {
    if (publisher?.exitResult) {
      throw new Error(
        `publisher exited (code ${publisher.exitResult.code}) before ${path} was readable\n` +
          `${publisher.describeOutput()}\n${server.process.describeOutput()}`,
      );
    }
    last = await describeStatusWith(server, path, credentials);
    if (last === 200) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `DESCRIBE ${path} still answers ${last} after ${timeoutMs} ms\n` +
      `${publisher?.describeOutput() ?? ""}\n${server.process.describeOutput()}`,
  );
}
