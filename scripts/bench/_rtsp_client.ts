/**
 * A minimal raw RTSP client over node:net for the benchmark (runs under node or bun).
 * Requests are written as literal text; interleaved frames are handed out as a prefix of the
 * payload (at least {@linkcode FRAME_PREFIX} bytes when the frame is that long) plus the full
 * length, so a reader never has to copy a whole frame that spans two TCP chunks.
 * @module
 */
import net from "node:net";
import { Buffer } from "node:buffer";

/** Bytes of an interleaved frame's payload guaranteed to be in the prefix given to `onFrame`. */
export const FRAME_PREFIX = 32;

/** A parsed RTSP response. */
export interface RtspClientResponse {
  status: number;
  headers: Map<string, string>;
  body: string;
}

/** Called for each interleaved frame: `prefix` holds the first bytes of the payload. */
export type FrameHandler = (channel: number, prefix: Buffer, length: number) => void;

/** One RTSP connection. */
export class RtspClient {
  readonly socket: net.Socket;
  onFrame: FrameHandler | undefined;
  onClose: ((error?: Error) => void) | undefined;
  session: string | undefined;
  #cseq = 1;
  #pending: { resolve: (r: RtspClientResponse) => void; reject: (e: Error) => void }[] = [];
  #leftover: Buffer | undefined;
  #skip = 0;
  #closed = false;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.#onData(chunk));
    socket.on("error", (e) => this.#fail(e));
    socket.on("close", () => this.#fail(new Error("connection closed")));
  }

  /** Connects to `host:port`. */
  static connect(host: string, port: number, timeoutMs = 10000): Promise<RtspClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`connect ${host}:${port} timed out`));
      }, timeoutMs);
      socket.once("connect", () => {
        clearTimeout(timer);
        resolve(new RtspClient(socket));
      });
      socket.once("error", (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
  }

  /** Sends a request and resolves with its response (rejects on non-2xx when `expectOk`). */
  async request(
    method: string,
    url: string,
    headers: Record<string, string> = {},
    body = "",
    expectOk = true,
  ): Promise<RtspClientResponse> {
    let text = `${method} ${url} RTSP/1.0\r\nCSeq: ${this
      .#cseq++}\r\nUser-Agent: rtspkit-bench\r\n`;
    if (this.session !== undefined && !("Session" in headers)) {
      text += `Session: ${this.session}\r\n`;
    }
    for (const [k, v] of Object.entries(headers)) text += `${k}: ${v}\r\n`;
    if (body.length > 0) text += `Content-Length: ${Buffer.byteLength(body)}\r\n`;
    text += `\r\n${body}`;
    const res = await new Promise<RtspClientResponse>((resolve, reject) => {
      if (this.#closed) return reject(new Error("connection closed"));
      this.#pending.push({ resolve, reject });
      this.socket.write(text);
    });
    const session = res.headers.get("session");
    if (session !== undefined) this.session = session.split(";")[0].trim();
    if (expectOk && (res.status < 200 || res.status > 299)) {
      throw new Error(`${method} ${url} -> ${res.status} ${res.body.slice(0, 200)}`);
    }
    return res;
  }

  /** Writes bytes as they are (interleaved frames). */
  write(data: Uint8Array): boolean {
    return this.socket.write(data);
  }

  /** Closes the connection. */
  close(): void {
    this.#closed = true;
    this.socket.destroy();
  }

  #fail(e: Error): void {
    const first = !this.#closed;
    this.#closed = true;
    for (const p of this.#pending.splice(0)) p.reject(e);
    if (first) this.onClose?.(e);
  }

  #onData(chunk: Buffer): void {
    let off = 0;
    if (this.#skip > 0) {
      const n = Math.min(this.#skip, chunk.length);
      this.#skip -= n;
      off = n;
      if (off === chunk.length) return;
    }
    let buf = chunk;
    if (this.#leftover !== undefined) {
      buf = Buffer.concat([this.#leftover, chunk.subarray(off)]);
      off = 0;
      this.#leftover = undefined;
    }
    while (off < buf.length) {
      if (buf[off] === 0x24) {
        if (buf.length - off < 4) break;
        const channel = buf[off + 1];
        const length = buf.readUInt16BE(off + 2);
        const avail = buf.length - off - 4;
        if (avail < Math.min(length, FRAME_PREFIX)) break;
        this.onFrame?.(channel, buf.subarray(off + 4, off + 4 + Math.min(avail, length)), length);
        if (avail >= length) {
          off += 4 + length;
        } else {
          this.#skip = length - avail;
          off = buf.length;
        }
        continue;
      }
      const end = buf.indexOf("\r\n\r\n", off);
      if (end < 0) break;
      const head = buf.subarray(off, end).toString("latin1").split("\r\n");
      const headers = new Map<string, string>();
      for (const line of head.slice(1)) {
        const i = line.indexOf(":");
        if (i > 0) headers.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
      }
      const bodyLength = Number(headers.get("content-length") ?? 0);
      if (buf.length - end - 4 < bodyLength) break;
      const body = buf.subarray(end + 4, end + 4 + bodyLength).toString("utf8");
      off = end + 4 + bodyLength;
      const status = Number(head[0].split(" ")[1]);
      if (!head[0].startsWith("RTSP/")) continue; // a request from the server: ignore
      this.#pending.shift()?.resolve({ status, headers, body });
    }
    if (off < buf.length) this.#leftover = Buffer.from(buf.subarray(off));
  }
}

/** Encodes one interleaved frame ('$', channel, length, payload) in one allocation. */
export function interleavedFrame(channel: number, payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(4 + payload.length);
  out[0] = 0x24;
  out[1] = channel;
  out.writeUInt16BE(payload.length, 2);
  out.set(payload, 4);
  return out;
}

/** Parses `Transport:` parameters into a map (`server_port` -> "8000-8001"). */
export function transportParams(value: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of value.split(";")) {
    const i = part.indexOf("=");
    if (i < 0) out.set(part.trim().toLowerCase(), "");
    else out.set(part.slice(0, i).trim().toLowerCase(), part.slice(i + 1).trim());
  }
  return out;
}
