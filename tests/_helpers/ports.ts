/**
 * Free-port helpers for end-to-end tests. A port found free can be taken by someone else before
 * the child binds it; callers pick ports right before spawning and each test file picks its own.
 */
import { createSocket } from "node:dgram";
import { createConnection, createServer } from "node:net";
import { withTimeout } from "./process.ts";

/** Returns a TCP port that was free on `host` a moment ago (bound to port 0, then released). */
export function freeTcpPort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, host, () => {
      const addr = server.address();
      const port = typeof addr === "object" && addr !== null ? addr.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error("no port assigned"))));
    });
  });
}

/** Tries to bind UDP `port` on `host`; resolves true if it could (the socket is released). */
function udpPortFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket("udp4");
    socket.once("error", () => {
      try {
        socket.close();
      } catch {
        // not bound
      }
      resolve(false);
    });
    socket.bind(port, host, () => socket.close(() => resolve(true)));
  });
}

/** Tries to bind TCP `port` on `host`; resolves true if it could (the listener is released). */
function tcpPortFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

// Ports handed out by this process, so two calls never return the same ones.
const handedOut = new Set<number>();

/**
 * Returns `[even, even + 1]`, a UDP pair free on `host` (and on 0.0.0.0, where servers bind),
 * both also free for TCP so the pair can never clash with a TCP port picked by {@linkcode freeTcpPort}.
 * Searches a random spot of 20000..59998.
 */
export async function freeUdpPortPair(host = "0.0.0.0"): Promise<[number, number]> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const rtp = 20000 + 2 * Math.floor(Math.random() * 20000);
    if (handedOut.has(rtp) || handedOut.has(rtp + 1)) continue;
    if (!(await udpPortFree(rtp, host)) || !(await udpPortFree(rtp + 1, host))) continue;
    if (!(await tcpPortFree(rtp, "127.0.0.1")) || !(await tcpPortFree(rtp + 1, "127.0.0.1"))) {
      continue;
    }
    handedOut.add(rtp);
    handedOut.add(rtp + 1);
    return [rtp, rtp + 1];
  }
  throw new Error("no free even/odd UDP port pair found");
}

/** Returns a free TCP port not handed out before by this process. */
export async function freeUniqueTcpPort(host = "127.0.0.1"): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await freeTcpPort(host);
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error("no fresh free TCP port found");
}

/** Resolves once a TCP connection to `host:port` succeeds; polls every `intervalMs`. */
export async function waitForTcpPort(
  host: string,
  port: number,
  timeoutMs: number,
  intervalMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = "";
  while (Date.now() < deadline) {
    const ok = await withTimeout(
      new Promise<boolean>((resolve) => {
        const socket = createConnection({ host, port });
        socket.once("connect", () => {
          socket.destroy();
          resolve(true);
        });
        socket.once("error", (e) => {
          lastError = e.message;
          socket.destroy();
          resolve(false);
        });
      }),
      Math.max(100, deadline - Date.now()),
      "connect attempt",
    ).catch(() => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`TCP ${host}:${port} not accepting after ${timeoutMs} ms (${lastError})`);
}
