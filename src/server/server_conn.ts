import { ParseError, RtspError } from "../errors.ts";
import type { NetAddr, TcpConn } from "../net/types.ts";
import { RtspHeaders } from "../rtsp/headers.ts";
import type { RtspRequest, RtspResponse } from "../rtsp/message.ts";
import { RtspParser } from "../rtsp/parser.ts";
import { readerPathAndQuery } from "../rtsp/path_rules.ts";
import { encodeResponse } from "../rtsp/serializer.ts";
import { parseSessionHeader } from "../rtsp/session_header.ts";
import { statusText } from "../rtsp/status.ts";
import { parseRtspUrl, type RtspUrl } from "../rtsp/url.ts";
import { normalizeIp, type ServerContext } from "./_server_context.ts";
import { ConnAuth } from "./_conn_auth.ts";
import { ServerAuthError } from "./server_auth_error.ts";
import type { HandlerResult, ServerHandler } from "./server_handler.ts";
import { ServerSession } from "./server_session.ts";
import { HIGH_WATER_BYTES, type WriteQueue } from "./_write_queue.ts";
import { parseHttpHead, serveHttp } from "./_tunnel.ts";

/** Value of the `Server` header. */
export const SERVER_NAME = "rtspkit";

const EMPTY = new Uint8Array(0);
const FORCE_CLOSE_MS = 1000;
const encoder = new TextEncoder();

/** Outcome of routing one request. @internal */
export interface RouteResult {
  response: RtspResponse;
  /** Close the connection after the response with this error. */
  error?: Error;
  /** Runs right after the response was handed to the socket. */
  after?: () => void;
}

/** Builds a bare response. @internal */
export function simpleResponse(statusCode: number, headers?: RtspHeaders): RtspResponse {
  return {
    statusCode,
    statusMessage: statusText(statusCode),
    headers: headers ?? new RtspHeaders(),
    body: EMPTY,
  };
}

/** Converts a handler response into a wire response. @internal */
export function handlerResponse(result: HandlerResult): RtspResponse {
  const r = result.response;
  if (r === undefined || typeof r.statusCode !== "number") {
    throw new TypeError("Handler returned no response");
  }
  const headers = new RtspHeaders();
  if (r.headers !== undefined) {
    const entries = r.headers instanceof RtspHeaders ? r.headers : Object.entries(r.headers);
    for (const [k, v] of entries) headers.append(k, v);
  }
  const body = r.body === undefined
    ? EMPTY
    : typeof r.body === "string"
    ? encoder.encode(r.body)
    : r.body;
  return {
    statusCode: r.statusCode,
    statusMessage: r.statusMessage ?? statusText(r.statusCode),
    headers,
    body,
  };
}

/** Reads a header that must occur once; undefined when absent or repeated. @internal */
export function singleHeader(req: RtspRequest, name: string): string | undefined {
  const all = req.headers.getAll(name);
  return all.length === 1 ? all[0] : undefined;
}

/**
 * One accepted RTSP connection (SPEC §1.4). Requests are processed one at a time; interleaved
 * frames are routed to the session that plays or records over this connection.
 */
export class ServerConn {
  #ctx: ServerContext;
  #tcp: TcpConn;
  #parser = new RtspParser();
  #busy = false;
  #closed = false;
  #closeError: Error | undefined;
  #session: ServerSession | undefined;
  #auth: ConnAuth;
  #inboundBytes = 0;
  #outboundBytes = 0;
  #lastReadMs: number;
  /** Write queues of TCP sessions on this connection; created with the first (UDP needs none). */
  #queues: Set<WriteQueue> | undefined;
  #forceTimer: ReturnType<typeof setTimeout> | undefined;
  /** Time the first byte of the message being received arrived, 0 when none is pending. */
  #partialSince = 0;
  /** Time the output went over the bound while requests wait, 0 when flowing. */
  #blockedSince = 0;
  /** Request token bucket (`maxRequestsPerSecond`). */
  #tokens: number;
  #tokensAt: number;
  /** Free slot for the application. */
  userData: unknown;
  /** The remote address. */
  readonly remoteAddress: NetAddr;
  /** The local address. */
  readonly localAddress: NetAddr;

  #tunnel: "none" | "http" | "websocket";
  /** First bytes, until they tell RTSP from HTTP. */
  #sniff: Uint8Array | undefined = new Uint8Array(0);
  #redirect: ((chunk: Uint8Array) => void) | undefined;
  #redirectClose: (() => void) | undefined;
  #redirectDrain: (() => void) | undefined;

  /** @internal */
  constructor(ctx: ServerContext, tcp: TcpConn, tunnel: "none" | "http" | "websocket" = "none") {
    this.#ctx = ctx;
    this.#tcp = tcp;
    this.#tunnel = tunnel;
    if (tunnel !== "none") this.#sniff = undefined;
    this.remoteAddress = {
      hostname: normalizeIp(tcp.remoteAddr.hostname),
      port: tcp.remoteAddr.port,
    };
    this.localAddress = { hostname: normalizeIp(tcp.localAddr.hostname), port: tcp.localAddr.port };
    this.#auth = new ConnAuth(ctx, this.remoteAddress.hostname);
    this.#lastReadMs = ctx.now();
    this.#tokens = ctx.maxRequestsPerSecond;
    this.#tokensAt = this.#lastReadMs;
  }

  /** Same as {@linkcode ServerConn.remoteAddress}. */
  get remoteAddr(): NetAddr {
    return this.remoteAddress;
  }

  /** Same as {@linkcode ServerConn.localAddress}. */
  get localAddr(): NetAddr {
    return this.localAddress;
  }

  /** The session this connection is linked to. */
  session(): ServerSession | undefined {
    return this.#session;
  }

  /** Tunnelling of this connection. */
  transport(): { tunnel: "none" | "http" | "websocket" } {
    return { tunnel: this.#tunnel };
  }

  /** RTSP-level byte counters, interleaved frames included. */
  stats(): { inboundBytes: number; outboundBytes: number } {
    return { inboundBytes: this.#inboundBytes, outboundBytes: this.#outboundBytes };
  }

  /** Closes the connection. */
  close(): void {
    this._close(new Error("Connection closed by the application"));
  }

  /**
   * Checks the credentials of a request (SPEC §7.1) against `user` and `pass`. Secrets are
   * compared in constant time. Digest credentials signed with a nonce older than
   * `authNonceLifetimeMs` do not verify; if they were otherwise right, the 401 the handler then
   * returns carries a fresh nonce with `stale=true`. Credentials from an IP locked out by
   * `authMaxFailures` never verify.
   *
   * @param request The request.
   * @param user Expected user; `""` never verifies.
   * @param pass Expected password.
   * @returns Whether the request carries exactly these credentials.
   */
  verifyCredentials(request: RtspRequest, user: string, pass: string): boolean {
    return this.#auth.verify(request, user, pass);
  }

  /** @internal */
  get _tcp(): TcpConn {
    return this.#tcp;
  }

  /** @internal */
  get _closed(): boolean {
    return this.#closed;
  }

  /** @internal Counts bytes written on this connection. */
  _countOutbound(n: number): void {
    this.#outboundBytes += n;
  }

  /** @internal */
  _addQueue(q: WriteQueue): void {
    (this.#queues ??= new Set()).add(q);
  }

  /** @internal */
  _removeQueue(q: WriteQueue): void {
    this.#queues?.delete(q);
  }

  /** @internal Unlinks the session (TEARDOWN, session close). */
  _unlink(session: ServerSession): void {
    if (this.#session === session) this.#session = undefined;
  }

  /** @internal */
  async _start(): Promise<void> {
    const h = this.#ctx.handler;
    try {
      await h.onConnOpen?.({ conn: this });
    } catch (error) {
      this._close(asError(error));
    }
    this.#tcp.start({
      onData: (chunk) => this.#redirect !== undefined ? this.#redirect(chunk) : this.#onData(chunk),
      onEnd: () => {
        if (this.#redirect === undefined) this._close(new Error("Connection closed by the peer"));
      },
      onDrain: () => {
        if (this.#redirectDrain !== undefined) this.#redirectDrain();
        this.#queues?.forEach((q) => q.onDrain());
        if (this.#blockedSince !== 0) this.#resume();
      },
      onClose: (error) => {
        if (this.#forceTimer !== undefined) clearTimeout(this.#forceTimer);
        if (this.#redirectClose !== undefined) this.#redirectClose();
        else this._close(error ?? new Error("Connection closed by the peer"));
      },
    });
    if (this.#closed) this.#tcp.close();
  }

  /** @internal Periodic read-timeout, request-deadline and write-deadline check (SPEC §3.3). */
  _check(now: number): void {
    if (this.#closed) return;
    const ctx = this.#ctx;
    if (this.#blockedSince !== 0) {
      if (this.#tcp.bufferedAmount <= HIGH_WATER_BYTES) {
        this.#resume();
      } else if (now - this.#blockedSince >= ctx.writeTimeoutMs) {
        this._close(new Error("Write timeout: the client does not read its responses"));
        this.#tcp.close();
        return;
      }
    }
    if (
      this.#partialSince !== 0 && !this.#busy && this.#blockedSince === 0 &&
      now - this.#partialSince >= ctx.readTimeoutMs
    ) {
      ctx.counters.timedOutRequests++;
      this._close(new Error("Read timeout: message not complete in time"));
      return;
    }
    const s = this.#session;
    let timeout = this.#ctx.idleTimeoutMs;
    if (s !== undefined) {
      const st = s.state();
      const proto = s._protocol;
      if (st === "record" && proto === "udp") return;
      if (st === "record" && proto === "tcp") timeout = this.#ctx.readTimeoutMs;
    }
    if (now - this.#lastReadMs >= timeout) this._close(new Error("Read timeout"));
  }

  /** @internal Closes the socket and detaches from the session. */
  _close(error: Error): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#closeError = error;
    if (this.#ctx.closed || this.#tcp.closed) {
      this.#tcp.close();
    } else {
      // Let the last response reach the peer: half-close, then destroy shortly after.
      this.#tcp.closeWrite();
      this.#forceTimer = setTimeout(() => this.#tcp.close(), FORCE_CLOSE_MS);
    }
    this.#ctx.conns.delete(this);
    const session = this.#session;
    this.#session = undefined;
    session?._detachConn(this);
    const h = this.#ctx.handler;
    try {
      h.onConnClose?.({ conn: this, error });
    } catch {
      // A throwing callback must not break the server.
    }
  }

  /**
   * @internal The socket now carries HTTP/WebSocket tunnel traffic: this connection reports
   * "upgraded to HTTP" and hands the socket's events over.
   */
  _upgrade(onData: (chunk: Uint8Array) => void, onClose: () => void, onDrain: () => void): void {
    this.#redirect = onData;
    this.#redirectClose = onClose;
    this.#redirectDrain = onDrain;
    if (this.#closed) return;
    this.#closed = true;
    this.#ctx.conns.delete(this);
    try {
      this.#ctx.handler.onConnClose?.({ conn: this, error: new Error("Upgraded to HTTP") });
    } catch {
      // ignored
    }
  }

  #onHttp(chunk: Uint8Array): void {
    const buf = new Uint8Array(this.#sniff!.length + chunk.length);
    buf.set(this.#sniff!);
    buf.set(chunk, this.#sniff!.length);
    this.#sniff = buf;
    let end = -1;
    for (let i = 3; i < buf.length; i++) {
      if (buf[i] === 10 && buf[i - 1] === 13 && buf[i - 2] === 10 && buf[i - 3] === 13) {
        end = i + 1;
        break;
      }
    }
    if (end < 0) {
      if (buf.length > 8192) this._close(new Error("HTTP request too big"));
      return;
    }
    this.#sniff = undefined;
    this.#busy = true;
    const head = parseHttpHead(new TextDecoder().decode(buf.subarray(0, end - 4)));
    if (head === undefined) {
      this._close(new Error("Invalid HTTP request"));
      return;
    }
    const ctx = this.#ctx;
    serveHttp(ctx, this, this.#tcp, head, buf.subarray(end), (tcp, tunnel) => {
      const conn = new ServerConn(ctx, tcp, tunnel);
      ctx.conns.add(conn);
      conn._start().catch(() => {});
    }).catch((error) => this._close(asError(error)));
  }

  #onData(chunk: Uint8Array): void {
    if (this.#closed) return;
    if (this.#sniff !== undefined) {
      if (this.#sniff.length > 0 || isHttpStart(chunk)) {
        this.#onHttp(chunk);
        return;
      }
      this.#sniff = undefined;
    }
    this.#inboundBytes += chunk.length;
    this.#lastReadMs = this.#ctx.now();
    this.#parser.push(chunk);
    this.#pump();
    this.#trackPartial();
  }

  /** Starts the request deadline at the first byte of a message; clears it when none pends. */
  #trackPartial(): void {
    if (this.#parser.bufferedBytes === 0) this.#partialSince = 0;
    else if (this.#partialSince === 0) this.#partialSince = this.#ctx.now();
  }

  /** The output went back under the bound: process the requests that wait. */
  #resume(): void {
    if (this.#closed || this.#tcp.bufferedAmount > HIGH_WATER_BYTES) return;
    this.#blockedSince = 0;
    this.#partialSince = 0;
    this.#pump();
    this.#trackPartial();
  }

  /** Takes one request token; false when the connection is over `maxRequestsPerSecond`. */
  #takeToken(): boolean {
    const ctx = this.#ctx;
    const now = ctx.now();
    const max = ctx.maxRequestsPerSecond;
    const elapsed = now - this.#tokensAt;
    this.#tokensAt = now;
    if (elapsed > 0) this.#tokens = Math.min(max, this.#tokens + elapsed * max / 1000);
    if (this.#tokens < 1) return false;
    this.#tokens--;
    return true;
  }

  #pump(): void {
    while (!this.#busy && !this.#closed) {
      if (this.#tcp.bufferedAmount > HIGH_WATER_BYTES) {
        // The client does not read: keep its requests unparsed (the parser's buffer is bounded)
        // until the output drains, or the write timeout closes the connection.
        if (this.#blockedSince === 0) this.#blockedSince = this.#ctx.now();
        return;
      }
      let msg;
      try {
        msg = this.#parser.next();
      } catch (error) {
        this._close(asError(error));
        return;
      }
      if (msg === undefined) return;
      if (msg.kind === "frame") {
        const s = this.#session;
        if (s === undefined || !s._acceptsFramesFrom(this)) {
          this._close(new Error("Unexpected interleaved frame"));
          return;
        }
        s._onTcpFrame(msg.channel, msg.payload);
      } else if (msg.kind === "response") {
        this._close(new Error("Unexpected response from client"));
        return;
      } else {
        if (!this.#takeToken()) {
          this.#ctx.counters.rejectedRequests++;
          const cseqs = msg.request.headers.getAll("CSeq");
          this.#write(simpleResponse(503), cseqs.length === 1 ? cseqs[0] : undefined);
          this._close(new Error("Too many requests"));
          return;
        }
        this.#busy = true;
        this.#handleRequest(msg.request).then(
          () => {
            this.#busy = false;
            this.#partialSince = 0;
            this.#pump();
            this.#trackPartial();
          },
          (error) => {
            this._close(asError(error));
          },
        );
        return;
      }
    }
  }

  #write(res: RtspResponse, cseq: string | undefined): void {
    if (cseq !== undefined) res.headers.set("CSeq", cseq);
    res.headers.set("Server", SERVER_NAME);
    try {
      this.#ctx.handler.onResponse?.(this, res);
    } catch {
      // ignored
    }
    const bytes = encodeResponse(res);
    this.#outboundBytes += bytes.length;
    this.#tcp.write(bytes);
  }

  async #handleRequest(req: RtspRequest): Promise<void> {
    const h = this.#ctx.handler;
    try {
      h.onRequest?.(this, req);
    } catch {
      // ignored
    }
    const cseqs = req.headers.getAll("CSeq");
    if (cseqs.length !== 1) {
      this.#write(simpleResponse(400), undefined);
      this._close(new Error("Missing or repeated CSeq"));
      return;
    }
    const cseq = cseqs[0];
    let result: RouteResult;
    try {
      result = await this.#route(req);
    } catch (error) {
      if (error instanceof RtspError) {
        result = { response: simpleResponse(error.status), error: error.close ? error : undefined };
      } else if (error instanceof ParseError) {
        result = { response: simpleResponse(400), error };
      } else {
        result = { response: simpleResponse(500), error: asError(error) };
      }
    }
    if (this.#closed) return;
    this.#write(result.response, cseq);
    result.after?.();
    if (result.error !== undefined) this._close(result.error);
  }

  /** Applies the handler's error (SPEC §1.2, §7.1) to a response. @internal */
  _applyError(req: RtspRequest, result: HandlerResult, res: RtspResponse): RouteResult {
    const error = result.error;
    if (error === undefined) return { response: res };
    if (error instanceof ServerAuthError) {
      return this.#auth.challenge(req, res) ? { response: res, error } : { response: res };
    }
    return { response: res, error };
  }

  /** Calls a handler and validates its result. @internal */
  async _call<C>(
    fn: ((ctx: C) => HandlerResult | Promise<HandlerResult>) | undefined,
    ctx: C,
  ): Promise<HandlerResult> {
    if (fn === undefined) {
      throw new RtspError(501, "NOT_IMPLEMENTED", "Not implemented", { close: false });
    }
    const result = await fn.call(this.#ctx.handler, ctx);
    if (result === null || typeof result !== "object" || result.response === undefined) {
      throw new TypeError("Handler returned no response");
    }
    return result;
  }

  async #route(req: RtspRequest): Promise<RouteResult> {
    const h: ServerHandler = this.#ctx.handler;
    const method = req.method;
    if (req.url === "*") {
      if (method !== "OPTIONS") throw new RtspError(400, "INVALID_URL", "Invalid URL: *");
    }
    let url: RtspUrl | undefined;
    if (req.url !== "*") url = parseRtspUrl(req.url);
    const sessionHeader = req.headers.getAll("Session");
    let sxId: string | undefined;
    if (sessionHeader.length > 1) {
      throw new RtspError(400, "INVALID_SESSION", "Repeated Session header");
    }
    if (sessionHeader.length === 1) sxId = parseSessionHeader(sessionHeader[0]).id;

    switch (method) {
      case "OPTIONS": {
        if (sxId !== undefined) {
          const session = this.#findSession(sxId, false);
          return session._handle(this, req, url);
        }
        const res = simpleResponse(200);
        res.headers.set("Public", this.#publicMethods());
        return { response: res };
      }
      case "DESCRIBE": {
        if (h.onDescribe === undefined) return notImplemented();
        if (url === undefined) throw new RtspError(400, "INVALID_URL", "Invalid URL");
        return await this.#describe(req, url);
      }
      case "ANNOUNCE":
      case "SETUP": {
        if ((method === "ANNOUNCE" ? h.onAnnounce : h.onSetup) === undefined) {
          return notImplemented();
        }
        const session = this.#findSession(sxId, true);
        return await session._handle(this, req, url);
      }
      case "PLAY":
      case "RECORD":
      case "PAUSE": {
        const cb = method === "PLAY" ? h.onPlay : method === "RECORD" ? h.onRecord : h.onPause;
        if (sxId === undefined || cb === undefined) return notImplemented();
        const session = this.#findSession(sxId, false);
        return await session._handle(this, req, url);
      }
      case "TEARDOWN": {
        if (sxId === undefined) return notImplemented();
        const session = this.#findSession(sxId, false);
        return await session._handle(this, req, url);
      }
      case "GET_PARAMETER":
      case "SET_PARAMETER": {
        if (sxId !== undefined) {
          const session = this.#findSession(sxId, false);
          return await session._handle(this, req, url);
        }
        const cb = method === "GET_PARAMETER" ? h.onGetParameter : h.onSetParameter;
        if (cb === undefined) return notImplemented();
        const { path, query } = url === undefined
          ? { path: "*", query: undefined }
          : readerPathAndQuery(url);
        const result = await this._call(cb, { conn: this, request: req, path, query });
        return this._applyError(req, result, handlerResponse(result));
      }
      default:
        return notImplemented();
    }
  }

  #publicMethods(): string {
    const h = this.#ctx.handler;
    const list: string[] = [];
    if (h.onDescribe) list.push("DESCRIBE");
    if (h.onAnnounce) list.push("ANNOUNCE");
    if (h.onSetup) list.push("SETUP");
    if (h.onPlay) list.push("PLAY");
    if (h.onRecord) list.push("RECORD");
    if (h.onPause) list.push("PAUSE");
    list.push("GET_PARAMETER");
    if (h.onSetParameter) list.push("SET_PARAMETER");
    list.push("TEARDOWN");
    return list.join(", ");
  }

  /** @internal Public header value. */
  _public(): string {
    return this.#publicMethods();
  }

  #findSession(sxId: string | undefined, create: boolean): ServerSession {
    const ctx = this.#ctx;
    const linked = this.#session;
    if (linked !== undefined) {
      if (sxId !== undefined && sxId !== linked.id) {
        throw new RtspError(400, "SESSION_LINKED", "Connection already linked to another session");
      }
      linked._attach(this);
      return linked;
    }
    let session = sxId === undefined ? undefined : ctx.sessions.get(sxId);
    if (session !== undefined) {
      if (session._creatorIp !== this.remoteAddress.hostname) {
        throw new RtspError(400, "SESSION_IP", "Session belongs to another IP");
      }
      if (session._tcpConn !== undefined && session._tcpConn !== this) {
        throw new RtspError(400, "SESSION_TCP", "Session is bound to another connection");
      }
    } else {
      if (!create) throw new RtspError(454, "SESSION_NOT_FOUND", "Session not found");
      if (ctx.sessions.size >= ctx.maxSessions) {
        ctx.counters.rejectedSessions++;
        throw new RtspError(503, "TOO_MANY_SESSIONS", "Too many sessions", { close: false });
      }
      session = new ServerSession(ctx, this);
      ctx.sessions.set(session.id, session);
      this.#session = session;
      session._attach(this);
      try {
        ctx.handler.onSessionOpen?.({ session, conn: this });
      } catch {
        // ignored
      }
      return session;
    }
    this.#session = session;
    session._attach(this);
    return session;
  }

  async #describe(req: RtspRequest, url: RtspUrl): Promise<RouteResult> {
    const { path, query } = readerPathAndQuery(url);
    const result = await this._call(this.#ctx.handler.onDescribe, {
      conn: this,
      request: req,
      path,
      query,
    });
    const res = handlerResponse(result);
    if (res.statusCode === 200 && result.error === undefined) {
      const stream = result.stream;
      if (stream !== undefined) {
        const multicast = this.#ctx.multicast !== undefined && query !== undefined &&
          query.split("&").some((kv) => kv.split("=")[0] === "vlcmulticast");
        const backChannels = req.headers.getAll("Require").some((v) =>
          v.split(",").some((t) => t.trim() === "www.onvif.org/ver20/backchannel")
        );
        res.body = encoder.encode(stream._sdp(multicast, backChannels));
      } else if (res.body.length === 0) {
        throw new TypeError("onDescribe returned 200 with neither stream nor body");
      }
      res.headers.set("Content-Base", req.url + "/");
      res.headers.set("Content-Type", "application/sdp");
    }
    return this._applyError(req, result, res);
  }
}

function isHttpStart(c: Uint8Array): boolean {
  // "GET " or "POST"; short first chunks are treated as RTSP (clients send whole lines).
  return c.length >= 4 &&
    ((c[0] === 0x47 && c[1] === 0x45 && c[2] === 0x54 && c[3] === 0x20) ||
      (c[0] === 0x50 && c[1] === 0x4f && c[2] === 0x53 && c[3] === 0x54));
}

function notImplemented(): RouteResult {
  return { response: simpleResponse(501) };
}

/** @internal */
export function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}
