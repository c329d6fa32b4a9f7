/** A minimal RTSP client over node:net for the fuzzer and the soak test: raw writes, parsed responses. */
import { createConnection, type Socket } from "node:net";
import { connect as connectTls } from "node:tls";
import { RtspParser } from "../../src/rtsp/parser.ts";
import type { RtspResponse } from "../../src/rtsp/message.ts";

const encoder = new TextEncoder();

/** One TCP connection. Responses are queued; interleaved frames are counted and dropped. */
export class FuzzClient {
  readonly socket: Socket;
  #parser = new RtspParser({ maxBodyBytes: 1 << 20 });
  #responses: RtspResponse[] = [];
  #wake: (() => void) | undefined;
  #cseq = 0;
  closed = false;
  /** Responses and frames received. */
  responses = 0;
  frames = 0;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on("error", () => {});
    socket.on("close", () => {
      this.closed = true;
      this.#wake?.();
    });
    socket.on("data", (chunk: Uint8Array) => {
      this.#parser.push(new Uint8Array(chunk));
      try {
        for (let m = this.#parser.next(); m !== undefined; m = this.#parser.next()) {
          if (m.kind === "response") {
            this.responses++;
            this.#responses.push(m.response);
          } else if (m.kind === "frame") this.frames++;
        }
      } catch {
        socket.destroy();
      }
      this.#wake?.();
    });
  }

  /**
   * Connects to 127.0.0.1:`port`, from `localAddress` when given (another loopback address such
   * as 127.0.0.2 makes a second client IP).
   */
  static connect(
    port: number,
    options: number | { timeoutMs?: number; localAddress?: string } = {},
  ): Promise<FuzzClient> {
    const { timeoutMs = 2000, localAddress } = typeof options === "number"
      ? { timeoutMs: options }
      : options;
    const socket = createConnection({ host: "127.0.0.1", port, localAddress });
    return FuzzClient.#whenReady(socket, { event: "connect", timeoutMs });
  }

  /** Connects over TLS to 127.0.0.1:`port` (any certificate is accepted). */
  static connectTls(port: number, timeoutMs = 2000): Promise<FuzzClient> {
    const socket = connectTls({ host: "127.0.0.1", port, rejectUnauthorized: false });
    return FuzzClient.#whenReady(socket, { event: "secureConnect", timeoutMs });
  }

  /**
   * A client on `socket` once it emits `event` (connected, or TLS handshake done); rejects on a
   * socket error, or destroys it and rejects after `timeoutMs`.
   */
  static #whenReady(
    socket: Socket,
    options: { event: "connect" | "secureConnect"; timeoutMs: number },
  ): Promise<FuzzClient> {
    const { event, timeoutMs } = options;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(event === "connect" ? "connect timeout" : "TLS connect timeout"));
      }, timeoutMs);
      socket.once(event, () => {
        clearTimeout(timer);
        resolve(new FuzzClient(socket));
      });
      socket.once("error", (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
  }

  /** Writes bytes, split at random offsets when `split` gives cut points. */
  write(data: Uint8Array | string, cuts: number[] = []): void {
    if (this.closed) return;
    const bytes = typeof data === "string" ? encoder.encode(data) : data;
    let at = 0;
    for (const cut of [...cuts.filter((c) => c > 0 && c < bytes.length)].sort((a, b) => a - b)) {
      this.socket.write(bytes.subarray(at, cut));
      at = cut;
    }
    this.socket.write(bytes.subarray(at));
  }

  /** Next response, or undefined after `timeoutMs` or when the connection closed. */
  async response(timeoutMs = 1000): Promise<RtspResponse | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = this.#responses.shift();
      if (r !== undefined) return r;
      const left = deadline - Date.now();
      if (this.closed || left <= 0) return undefined;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#wake = () => {
          clearTimeout(t);
          this.#wake = undefined;
          resolve();
        };
      });
    }
  }

  /** Sends a well-formed request and waits for its response. */
  request(
    method: string,
    url: string,
    headers: Record<string, string> = {},
    body = "",
    timeoutMs = 1000,
  ): Promise<RtspResponse | undefined> {
    let text = `${method} ${url} RTSP/1.0\r\nCSeq: ${++this.#cseq}\r\n`;
    for (const [k, v] of Object.entries(headers)) text += `${k}: ${v}\r\n`;
    const b = encoder.encode(body);
    if (b.length > 0) text += `Content-Length: ${b.length}\r\n`;
    const head = encoder.encode(text + "\r\n");
    const all = new Uint8Array(head.length + b.length);
    all.set(head);
    all.set(b, head.length);
    this.write(all);
    return this.response(timeoutMs);
  }

  /** Waits until the server closes the connection or `timeoutMs` passes; true when closed. */
  async waitClosed(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.#wake = () => {
          clearTimeout(t);
          this.#wake = undefined;
          resolve();
        };
      });
    }
    return this.closed;
  }

  /** Destroys the socket. */
  close(): void {
    this.socket.destroy();
  }
}

/** The session id of a response's `Session` header. */
export function sessionOf(res: RtspResponse | undefined): string | undefined {
  return res?.headers.get("Session")?.split(";")[0].trim();
}
