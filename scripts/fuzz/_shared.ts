/** Helpers shared by the fuzzer rounds (scripts/fuzz/fuzzer.ts and scripts/fuzz/savp.ts). */
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import process from "node:process";
import type { Server } from "../../src/server/server.ts";
import type { ServerHandler } from "../../src/server/server_handler.ts";
import type { ServerSession } from "../../src/server/server_session.ts";
import { ServerStream } from "../../src/server/server_stream.ts";
import type { FuzzClient } from "./client.ts";

/** Adds `n` to the count of `key`. */
export function bump(map: Record<string, number>, key: string, n = 1): void {
  map[key] = (map[key] ?? 0) + n;
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A UDP socket on 127.0.0.1 and a free port; errors after the bind are ignored. */
export function bindUdp(onMessage: () => void = () => {}): Promise<UdpSocket> {
  return new Promise((resolve, reject) => {
    const s = createSocket("udp4");
    s.once("error", reject);
    s.on("message", onMessage);
    s.bind(0, "127.0.0.1", () => {
      s.off("error", reject);
      s.on("error", () => {});
      resolve(s);
    });
  });
}

/**
 * Records every exception that escapes to the process (uncaught or an unhandled rejection) in
 * `failures`, until the returned function is called.
 */
export function recordUncaught(failures: string[]): () => void {
  const onUncaught = (e: unknown) => {
    failures.push(`unhandled error: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
  };
  process.on("uncaughtException", onUncaught);
  process.on("unhandledRejection", onUncaught);
  return () => {
    process.off("uncaughtException", onUncaught);
    process.off("unhandledRejection", onUncaught);
  };
}

/** What a run counts of the server's replies and its own errors. */
export interface ReplyCounts {
  /** Responses by status code. */
  responses: Record<string, number>;
  /** Requests answered 500 and exceptions that escaped the server's socket callbacks. */
  internalErrors: string[];
}

/**
 * The handler hooks that count responses by status in `report`, and keep in it (up to 20) the
 * requests answered 500 and the exceptions that escaped the server's socket callbacks.
 */
export function replyCountingHooks(
  report: ReplyCounts,
): Required<Pick<ServerHandler, "onRequest" | "onResponse" | "onConnClose">> {
  const lastRequest = new WeakMap<object, string>();
  return {
    onRequest(conn, req) {
      lastRequest.set(conn, `${req.method} ${req.url.slice(0, 200)}`);
    },
    onResponse(conn, res) {
      bump(report.responses, String(res.statusCode));
      if (res.statusCode === 500 && report.internalErrors.length < 20) {
        report.internalErrors.push(lastRequest.get(conn) ?? "?");
      }
    },
    onConnClose({ error }) {
      if (error?.message.includes("handler failed") && report.internalErrors.length < 20) {
        // An exception escaped the server's socket callbacks: the adapter caught it.
        const cause = (error as Error & { cause?: unknown }).cause;
        report.internalErrors.push(
          cause instanceof Error ? cause.stack ?? cause.message : error.message,
        );
      }
    },
  };
}

/**
 * The handler hooks that serve the fixture: DESCRIBE and reader SETUPs get `fixture.stream`, an
 * ANNOUNCE gets a new stream of `server()` kept in `announced` until its session closes, and
 * PLAY, PAUSE, GET_PARAMETER and SET_PARAMETER are answered 200.
 */
export function fixtureHooks(
  fixture: { stream?: ServerStream },
  announced: Map<ServerSession, ServerStream>,
  server: () => Server,
): Required<
  Pick<
    ServerHandler,
    | "onSessionClose"
    | "onDescribe"
    | "onAnnounce"
    | "onSetup"
    | "onPlay"
    | "onPause"
    | "onGetParameter"
    | "onSetParameter"
  >
> {
  return {
    onSessionClose({ session }) {
      announced.get(session)?.close();
      announced.delete(session);
    },
    onDescribe: () => ({ response: { statusCode: 200 }, stream: fixture.stream }),
    onAnnounce({ session, description }) {
      const stream = new ServerStream({ server: server(), desc: description });
      stream.initialize();
      announced.set(session, stream);
      return { response: { statusCode: 200 } };
    },
    onSetup({ session }) {
      if (session.state() === "preRecord") return { response: { statusCode: 200 } };
      return { response: { statusCode: 200 }, stream: fixture.stream };
    },
    onPlay: () => ({ response: { statusCode: 200 } }),
    onPause: () => ({ response: { statusCode: 200 } }),
    onGetParameter: () => ({ response: { statusCode: 200, body: "ok" } }),
    onSetParameter: () => ({ response: { statusCode: 200 } }),
  };
}

/**
 * Asks for OPTIONS and DESCRIBE of `${base}/health` as a normal client would, over a connection
 * from `connect`. Returns what went wrong, or undefined when both were answered 200.
 */
export async function checkHealth(
  connect: () => Promise<FuzzClient>,
  base: string,
): Promise<string | undefined> {
  let c: FuzzClient | undefined;
  try {
    c = await connect();
    const o = await c.request("OPTIONS", `${base}/health`, {}, "", 3000);
    const d = await c.request(
      "DESCRIBE",
      `${base}/health`,
      { Accept: "application/sdp" },
      "",
      3000,
    );
    if (o?.statusCode !== 200 || d?.statusCode !== 200) {
      return `OPTIONS ${o?.statusCode} DESCRIBE ${d?.statusCode}`;
    }
    return undefined;
  } catch (e) {
    return (e as Error).message;
  } finally {
    c?.close();
  }
}
