import { decodeBase64, encodeBase64 } from "../bytes/base64.ts";
import type { NetAddr, TcpConn, TcpConnHandler } from "../net/types.ts";
import type { ServerContext } from "./_server_context.ts";
import type { ServerConn } from "./server_conn.ts";

const encoder = new TextEncoder();
const WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC11B65";
/** How long a tunnel GET waits for its POST (SPEC §3.3). */
const GET_WAIT_MS = 5000;
/** Largest WebSocket message accepted from a client. */
const MAX_WS_MESSAGE = 1 << 20;

/** A tunnel GET waiting for its POST. @internal */
export interface PendingTunnelGet {
  tcp: TcpConn;
  ip: string;
  timer: ReturnType<typeof setTimeout>;
  onData?: (chunk: Uint8Array) => void;
  onClose?: () => void;
  onDrainOut?: () => void;
}

/** Parsed HTTP request head. @internal */
export interface HttpHead {
  method: string;
  path: string;
  headers: Map<string, string>;
}

/** Parses an HTTP request head (without the final blank line). @internal */
export function parseHttpHead(text: string): HttpHead | undefined {
  const lines = text.split("\r\n");
  const m = /^([A-Z]+) (\S+) HTTP\/1\.[01]$/.exec(lines[0]);
  if (m === null) return undefined;
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const i = line.indexOf(":");
    if (i <= 0) return undefined;
    headers.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }
  return { method: m[1], path: m[2], headers };
}

/**
 * A connection made of other sockets (an HTTP GET/POST pair or a WebSocket), seen by the RTSP
 * layer as one TCP connection (SPEC §7.3).
 *
 * @internal
 */
export class TunnelConn implements TcpConn {
  readonly localAddr: NetAddr;
  readonly remoteAddr: NetAddr;
  #out: TcpConn;
  #others: TcpConn[];
  #encode: ((chunks: readonly Uint8Array[]) => Uint8Array) | undefined;
  #handler: TcpConnHandler | undefined;
  #pending: Uint8Array[] = [];
  #closed = false;

  constructor(
    out: TcpConn,
    others: TcpConn[],
    encode?: (chunks: readonly Uint8Array[]) => Uint8Array,
  ) {
    this.#out = out;
    this.#others = others;
    this.#encode = encode;
    this.localAddr = out.localAddr;
    this.remoteAddr = out.remoteAddr;
  }

  get bufferedAmount(): number {
    return this.#out.bufferedAmount;
  }

  get closed(): boolean {
    return this.#closed;
  }

  start(handler: TcpConnHandler): void {
    this.#handler = handler;
    const pending = this.#pending;
    this.#pending = [];
    for (const p of pending) handler.onData(p);
  }

  /** Bytes from the client. */
  deliver(chunk: Uint8Array): void {
    if (this.#closed || chunk.length === 0) return;
    if (this.#handler === undefined) this.#pending.push(chunk);
    else this.#handler.onData(chunk);
  }

  /** The socket drained. */
  drained(): void {
    this.#handler?.onDrain?.();
  }

  write(data: Uint8Array): void {
    if (this.#closed) return;
    this.#out.write(this.#encode === undefined ? data : this.#encode([data]));
  }

  writeMany(chunks: readonly Uint8Array[]): void {
    if (this.#closed) return;
    if (this.#encode === undefined) this.#out.writeMany(chunks);
    else this.#out.write(this.#encode(chunks));
  }

  pauseReading(): void {}

  resumeReading(): void {}

  closeWrite(): void {
    if (this.#closed) return;
    this.#out.closeWrite();
    for (const o of this.#others) o.closeWrite();
    setTimeout(() => this.close(), 1000);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#out.close();
    for (const o of this.#others) o.close();
    this.#handler?.onClose();
  }
}

function httpResponse(status: string, headers: [string, string][]): Uint8Array {
  let text = `HTTP/1.1 ${status}\r\n`;
  for (const [k, v] of headers) text += `${k}: ${v}\r\n`;
  return encoder.encode(text + "\r\n");
}

const TUNNEL_HEADERS: [string, string][] = [
  ["Cache-Control", "no-cache"],
  ["Connection", "close"],
  ["Content-Type", "application/x-rtsp-tunnelled"],
  ["Pragma", "no-cache"],
];

/** Incremental base64 decoder of a tunnel POST body. */
class Base64Stream {
  #rest = "";
  decode(chunk: Uint8Array): Uint8Array {
    let text = this.#rest + new TextDecoder().decode(chunk).replace(/[\r\n\s]/g, "");
    const usable = text.length - (text.length % 4);
    this.#rest = text.slice(usable);
    text = text.slice(0, usable);
    return text.length === 0 ? new Uint8Array(0) : decodeBase64(text);
  }
}

/** Encodes chunks as one unmasked binary WebSocket message. */
function wsBinary(chunks: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const c of chunks) n += c.length;
  const head = n < 126 ? 2 : n < 65536 ? 4 : 10;
  const out = new Uint8Array(head + n);
  out[0] = 0x82;
  if (n < 126) out[1] = n;
  else if (n < 65536) {
    out[1] = 126;
    out[2] = n >>> 8;
    out[3] = n & 0xff;
  } else {
    out[1] = 127;
    new DataView(out.buffer).setUint32(6, n);
  }
  let o = head;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/** Incremental WebSocket frame parser of client messages. */
class WsReader {
  #buf = new Uint8Array(0);
  /** Returns decoded frames; throws on protocol errors. */
  push(chunk: Uint8Array): { opcode: number; payload: Uint8Array }[] {
    const b = new Uint8Array(this.#buf.length + chunk.length);
    b.set(this.#buf);
    b.set(chunk, this.#buf.length);
    const out: { opcode: number; payload: Uint8Array }[] = [];
    let o = 0;
    for (;;) {
      if (b.length - o < 2) break;
      const opcode = b[o] & 0x0f;
      const masked = (b[o + 1] & 0x80) !== 0;
      let len = b[o + 1] & 0x7f;
      let h = 2;
      if (len === 126) {
        if (b.length - o < 4) break;
        len = (b[o + 2] << 8) | b[o + 3];
        h = 4;
      } else if (len === 127) {
        if (b.length - o < 10) break;
        len = new DataView(b.buffer, b.byteOffset + o + 2, 8).getUint32(4);
        h = 10;
      }
      if (len > MAX_WS_MESSAGE) throw new Error("WebSocket message too big");
      const maskAt = o + h;
      if (masked) h += 4;
      if (b.length - o < h + len) break;
      const payload = b.slice(o + h, o + h + len);
      if (masked) { for (let i = 0; i < len; i++) payload[i] ^= b[maskAt + (i & 3)]; }
      out.push({ opcode, payload });
      o += h + len;
    }
    this.#buf = b.slice(o);
    return out;
  }
}

/**
 * Serves an HTTP request that opened a connection: tunnel GET/POST or WebSocket upgrade
 * (SPEC §7.3). `raw` is the connection that received it; it reports "upgraded to HTTP".
 *
 * @internal
 */
export async function serveHttp(
  ctx: ServerContext,
  raw: ServerConn,
  tcp: TcpConn,
  head: HttpHead,
  rest: Uint8Array,
  createConn: (tcp: TcpConn, tunnel: "http" | "websocket") => void,
): Promise<void> {
  const h = head.headers;
  const ip = raw.remoteAddress.hostname;
  const fail = () => {
    tcp.write(httpResponse("400 Bad Request", [["Connection", "close"], ["Content-Length", "0"]]));
    raw._close(new Error("Invalid HTTP request"));
  };
  if (head.method === "GET" && h.get("upgrade")?.toLowerCase() === "websocket") {
    const tokens = (h.get("connection") ?? "").toLowerCase().split(",").map((t) => t.trim());
    const protocols = (h.get("sec-websocket-protocol") ?? "").split(",").map((t) => t.trim());
    const key = h.get("sec-websocket-key");
    if (!tokens.includes("upgrade") || !protocols.includes("rtsp.onvif.org") || key === undefined) {
      return fail();
    }
    const digest = new Uint8Array(
      await crypto.subtle.digest("SHA-1", encoder.encode(key + WS_GUID)),
    );
    const reader = new WsReader();
    const tunnel = new TunnelConn(tcp, [], wsBinary);
    raw._upgrade(
      (chunk) => {
        let frames;
        try {
          frames = reader.push(chunk);
        } catch {
          tunnel.close();
          return;
        }
        for (const f of frames) {
          if (f.opcode === 2 || f.opcode === 0) tunnel.deliver(f.payload);
          else if (f.opcode === 9) tcp.write(new Uint8Array([0x8a, 0]));
          else if (f.opcode === 10) continue;
          else {
            tunnel.close();
            return;
          }
        }
      },
      () => tunnel.close(),
      () => tunnel.drained(),
    );
    tcp.write(httpResponse("101 Switching Protocols", [
      ["Upgrade", "websocket"],
      ["Connection", "Upgrade"],
      ["Sec-WebSocket-Accept", encodeBase64(digest)],
      ["Sec-WebSocket-Protocol", "rtsp.onvif.org"],
    ]));
    createConn(tunnel, "websocket");
    return;
  }
  const cookie = h.get("x-sessioncookie");
  if (
    head.method === "GET" && h.get("accept") === "application/x-rtsp-tunnelled" &&
    cookie !== undefined
  ) {
    if (ctx.tunnels.has(cookie)) return fail();
    const pending: PendingTunnelGet = {
      tcp,
      ip,
      timer: setTimeout(() => {
        ctx.tunnels.delete(cookie);
        tcp.close();
      }, GET_WAIT_MS),
    };
    ctx.tunnels.set(cookie, pending);
    raw._upgrade(
      (chunk) => pending.onData?.(chunk),
      () => {
        if (ctx.tunnels.get(cookie) === pending) {
          ctx.tunnels.delete(cookie);
          clearTimeout(pending.timer);
        }
        pending.onClose?.();
      },
      () => pending.onDrainOut?.(),
    );
    tcp.write(httpResponse("200 OK", TUNNEL_HEADERS));
    return;
  }
  if (
    head.method === "POST" && h.get("content-type") === "application/x-rtsp-tunnelled" &&
    cookie !== undefined
  ) {
    const get = ctx.tunnels.get(cookie);
    if (get === undefined || get.ip !== ip) return fail();
    ctx.tunnels.delete(cookie);
    clearTimeout(get.timer);
    const tunnel = new TunnelConn(get.tcp, [tcp]);
    const b64 = new Base64Stream();
    get.onData = () => {};
    get.onClose = () => tunnel.close();
    get.onDrainOut = () => tunnel.drained();
    raw._upgrade(
      (chunk) => {
        try {
          tunnel.deliver(b64.decode(chunk));
        } catch {
          tunnel.close();
        }
      },
      () => tunnel.close(),
      () => {},
    );
    tcp.write(httpResponse("200 OK", TUNNEL_HEADERS));
    createConn(tunnel, "http");
    if (rest.length > 0) tunnel.deliver(b64.decode(rest));
    return;
  }
  fail();
}
