/**
 * A tiny raw RTSP client for server tests: writes literal RTSP text over node:net and reads
 * parsed responses and interleaved frames, each with a timeout.
 */
import { createConnection, type Socket } from "node:net";
import { connect as connectTls } from "node:tls";
import type { RtspHeaders } from "../../src/rtsp/headers.ts";
import type { RtspMessage } from "../../src/rtsp/parser.ts";
import { RtspParser } from "../../src/rtsp/parser.ts";

/** A parsed response. */
export interface RawResponse {
  statusCode: number;
  statusMessage: string;
  headers: RtspHeaders;
  body: Uint8Array;
  text: string;
}

/** An interleaved frame. */
export interface RawFrame {
  channel: number;
  payload: Uint8Array;
}

const DEFAULT_TIMEOUT_MS = 3000;

/** A raw RTSP connection. */
export class RawRtspClient {
  #socket: Socket;
  #parser = new RtspParser({ maxBodyBytes: 1 << 20 });
  #messages: RtspMessage[] = [];
  #waiters: (() => void)[] = [];
  #closed = false;
  #closedPromise: Promise<void>;
  #cseq = 0;
  /** Kinds of every received message in arrival order (`response`, `frame:<channel>`). */
  readonly history: string[] = [];

  private constructor(socket: Socket) {
    this.#socket = socket;
    this.#closedPromise = new Promise((resolve) => {
      socket.on("close", () => {
        this.#closed = true;
        resolve();
        this.#wake();
      });
    });
    socket.on("error", () => {});
    socket.on("data", (chunk: Uint8Array) => {
      this.#parser.push(new Uint8Array(chunk));
      try {
        for (let m = this.#parser.next(); m !== undefined; m = this.#parser.next()) {
          this.#messages.push(m);
          this.history.push(m.kind === "frame" ? `frame:${m.channel}` : m.kind);
        }
      } catch {
        socket.destroy();
      }
      this.#wake();
    });
  }

  /** Connects to `host:port`. */
  static connect(port: number, host = "127.0.0.1"): Promise<RawRtspClient> {
    return new Promise((resolve, reject) => {
      const socket = createConnection({ port, host }, () => {
        socket.off("error", reject);
        resolve(new RawRtspClient(socket));
      });
      socket.once("error", reject);
    });
  }

  /** Connects with TLS to `host:port` (any certificate accepted). */
  static connectTls(port: number, host = "127.0.0.1"): Promise<RawRtspClient> {
    return new Promise((resolve, reject) => {
      const socket = connectTls({ port, host, rejectUnauthorized: false }, () => {
        socket.off("error", reject);
        resolve(new RawRtspClient(socket));
      });
      socket.once("error", reject);
    });
  }

  /** Local port of the connection. */
  get localPort(): number {
    return this.#socket.localPort ?? 0;
  }

  /** Whether the socket closed. */
  get closed(): boolean {
    return this.#closed;
  }

  #wake(): void {
    const w = this.#waiters;
    this.#waiters = [];
    for (const f of w) f();
  }

  /** Writes raw bytes or text. */
  write(data: string | Uint8Array): void {
    this.#socket.write(typeof data === "string" ? new TextEncoder().encode(data) : data);
  }

  /** Writes an interleaved frame. */
  writeFrame(channel: number, payload: Uint8Array): void {
    const out = new Uint8Array(4 + payload.length);
    out[0] = 0x24;
    out[1] = channel;
    out[2] = payload.length >> 8;
    out[3] = payload.length & 0xff;
    out.set(payload, 4);
    this.write(out);
  }

  /**
   * Sends a request built from parts; adds `CSeq` (incrementing) unless `headers` has one.
   * Returns the response.
   */
  async request(
    method: string,
    url: string,
    headers: Record<string, string> = {},
    body?: string | Uint8Array,
    timeoutMs = DEFAULT_TIMEOUT_MS,
  ): Promise<RawResponse> {
    let text = `${method} ${url} RTSP/1.0\r\n`;
    const hasCseq = Object.keys(headers).some((k) => k.toLowerCase() === "cseq");
    if (!hasCseq) text += `CSeq: ${++this.#cseq}\r\n`;
    for (const [k, v] of Object.entries(headers)) text += `${k}: ${v}\r\n`;
    const bytes = body === undefined
      ? new Uint8Array(0)
      : typeof body === "string"
      ? new TextEncoder().encode(body)
      : body;
    if (bytes.length > 0) text += `Content-Length: ${bytes.length}\r\n`;
    text += "\r\n";
    const head = new TextEncoder().encode(text);
    const all = new Uint8Array(head.length + bytes.length);
    all.set(head);
    all.set(bytes, head.length);
    this.write(all);
    return await this.readResponse(timeoutMs);
  }

  async #next<T>(
    pick: (m: RtspMessage) => T | undefined,
    what: string,
    timeoutMs: number,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (let i = 0; i < this.#messages.length; i++) {
        const v = pick(this.#messages[i]);
        if (v !== undefined) {
          this.#messages.splice(i, 1);
          return v;
        }
      }
      if (this.#closed) throw new Error(`Connection closed while waiting for ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`Timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Reads the next response (frames before it stay queued). */
  readResponse(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<RawResponse> {
    return this.#next(
      (m) => {
        if (m.kind !== "response") return undefined;
        const r = m.response;
        return { ...r, text: new TextDecoder().decode(r.body) };
      },
      "a response",
      timeoutMs,
    );
  }

  /** Reads the next interleaved frame, optionally on one channel (others stay queued). */
  readFrame(channel?: number, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<RawFrame> {
    return this.#next(
      (m) =>
        m.kind === "frame" && (channel === undefined || m.channel === channel)
          ? { channel: m.channel, payload: m.payload }
          : undefined,
      `a frame on channel ${channel ?? "any"}`,
      timeoutMs,
    );
  }

  /** The kinds of queued messages, in order (for ordering assertions). */
  queuedKinds(): string[] {
    return this.#messages.map((m) => m.kind === "frame" ? `frame:${m.channel}` : m.kind);
  }

  /** Waits until the server closes the connection. */
  async waitClosed(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      this.#closedPromise,
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error("Timed out waiting for the connection to close")),
          timeoutMs,
        );
      }),
    ]).finally(() => clearTimeout(timer));
  }

  /** Closes the connection. */
  close(): void {
    this.#socket.destroy();
  }
}
