import { RtspError } from "../errors.ts";
import type { Format } from "../formats/format.ts";
import type { NetAddr } from "../net/types.ts";
import { decodeRtcp, decodeRtp, encodeRtcp, encodeRtp, rtpEncodedSize } from "../rtp/mod.ts";
import type { RtcpPacket, RtpPacket } from "../rtp/mod.ts";
import type { RtspRequest } from "../rtsp/message.ts";
import { readerPathAndQuery, setupPathQueryAndTrack } from "../rtsp/path_rules.ts";
import { formatRtpInfo, type RtpInfoEntry } from "../rtsp/rtp_info.ts";
import { formatSessionHeader } from "../rtsp/session_header.ts";
import { formatTransport, parseTransports, type TransportHeader } from "../rtsp/transport.ts";
import type { RtspUrl } from "../rtsp/url.ts";
import { parseSessionDescription } from "../sdp/description.ts";
import { formatKeyMgmt } from "../mikey/mod.ts";
import { SRTCP_OVERHEAD, SRTP_OVERHEAD, SrtpContext } from "../srtp/mod.ts";
import type { Media, SessionDescription } from "../sdp/description.ts";
import { PtsDecoder } from "./pts_decoder.ts";
import { RtcpSenderReporter } from "./rtcp_sender_reporter.ts";
import { RtpReceiver } from "./rtp_receiver.ts";
import {
  addrKey,
  logWarning,
  randomHex,
  randomUint32NonZero,
  type ServerContext,
} from "./_server_context.ts";
import { SessionMedia } from "./_session_media.ts";
import { mikeyBase64, newSrtpKey, srtpContextFromKeyMgmt } from "./_srtp_keys.ts";
import { WriteQueue } from "./_write_queue.ts";
import {
  handlerResponse,
  type RouteResult,
  type ServerConn,
  simpleResponse,
  singleHeader,
} from "./server_conn.ts";
import type { HandlerResult, ServerHandler, SessionTransport } from "./server_handler.ts";
import type { ServerStream } from "./server_stream.ts";

/** State of a session (SPEC §3.1). */
export type ServerSessionState = "initial" | "prePlay" | "play" | "preRecord" | "record";

/** Statistics of one format of a session (SPEC §1.7). */
export interface ServerSessionFormatStats {
  inboundRtpPackets: number;
  inboundRtpPacketsLost: number;
  inboundRtpPacketsJitter: number;
  inboundLastSequenceNumber?: number;
  inboundLastRtp?: number;
  inboundLastNtp?: Date;
  outboundRtpPackets: number;
  outboundRtpPacketsReportedLost: number;
  outboundLastSequenceNumber?: number;
  outboundLastRtp?: number;
  outboundLastNtp?: Date;
  localSsrc: number;
  remoteSsrc?: number;
}

/** Statistics of one media of a session. */
export interface ServerSessionMediaStats {
  inboundBytes: number;
  inboundRtpPacketsInError: number;
  inboundRtcpPackets: number;
  inboundRtcpPacketsInError: number;
  outboundBytes: number;
  outboundRtcpPackets: number;
  formats: Map<Format, ServerSessionFormatStats>;
}

/**
 * Statistics of a session. Byte counts are of RTP and RTCP packets as they are on the wire: with
 * the SRTP tag or SRTCP trailer under SAVP, without the 4-byte `$` header of TCP interleaving (or
 * UDP/IP headers); a stream's `outboundBytes` counts the same way.
 */
export interface ServerSessionStats {
  inboundBytes: number;
  inboundRtpPackets: number;
  inboundRtpPacketsLost: number;
  inboundRtpPacketsInError: number;
  inboundRtpPacketsJitter: number;
  inboundRtcpPackets: number;
  inboundRtcpPacketsInError: number;
  outboundBytes: number;
  outboundRtpPackets: number;
  outboundRtpPacketsReportedLost: number;
  outboundRtcpPackets: number;
  medias: Map<Media, ServerSessionMediaStats>;
}

const MAX_UDP_READ = 1472;
const RECORD_QUEUE_SIZE = 8;
const GSTREAMER_SETUP_DELAY_MS = 1000;

function bad(message: string, status: 400 | 454 | 455 | 461 = 400, close = true): RtspError {
  return new RtspError(status, "BAD_REQUEST", message, { close });
}

function ntpDate(ms: number): Date {
  return new Date(ms);
}

/**
 * An RTSP session (SPEC §1.5, §3): a reader (DESCRIBE→SETUP→PLAY) or a publisher
 * (ANNOUNCE→SETUP→RECORD). Created by the server; handlers receive it in their contexts.
 */
export class ServerSession {
  /** Session ID: 32 lowercase hex characters. */
  readonly id: string = randomHex(16);
  /** Free slot for the application. */
  userData: unknown;
  #ctx: ServerContext;
  #state: ServerSessionState = "initial";
  #conns = new Set<ServerConn>();
  #stream: ServerStream | undefined;
  #path: string | undefined;
  #query: string | undefined;
  #announced: SessionDescription | undefined;
  #medias: SessionMedia[] = [];
  #transport: SessionTransport | undefined;
  #closed = false;
  #packetCallbackErrorLogged = false;
  #lastRequestMs: number;
  #lastRecvMs: number;
  #queue: WriteQueue | undefined;
  #writerState: "none" | "pending" | "running" = "none";
  #udpPending: [boolean, Uint8Array, NetAddr][] | undefined;
  #channels: (SessionMedia | undefined)[] = [];
  #udpKeys: [boolean, string][] = [];
  /** Created by the first packetPts() call: most sessions (readers) never decode a PTS. */
  #ptsDecoder: PtsDecoder | undefined;
  #onRtpAny: ((media: Media, format: Format, pkt: RtpPacket) => void) | undefined;
  /** @internal IP of the connection that created the session. */
  readonly _creatorIp: string;
  /** @internal Connection carrying TCP play/record. */
  _tcpConn: ServerConn | undefined;
  /** @internal Counted in the stream's active multicast readers. */
  _multicastActive = false;

  /** @internal */
  constructor(ctx: ServerContext, creator: ServerConn) {
    this.#ctx = ctx;
    this._creatorIp = creator.remoteAddress.hostname;
    this.#lastRequestMs = ctx.now();
    this.#lastRecvMs = this.#lastRequestMs;
  }

  /** Current state. */
  state(): ServerSessionState {
    return this.#state;
  }

  /** The stream a reader reads. */
  stream(): ServerStream | undefined {
    return this.#stream;
  }

  /** Path of the first SETUP or of ANNOUNCE. */
  path(): string | undefined {
    return this.#path;
  }

  /** Query of the first SETUP or of ANNOUNCE. */
  query(): string | undefined {
    return this.#query;
  }

  /** The description of ANNOUNCE. */
  announcedDescription(): SessionDescription | undefined {
    return this.#announced;
  }

  /** Set-up medias in SETUP order. */
  medias(): Media[] {
    return this.#medias.map((m) => m.media);
  }

  /** Connections attached to the session. */
  conns(): ServerConn[] {
    return [...this.#conns];
  }

  /** Transport of the session; undefined before the first successful SETUP. */
  transport(): SessionTransport | undefined {
    return this.#transport === undefined ? undefined : { ...this.#transport };
  }

  /** Closes the session and its connections. */
  close(): void {
    this._close(new Error("Session closed by the application"));
  }

  /** @internal */
  get _protocol(): "udp" | "tcp" | undefined {
    const p = this.#transport?.protocol;
    return p === undefined ? undefined : p === "tcp" ? "tcp" : "udp";
  }

  // ---- inbound callbacks ----

  #sessionMedia(media: Media): SessionMedia {
    for (const m of this.#medias) if (m.media === media) return m;
    throw new TypeError("Media is not set up in the session");
  }

  /** Registers a callback for RTP of one format. */
  onPacketRtp(media: Media, format: Format, cb: (pkt: RtpPacket) => void): void {
    const sm = this.#sessionMedia(media);
    const i = sm.media.formats.indexOf(format);
    if (i < 0) throw new TypeError("Format does not belong to the media");
    sm.formats[i].onRtp = cb;
  }

  /** Registers a callback for RTP of every format of every set-up media. */
  onPacketRtpAny(cb: (media: Media, format: Format, pkt: RtpPacket) => void): void {
    for (const sm of this.#medias) {
      for (const sf of sm.formats) {
        const media = sm.media;
        const format = sf.format;
        sf.onRtp = (pkt) => cb(media, format, pkt);
      }
    }
    this.#onRtpAny = cb;
  }

  /** Registers a callback for RTCP of one media. */
  onPacketRtcp(media: Media, cb: (pkt: RtcpPacket) => void): void {
    this.#sessionMedia(media).onRtcp = cb;
  }

  /** Registers a callback for RTCP of every set-up media. */
  onPacketRtcpAny(cb: (media: Media, pkt: RtcpPacket) => void): void {
    for (const sm of this.#medias) {
      const media = sm.media;
      sm.onRtcp = (pkt) => cb(media, pkt);
    }
  }

  // ---- outbound ----

  /** Writes RTP to this session only, with the current time as NTP. */
  writePacketRtp(media: Media, pkt: RtpPacket): void {
    this.writePacketRtpWithNtp(media, pkt, ntpDate(this.#ctx.now()));
  }

  /** Writes RTP to this session only. Throws when the queue is full. */
  writePacketRtpWithNtp(media: Media, pkt: RtpPacket, ntp: Date): void {
    const sm = this.#sessionMedia(media);
    let size = rtpEncodedSize(pkt);
    const srtp = sm.srtpOut;
    const maxSize = srtp !== undefined
      ? this.#ctx.maxPacketSize - SRTP_OVERHEAD
      : this.#ctx.maxPacketSize;
    if (size > maxSize) {
      throw new RangeError(
        `RTP packet size (${size}) is greater than maximum allowed (${maxSize})`,
      );
    }
    if (this.#writerState === "none" || this.#transport?.protocol === "udp-multicast") return;
    const fi = sm.formatIndex(pkt.payloadType);
    if (fi < 0) throw new TypeError(`Payload type ${pkt.payloadType} does not belong to the media`);
    // Under SAVP the buffer has room for the tag, and the packet is protected in place.
    const buf = new Uint8Array(size + 4 + (srtp !== undefined ? SRTP_OVERHEAD : 0));
    encodeRtp(pkt, buf, 4);
    if (srtp !== undefined) {
      srtp.protectRtp(buf.subarray(4, 4 + size), buf.subarray(4));
      size += SRTP_OVERHEAD;
    }
    let sent: boolean;
    if (sm.tcpChannel >= 0) {
      buf[0] = 0x24;
      buf[1] = sm.tcpChannel;
      buf[2] = size >>> 8;
      buf[3] = size & 0xff;
      sent = this.#queue!.push(buf);
    } else {
      sent = this.#sendUdp(false, buf.subarray(4), sm.udpRtp!);
    }
    if (!sent) throw new Error("Write queue is full");
    const sf = sm.formats[fi];
    sf.outPackets++;
    sf.outLastSequenceNumber = pkt.sequenceNumber;
    sf.outLastRtp = pkt.timestamp;
    sf.outLastNtpMs = ntp.getTime();
    sm.outboundBytes += size;
    sf.reporter?.onPacketRtp(pkt, ntp.getTime(), sf.format.ptsEqualsDts(pkt));
  }

  /** Writes RTCP to this session only. Throws when the queue is full. */
  writePacketRtcp(media: Media, pkt: RtcpPacket[] | Uint8Array): void {
    const sm = this.#sessionMedia(media);
    const bytes = pkt instanceof Uint8Array ? pkt : encodeRtcp(pkt);
    const maxSize = sm.srtpOut !== undefined
      ? this.#ctx.maxPacketSize - SRTCP_OVERHEAD
      : this.#ctx.maxPacketSize;
    if (bytes.length > maxSize) {
      throw new RangeError(
        `RTCP packet size (${bytes.length}) is greater than maximum allowed (${maxSize})`,
      );
    }
    if (this.#writerState === "none" || this.#transport?.protocol === "udp-multicast") return;
    if (!this._writeRtcpBytes(sm, bytes, true)) throw new Error("Write queue is full");
  }

  /**
   * @internal Writes RTCP bytes towards one media; false when dropped. Under SAVP the bytes are
   * protected here unless `secured` says the caller (the stream, once for all readers) did it.
   */
  _writeRtcpBytes(
    sm: SessionMedia,
    rtcp: Uint8Array,
    fromSession: boolean,
    secured = false,
  ): boolean {
    if (this.#writerState === "none") return false;
    const bytes = sm.srtpOut !== undefined && !secured ? sm.srtpOut.protectRtcp(rtcp) : rtcp;
    let ok: boolean;
    if (sm.tcpChannel >= 0) {
      const frame = new Uint8Array(bytes.length + 4);
      frame[0] = 0x24;
      frame[1] = sm.tcpChannel + 1;
      frame[2] = bytes.length >>> 8;
      frame[3] = bytes.length & 0xff;
      frame.set(bytes, 4);
      ok = this.#queue!.push(frame);
      if (!ok && !fromSession) this._streamWriteError(new Error("Write queue is full"));
    } else {
      ok = this.#sendUdp(true, bytes, sm.udpRtcp!);
    }
    if (ok) {
      sm.outboundRtcpPackets++;
      sm.outboundBytes += bytes.length;
    }
    return ok;
  }

  #sendUdp(rtcp: boolean, data: Uint8Array, to: NetAddr): boolean {
    if (this.#udpPending !== undefined) {
      if (this.#udpPending.length >= this.#ctx.writeQueueSize) return false;
      this.#udpPending.push([rtcp, data, to]);
      return true;
    }
    const udp = this.#ctx.udp;
    if (udp === undefined) return false;
    (rtcp ? udp.rtcp : udp.rtp).send(data, to);
    return true;
  }

  /** @internal A stream packet could not be queued for this reader. */
  _streamWriteError(error: Error): void {
    if (!this.#notify(this.#ctx.handler.onStreamWriteError, { session: this, error })) {
      logWarning(`session ${this.id}: ${error.message}`);
    }
  }

  /** Calls the notification handler `cb` with `ctx`, ignoring what it throws; false without one. */
  #notify<C>(cb: ((ctx: C) => void) | undefined, ctx: C): boolean {
    if (cb === undefined) return false;
    try {
      cb.call(this.#ctx.handler, ctx);
    } catch {
      // ignored
    }
    return true;
  }

  // ---- timing ----

  /** PTS of an inbound packet in clock-rate units (SPEC §5.7). */
  packetPts(media: Media, pkt: RtpPacket): { pts: number; ok: boolean } {
    const sm = this.#sessionMedia(media);
    const fi = sm.formatIndex(pkt.payloadType);
    if (fi < 0) return { pts: 0, ok: false };
    const sf = sm.formats[fi];
    this.#ptsDecoder ??= new PtsDecoder(this.#ctx.now);
    return this.#ptsDecoder.decode(sf, sf.format.clockRate, pkt, sf.format.ptsEqualsDts(pkt));
  }

  /** Absolute time of an inbound packet, once the peer sent a sender report (SPEC §5.7). */
  packetNtp(media: Media, pkt: RtpPacket): Date | undefined {
    const sm = this.#sessionMedia(media);
    const fi = sm.formatIndex(pkt.payloadType);
    if (fi < 0) return undefined;
    return sm.formats[fi].receiver?.packetNtp(pkt);
  }

  // ---- stats ----

  /** Statistics (SPEC §1.7). */
  stats(): ServerSessionStats {
    const out: ServerSessionStats = {
      inboundBytes: 0,
      inboundRtpPackets: 0,
      inboundRtpPacketsLost: 0,
      inboundRtpPacketsInError: 0,
      inboundRtpPacketsJitter: 0,
      inboundRtcpPackets: 0,
      inboundRtcpPacketsInError: 0,
      outboundBytes: 0,
      outboundRtpPackets: 0,
      outboundRtpPacketsReportedLost: 0,
      outboundRtcpPackets: 0,
      medias: new Map(),
    };
    let jitterSum = 0;
    let jitterCount = 0;
    for (const sm of this.#medias) {
      const formats = new Map<Format, ServerSessionFormatStats>();
      for (const sf of sm.formats) {
        const rs = sf.receiver?.stats;
        const fs: ServerSessionFormatStats = {
          inboundRtpPackets: rs?.packets ?? 0,
          inboundRtpPacketsLost: rs?.lost ?? 0,
          inboundRtpPacketsJitter: rs?.jitter ?? 0,
          inboundLastSequenceNumber: rs?.lastSequenceNumber,
          inboundLastRtp: rs?.lastRtp,
          inboundLastNtp: rs?.lastNtp,
          outboundRtpPackets: sf.outPackets,
          outboundRtpPacketsReportedLost: sf.outReportedLost,
          outboundLastSequenceNumber: sf.outLastSequenceNumber,
          outboundLastRtp: sf.outLastRtp,
          outboundLastNtp: sf.outPackets > 0 ? new Date(sf.outLastNtpMs) : undefined,
          localSsrc: sf.localSsrc,
          remoteSsrc: sf.receiver?.remoteSsrc,
        };
        formats.set(sf.format, fs);
        out.inboundRtpPackets += fs.inboundRtpPackets;
        out.inboundRtpPacketsLost += fs.inboundRtpPacketsLost;
        out.outboundRtpPackets += fs.outboundRtpPackets;
        out.outboundRtpPacketsReportedLost += fs.outboundRtpPacketsReportedLost;
        if (sf.receiver !== undefined) {
          jitterSum += fs.inboundRtpPacketsJitter;
          jitterCount++;
        }
      }
      out.inboundBytes += sm.inboundBytes;
      out.inboundRtpPacketsInError += sm.inboundRtpPacketsInError;
      out.inboundRtcpPackets += sm.inboundRtcpPackets;
      out.inboundRtcpPacketsInError += sm.inboundRtcpPacketsInError;
      out.outboundBytes += sm.outboundBytes;
      out.outboundRtcpPackets += sm.outboundRtcpPackets;
      out.medias.set(sm.media, {
        inboundBytes: sm.inboundBytes,
        inboundRtpPacketsInError: sm.inboundRtpPacketsInError,
        inboundRtcpPackets: sm.inboundRtcpPackets,
        inboundRtcpPacketsInError: sm.inboundRtcpPacketsInError,
        outboundBytes: sm.outboundBytes,
        outboundRtcpPackets: sm.outboundRtcpPackets,
        formats,
      });
    }
    out.inboundRtpPacketsJitter = jitterCount === 0 ? 0 : jitterSum / jitterCount;
    return out;
  }

  // ---- lifetime ----

  /** @internal */
  _attach(conn: ServerConn): void {
    this.#conns.add(conn);
  }

  /** @internal A connection closed. */
  _detachConn(conn: ServerConn): void {
    this.#conns.delete(conn);
    if (this._tcpConn === conn) {
      this._close(new Error("Connection closed"));
      return;
    }
    if (this.#conns.size === 0) {
      const active = this.#state === "play" || this.#state === "record";
      if (active && this._protocol === "udp") return;
      this._close(new Error("Not in use"));
    }
  }

  /** @internal Liveness checks (SPEC §3.3). */
  _check(now: number): void {
    if (this.#closed) return;
    const q = this.#queue;
    if (
      q !== undefined && q.stalledSince !== 0 && now - q.stalledSince >= this.#ctx.writeTimeoutMs
    ) {
      this._close(new Error("Write timeout"));
      return;
    }
    if (this._protocol !== "udp") return;
    if (this.#state === "record") {
      if (now - this.#lastRecvMs >= this.#ctx.readTimeoutMs) {
        this._close(new Error("Timed out: no RTP or RTCP received"));
      }
    } else if (this.#state === "play") {
      const last = Math.max(this.#lastRequestMs, this.#lastRecvMs);
      if (now - last >= this.#ctx.idleTimeoutMs) {
        this._close(new Error("Timed out: no RTSP request or RTCP received"));
      }
    }
  }

  /** @internal Closes the session, its connections, and fires onSessionClose. */
  _close(error: Error): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#stopActive();
    this.#stream?._unregister(this);
    for (const sm of this.#medias) {
      for (const sf of sm.formats) {
        sf.receiver?.close();
        sf.reporter?.close();
        sf.onRtp = undefined;
      }
      sm.onRtcp = undefined;
    }
    this.#ctx.sessions.delete(this.id);
    const conns = [...this.#conns];
    this.#conns.clear();
    for (const c of conns) {
      c._unlink(this);
      c._close(error);
    }
    this.#notify(this.#ctx.handler.onSessionClose, { session: this, error });
  }

  // ---- request handling ----

  #sessionHeader(): string {
    return formatSessionHeader(
      this.id,
      Math.max(Math.floor(this.#ctx.idleTimeoutMs / 1000) - 5, 1),
    );
  }

  #finish(
    conn: ServerConn,
    req: RtspRequest,
    result: HandlerResult,
    withSession = true,
  ): RouteResult {
    const res = handlerResponse(result);
    const out = conn._applyError(req, result, res);
    if (withSession && result.error === undefined) {
      res.headers.set("Session", this.#sessionHeader());
    }
    return out;
  }

  /** @internal Handles a request routed into this session. */
  async _handle(
    conn: ServerConn,
    req: RtspRequest,
    url: RtspUrl | undefined,
  ): Promise<RouteResult> {
    if (this.#closed) throw bad("Session closed", 454);
    this.#lastRequestMs = this.#ctx.now();
    const h = this.#ctx.handler;
    switch (req.method) {
      case "OPTIONS": {
        const res = simpleResponse(200);
        res.headers.set("Public", conn._public());
        res.headers.set("Session", this.#sessionHeader());
        return { response: res };
      }
      case "ANNOUNCE":
        return await this.#announce(conn, req, needUrl(url));
      case "SETUP":
        return await this.#setup(conn, req, needUrl(url));
      case "PLAY":
        return await this.#play(conn, req, needUrl(url));
      case "RECORD":
        return await this.#record(conn, req, needUrl(url));
      case "PAUSE":
        return await this.#pause(conn, req, needUrl(url));
      case "TEARDOWN": {
        this.#conns.delete(conn);
        conn._unlink(this);
        if (this._tcpConn === conn) this._tcpConn = undefined;
        return { response: simpleResponse(200), after: () => this._close(new Error("Torn down")) };
      }
      case "GET_PARAMETER":
      case "SET_PARAMETER": {
        const cb = req.method === "GET_PARAMETER" ? h.onGetParameter : h.onSetParameter;
        if (cb === undefined) {
          if (req.method === "SET_PARAMETER") return { response: simpleResponse(501) };
          const res = simpleResponse(200);
          res.headers.set("Content-Type", "text/parameters");
          res.headers.set("Session", this.#sessionHeader());
          return { response: res };
        }
        const { path, query } = url === undefined
          ? { path: "*", query: undefined }
          : readerPathAndQuery(url);
        const result = await conn._call(cb, { session: this, conn, request: req, path, query });
        return this.#finish(conn, req, result);
      }
    }
    return { response: simpleResponse(501) };
  }

  async #announce(conn: ServerConn, req: RtspRequest, url: RtspUrl): Promise<RouteResult> {
    if (this.#state !== "initial") throw bad("Invalid state");
    const ct = singleHeader(req, "Content-Type");
    if (ct === undefined) throw bad("Missing Content-Type");
    if (ct.split(";")[0].trim().toLowerCase() !== "application/sdp") {
      throw bad("Unsupported Content-Type");
    }
    let desc: SessionDescription;
    try {
      desc = parseSessionDescription(new TextDecoder().decode(req.body));
    } catch (error) {
      throw new RtspError(400, "INVALID_SDP", (error as Error).message);
    }
    const path = url.path;
    const query = url.query;
    const result = await conn._call(this.#ctx.handler.onAnnounce, {
      session: this,
      conn,
      request: req,
      path,
      query,
      description: desc,
    });
    const out = this.#finish(conn, req, result, false);
    if (result.response.statusCode === 200 && result.error === undefined) {
      this.#state = "preRecord";
      this.#path = path;
      this.#query = query;
      this.#announced = desc;
    }
    return out;
  }

  #pickTransport(conn: ServerConn, list: TransportHeader[]): TransportHeader | undefined {
    const ctx = this.#ctx;
    for (const t of list) {
      // SAVP keys travel in clear inside the request: only over TLS.
      if (t.profile === "savp" && !ctx.tls) continue;
      if (t.protocol === "udp") {
        if (conn.transport().tunnel !== "none") continue;
        // Plain RTP over UDP would leak the media of an RTSPS session.
        if (ctx.tls && t.profile !== "savp") continue;
        if (t.delivery === "multicast" ? ctx.multicast === undefined : ctx.udp === undefined) {
          continue;
        }
      }
      return t;
    }
    return undefined;
  }

  async #setup(conn: ServerConn, req: RtspRequest, url: RtspUrl): Promise<RouteResult> {
    const state = this.#state;
    if (state !== "initial" && state !== "prePlay" && state !== "preRecord") {
      throw bad("Invalid state");
    }
    const tv = singleHeader(req, "Transport");
    if (tv === undefined) throw bad("Missing Transport header");
    const chosen = this.#pickTransport(conn, parseTransports(tv));
    if (chosen === undefined) throw bad("Unsupported transport", 461, false);
    const isPublisher = state === "preRecord";
    const protocol: SessionTransport["protocol"] = chosen.protocol === "tcp"
      ? "tcp"
      : chosen.delivery === "multicast"
      ? "udp-multicast"
      : "udp";
    let path: string;
    let query: string | undefined;
    let trackId = "";
    if (isPublisher) {
      path = this.#path!;
      query = this.#query;
    } else {
      ({ path, query, trackId } = setupPathQueryAndTrack(url));
      if (state === "prePlay" && !samePath(path, this.#path)) throw bad("Path changed");
    }
    let srtpIn: SrtpContext | undefined;
    if (chosen.profile === "savp") {
      const keyMgmt = singleHeader(req, "KeyMgmt");
      if (keyMgmt === undefined) throw bad("Missing KeyMgmt header");
      try {
        srtpIn = srtpContextFromKeyMgmt(keyMgmt);
      } catch (error) {
        throw bad(`Invalid KeyMgmt header: ${(error as Error).message}`);
      }
    }
    if (
      this.#transport !== undefined &&
      (this.#transport.protocol !== protocol || this.#transport.profile !== chosen.profile)
    ) {
      throw bad("Cannot mix transports");
    }
    let interleaved: [number, number] | undefined;
    if (protocol === "udp" && chosen.clientPorts === undefined) throw bad("Missing client_port");
    if (protocol === "tcp") {
      if (chosen.interleaved !== undefined) {
        interleaved = chosen.interleaved;
        if (interleaved[1] !== interleaved[0] + 1) throw bad("Invalid interleaved ports");
        if (
          this.#channels[interleaved[0]] !== undefined ||
          this.#channels[interleaved[1]] !== undefined
        ) {
          throw bad("Interleaved channels already in use");
        }
      } else {
        let a = 0;
        while (this.#channels[a] !== undefined || this.#channels[a + 1] !== undefined) a += 2;
        interleaved = [a, a + 1];
      }
    }
    if (isPublisher) {
      if (protocol === "udp-multicast") {
        throw bad("Multicast is not supported for publishing", 461, false);
      }
      if (chosen.mode !== "record") throw bad("Transport mode must be record");
    } else if (chosen.mode !== undefined && chosen.mode !== "play") {
      throw bad("Transport mode must be play");
    }
    const transport: SessionTransport = { protocol, profile: chosen.profile };
    const result = await conn._call(this.#ctx.handler.onSetup, {
      session: this,
      conn,
      request: req,
      path,
      query,
      transport: { ...transport },
    });
    if (result.response.statusCode !== 200 || result.error !== undefined) {
      return this.#finish(conn, req, result);
    }

    let media: Media;
    let index: number;
    let ssrcs: number[];
    const stream = result.stream;
    if (isPublisher) {
      if (stream !== undefined) throw new TypeError("onSetup returned a stream for a publisher");
      const desc = this.#announced!;
      index = desc.medias.findIndex((m) => controlMatches(m.control, req.url, url, path, query));
      if (index < 0) throw bad("Media not found");
      media = desc.medias[index];
      if (this.#medias.some((m) => m.media === media)) throw bad("Media already set up");
      ssrcs = this.#uniqueSsrcs(media.formats.length);
    } else {
      if (stream === undefined) throw new TypeError("onSetup returned 200 without a stream");
      if (this.#stream !== undefined && this.#stream !== stream) {
        throw new TypeError("onSetup returned another stream");
      }
      if (!/^\d*$/.test(trackId)) throw bad("Invalid track ID");
      index = trackId === "" ? 0 : Number(trackId);
      if (index >= 2 ** 31 || index >= stream.desc.medias.length) throw bad("Invalid track ID");
      media = stream.desc.medias[index];
      if (this.#medias.some((m) => m.media === media)) throw bad("Media already set up");
      if (stream.closed) throw bad("Stream closed");
      if (this.#stream === undefined) {
        if (
          protocol === "udp" &&
          stream._udpClientInUse(this, conn.remoteAddress.hostname, chosen.clientPorts![0])
        ) {
          throw bad("Client ports already in use by another reader");
        }
        stream._register(this);
        this.#stream = stream;
      }
      if (protocol === "udp-multicast") await stream._ensureMulticast(this);
      ssrcs = stream._ssrcs(media);
    }

    const sm = new SessionMedia(this, media, index, ssrcs);
    let keyMgmtData: string | undefined;
    if (srtpIn !== undefined) {
      sm.srtpIn = srtpIn;
      if (isPublisher) {
        // Receiver reports to a publisher go out under a fresh server key.
        const key = newSrtpKey();
        sm.srtpOut = new SrtpContext(key);
        keyMgmtData = mikeyBase64(key, sm.formats.map((f) => ({ ssrc: f.localSsrc, roc: 0 })));
      } else {
        sm.srtpOut = stream!._srtp(media);
        keyMgmtData = stream!._keyMgmt(media);
      }
    }
    const header: TransportHeader = {
      protocol: chosen.protocol,
      profile: chosen.profile,
      delivery: "unicast",
    };
    if (protocol === "tcp") {
      sm.tcpChannel = interleaved![0];
      this.#channels[interleaved![0]] = sm;
      this.#channels[interleaved![1]] = sm;
      header.interleaved = interleaved;
    } else if (protocol === "udp") {
      const ip = conn.remoteAddress.hostname;
      sm.udpRtp = { hostname: ip, port: chosen.clientPorts![0] };
      sm.udpRtcp = { hostname: ip, port: chosen.clientPorts![1] };
      header.clientPorts = chosen.clientPorts;
      header.serverPorts = [this.#ctx.udp!.rtpPort, this.#ctx.udp!.rtcpPort];
    } else {
      const mc = stream!._multicastOf(media)!;
      header.delivery = "multicast";
      header.destination = mc.ip;
      header.ports = [mc.rtpPort, mc.rtcpPort];
      header.ttl = 127;
    }
    if (!isPublisher && media.formats.length === 1) header.ssrc = ssrcs[0];
    this.#medias.push(sm);
    if (this.#onRtpAny !== undefined) this.onPacketRtpAny(this.#onRtpAny);
    this.#transport = transport;
    if (this.#state === "initial") {
      this.#state = "prePlay";
      this.#path = path;
      this.#query = query;
    }
    const out = this.#finish(conn, req, result);
    out.response.headers.set("Transport", formatTransport(header));
    if (keyMgmtData !== undefined) {
      out.response.headers.set(
        "KeyMgmt",
        formatKeyMgmt({ prot: "mikey", uri: req.url, data: keyMgmtData }),
      );
    }
    // Interop: GStreamer's rtspclientsink races when the SETUP response comes too fast.
    if (req.headers.get("User-Agent")?.startsWith("GStreamer")) {
      await new Promise((resolve) => setTimeout(resolve, GSTREAMER_SETUP_DELAY_MS));
    }
    return out;
  }

  #uniqueSsrcs(n: number): number[] {
    const used = new Set<number>();
    for (const m of this.#medias) for (const f of m.formats) used.add(f.localSsrc);
    const out: number[] = [];
    while (out.length < n) {
      const s = randomUint32NonZero();
      if (!used.has(s)) {
        used.add(s);
        out.push(s);
      }
    }
    return out;
  }

  /** @internal */
  _usesUdpClient(ip: string, port: number): boolean {
    return this._creatorIp === ip && this.#medias.some((m) => m.udpRtp?.port === port);
  }

  #prepareWriter(conn: ServerConn, capacity: number): void {
    if (this.#transport!.protocol === "tcp") {
      this.#queue = new WriteQueue(conn._tcp, capacity, this.#ctx.now, this.#ctx.adapter);
      for (const sm of this.#medias) sm.queue = this.#queue;
    } else if (this.#transport!.protocol === "udp") {
      this.#udpPending = [];
    }
    this.#writerState = "pending";
  }

  #discardWriter(): void {
    this.#queue?.close();
    this.#queue = undefined;
    this.#udpPending = undefined;
    this.#writerState = "none";
    for (const sm of this.#medias) {
      sm.queue = undefined;
      for (const sf of sm.formats) {
        sf.reporter?.close();
        sf.reporter = undefined;
        sf.receiver?.close();
        sf.receiver = undefined;
      }
    }
  }

  #startWriter(conn: ServerConn): void {
    this.#writerState = "running";
    if (this.#queue !== undefined) {
      conn._addQueue(this.#queue);
      this.#queue.start();
    }
    const pending = this.#udpPending;
    this.#udpPending = undefined;
    if (pending !== undefined) {
      for (const [rtcp, data, to] of pending) this.#sendUdp(rtcp, data, to);
    }
  }

  #createReporters(): void {
    const ctx = this.#ctx;
    if (ctx.disableRtcpSenderReports || this.#transport!.protocol === "udp-multicast") return;
    for (const sm of this.#medias) {
      sm.formats.forEach((sf, fi) => {
        if (sf.format.clockRate <= 0) return;
        // RFC 3550 §6.1: every compound carries the stream's CNAME for the SSRC after the SR.
        const sdes = this.#stream!._sourceDescription(sm.media, fi);
        sf.reporter = new RtcpSenderReporter({
          clockRate: sf.format.clockRate,
          ssrc: sf.localSsrc,
          periodMs: ctx.senderReportPeriodMs,
          now: ctx.now,
          send: (sr) => {
            this._writeRtcpBytes(sm, encodeRtcp([sr, sdes]), false);
          },
        });
      });
    }
  }

  #createReceivers(backChannelsOnly: boolean): void {
    const ctx = this.#ctx;
    const udp = this.#transport!.protocol !== "tcp";
    for (const sm of this.#medias) {
      if (backChannelsOnly && !sm.media.isBackChannel) continue;
      for (const sf of sm.formats) {
        sf.receiver = new RtpReceiver({
          clockRate: sf.format.clockRate,
          localSsrc: sf.localSsrc,
          reorder: udp,
          periodMs: ctx.receiverReportPeriodMs,
          now: ctx.now,
          sendReport: udp
            ? (rr) => void this._writeRtcpBytes(sm, encodeRtcp([rr]), true)
            : undefined,
          onPacketsLost: (lost) => this.#packetsLost(lost),
        });
      }
    }
  }

  #packetsLost(lost: number): void {
    if (!this.#notify(this.#ctx.handler.onPacketsLost, { session: this, lost })) {
      logWarning(`session ${this.id}: ${lost} RTP packets lost`);
    }
  }

  #decodeError(error: Error): void {
    this.#ctx.counters.decodeErrors++;
    if (!this.#notify(this.#ctx.handler.onDecodeError, { session: this, error })) {
      logWarning(`session ${this.id}: ${error.message}`);
    }
  }

  /**
   * A user's packet callback threw. The packet is already consumed, so the only thing to do is
   * count it and say so once per session: logging every packet would flood the log at line rate.
   */
  #packetCallbackError(callback: string, error: unknown): void {
    this.#ctx.counters.packetCallbackErrors++;
    if (this.#packetCallbackErrorLogged) return;
    this.#packetCallbackErrorLogged = true;
    const message = error instanceof Error ? error.message : String(error);
    logWarning(
      `session ${this.id}: ${callback} callback threw (further errors counted): ${message}`,
    );
  }

  #registerUdp(withRtp: (sm: SessionMedia) => boolean): void {
    const udp = this.#ctx.udp;
    if (udp === undefined) return;
    for (const sm of this.#medias) {
      if (sm.udpRtp === undefined) continue;
      const rtcpKey = addrKey(sm.udpRtcp!);
      udp.rtcpReceivers.set(rtcpKey, (data) => this.#onRtcp(sm, data, true));
      this.#udpKeys.push([true, rtcpKey]);
      if (withRtp(sm)) {
        const rtpKey = addrKey(sm.udpRtp);
        udp.rtpReceivers.set(rtpKey, (data) => this.#onRtp(sm, data, true));
        this.#udpKeys.push([false, rtpKey]);
      }
    }
  }

  #unregisterUdp(): void {
    const udp = this.#ctx.udp;
    if (udp === undefined) return;
    for (const [rtcp, key] of this.#udpKeys) {
      (rtcp ? udp.rtcpReceivers : udp.rtpReceivers).delete(key);
    }
    this.#udpKeys = [];
  }

  /** Stops play/record machinery (PAUSE, close). */
  #stopActive(): void {
    if (this.#state === "play") this.#stream?._deactivate(this);
    if (this.#queue !== undefined) this._tcpConn?._removeQueue(this.#queue);
    this.#discardWriter();
    this.#unregisterUdp();
    this._tcpConn = undefined;
  }

  /**
   * Calls the PLAY or RECORD handler with the session's request context. If the handler throws,
   * the writer prepared for this request (when `writerPrepared`) is discarded first.
   */
  async #callStartHandler(
    conn: ServerConn,
    handler: ServerHandler["onPlay" | "onRecord"],
    call: { request: RtspRequest; path: string; query?: string; writerPrepared: boolean },
  ): Promise<HandlerResult> {
    const { request, path, query, writerPrepared } = call;
    try {
      return await conn._call(handler, { session: this, conn, request, path, query });
    } catch (error) {
      if (writerPrepared) this.#discardWriter();
      throw error;
    }
  }

  async #play(conn: ServerConn, req: RtspRequest, url: RtspUrl): Promise<RouteResult> {
    const state = this.#state;
    if (state !== "prePlay" && state !== "play") throw bad("Invalid state");
    const { path, query } = readerPathAndQuery(url);
    if (state === "prePlay" && !samePath(path, this.#path)) throw bad("Path changed");
    const first = state === "prePlay";
    if (first) {
      this.#prepareWriter(conn, this.#ctx.writeQueueSize);
      this.#createReporters();
    }
    const result = await this.#callStartHandler(conn, this.#ctx.handler.onPlay, {
      request: req,
      path,
      query,
      writerPrepared: first,
    });
    const ok = result.response.statusCode === 200 && result.error === undefined;
    if (!first) return this.#finish(conn, req, result);
    if (!ok || this.#closed) {
      this.#discardWriter();
      return this.#finish(conn, req, result);
    }
    this.#state = "play";
    const out = this.#finish(conn, req, result);
    const entries: RtpInfoEntry[] = [];
    const now = this.#ctx.now();
    for (const sm of this.#medias) {
      const e: RtpInfoEntry = {
        url: `${url.scheme}://${url.host}${this.#path}/trackID=${sm.index}`,
      };
      const info = this.#stream!._rtpInfo(sm.media, now);
      if (info !== undefined) {
        e.sequenceNumber = info.seq;
        e.rtpTime = info.rtpTime;
      }
      entries.push(e);
    }
    if (entries.length > 0) out.response.headers.set("RTP-Info", formatRtpInfo(entries));
    const protocol = this.#transport!.protocol;
    if (protocol === "tcp") this._tcpConn = conn;
    this.#createReceivers(true);
    this.#lastRecvMs = now;
    out.after = () => {
      if (this.#closed || this.#state !== "play") return;
      this.#startWriter(conn);
      if (protocol === "udp") this.#registerUdp((sm) => sm.media.isBackChannel);
      if (protocol === "udp-multicast") this._multicastActive = true;
      this.#stream!._activate(this, this.#medias, protocol === "udp-multicast");
    };
    return out;
  }

  async #record(conn: ServerConn, req: RtspRequest, url: RtspUrl): Promise<RouteResult> {
    if (this.#state !== "preRecord") throw bad("Invalid state");
    if (this.#medias.length !== this.#announced!.medias.length) {
      throw bad("Not all medias are set up");
    }
    const { path, query } = readerPathAndQuery(url);
    if (!samePath(path, this.#path)) throw bad("Path changed");
    this.#prepareWriter(conn, RECORD_QUEUE_SIZE);
    const result = await this.#callStartHandler(conn, this.#ctx.handler.onRecord, {
      request: req,
      path,
      query,
      writerPrepared: true,
    });
    if (result.response.statusCode !== 200 || result.error !== undefined || this.#closed) {
      this.#discardWriter();
      return this.#finish(conn, req, result);
    }
    this.#state = "record";
    const out = this.#finish(conn, req, result);
    const protocol = this.#transport!.protocol;
    if (protocol === "tcp") this._tcpConn = conn;
    this.#lastRecvMs = this.#ctx.now();
    out.after = () => {
      if (this.#closed || this.#state !== "record") return;
      this.#createReceivers(false);
      if (protocol === "udp") {
        // Punch holes: an empty RTP packet and an empty RR (SPEC §4.2).
        const udp = this.#ctx.udp!;
        for (const sm of this.#medias) {
          let rtp: Uint8Array = new Uint8Array(12);
          rtp[0] = 0x80;
          let rr: Uint8Array = new Uint8Array([0x80, 0xc9, 0x00, 0x01, 0, 0, 0, 0]);
          if (sm.srtpOut !== undefined) {
            rtp = sm.srtpOut.protectRtp(rtp);
            rr = sm.srtpOut.protectRtcp(rr);
          }
          udp.rtp.send(rtp, sm.udpRtp!);
          udp.rtcp.send(rr, sm.udpRtcp!);
        }
        this.#registerUdp(() => true);
      }
      this.#startWriter(conn);
    };
    return out;
  }

  async #pause(conn: ServerConn, req: RtspRequest, url: RtspUrl): Promise<RouteResult> {
    const state = this.#state;
    if (state === "initial") throw bad("Invalid state");
    const { path, query } = readerPathAndQuery(url);
    const result = await conn._call(this.#ctx.handler.onPause, {
      session: this,
      conn,
      request: req,
      path,
      query,
    });
    if (result.response.statusCode === 200 && result.error === undefined) {
      if (state === "play" || state === "record") {
        this.#stopActive();
        this.#state = state === "play" ? "prePlay" : "preRecord";
      }
    }
    return this.#finish(conn, req, result);
  }

  // ---- inbound packets ----

  /** @internal Whether `conn` may send interleaved frames now. */
  _acceptsFramesFrom(conn: ServerConn): boolean {
    return this._tcpConn === conn && (this.#state === "play" || this.#state === "record");
  }

  /** @internal An interleaved frame. */
  _onTcpFrame(channel: number, payload: Uint8Array): void {
    const sm = this.#channels[channel];
    if (sm === undefined) return;
    if (channel === sm.tcpChannel) {
      if (this.#state === "play" && !sm.media.isBackChannel) return;
      this.#onRtp(sm, payload, false);
    } else {
      this.#onRtcp(sm, payload, false);
    }
  }

  /** @internal RTCP from a multicast reader. */
  _onMulticastRtcp(media: Media, data: Uint8Array): void {
    const sm = this.#medias.find((m) => m.media === media);
    if (sm !== undefined) this.#onRtcp(sm, data, true);
  }

  #onRtp(sm: SessionMedia, data: Uint8Array, udp: boolean): void {
    if (this.#closed) return;
    sm.inboundBytes += data.length;
    if (udp && data.length > MAX_UDP_READ) {
      sm.inboundRtpPacketsInError++;
      this.#decodeError(new Error("RTP packet is too big to be read with UDP"));
      return;
    }
    let pkt: RtpPacket;
    try {
      pkt = decodeRtp(sm.srtpIn !== undefined ? sm.srtpIn.unprotectRtp(data) : data);
    } catch (error) {
      sm.inboundRtpPacketsInError++;
      this.#decodeError(error as Error);
      return;
    }
    const fi = sm.formatIndex(pkt.payloadType);
    if (fi < 0) {
      sm.inboundRtpPacketsInError++;
      this.#decodeError(
        new Error(`Received RTP packet with unknown payload type: ${pkt.payloadType}`),
      );
      return;
    }
    const sf = sm.formats[fi];
    const receiver = sf.receiver;
    if (
      sm.srtpIn !== undefined && receiver?.remoteSsrc !== undefined &&
      receiver.remoteSsrc !== pkt.ssrc >>> 0
    ) {
      // Under SRTP the key was handed over for one sender: a new SSRC is not that sender.
      sm.inboundRtpPacketsInError++;
      this.#decodeError(new Error(`Received RTP packet with wrong SSRC: ${pkt.ssrc >>> 0}`));
      return;
    }
    this.#lastRecvMs = this.#ctx.now();
    if (receiver === undefined) return;
    const out = receiver.processRtp(pkt, sf.format.ptsEqualsDts(pkt));
    const cb = sf.onRtp;
    if (cb === undefined) return;
    for (let i = 0; i < out.length; i++) {
      if (this.#closed) return;
      try {
        cb(out[i]);
      } catch (error) {
        this.#packetCallbackError("onPacketRtp", error);
      }
    }
  }

  #onRtcp(sm: SessionMedia, data: Uint8Array, udp: boolean): void {
    if (this.#closed) return;
    sm.inboundBytes += data.length;
    if (data.length > MAX_UDP_READ) {
      sm.inboundRtcpPacketsInError++;
      this.#decodeError(
        new Error(
          udp ? "RTCP packet is too big to be read with UDP" : "RTCP packet size exceeds maximum",
        ),
      );
      return;
    }
    let pkts: RtcpPacket[];
    try {
      pkts = decodeRtcp(sm.srtpIn !== undefined ? sm.srtpIn.unprotectRtcp(data) : data);
    } catch (error) {
      sm.inboundRtcpPacketsInError++;
      this.#decodeError(error as Error);
      return;
    }
    this.#lastRecvMs = this.#ctx.now();
    sm.inboundRtcpPackets += pkts.length;
    for (const p of pkts) {
      if (p.type === "sr") {
        for (const sf of sm.formats) {
          if (
            sf.receiver !== undefined &&
            (sf.receiver.remoteSsrc === p.ssrc || sm.formats.length === 1)
          ) {
            sf.receiver.processSenderReport(p);
            break;
          }
        }
      } else if (p.type === "rr") {
        for (const rep of p.reports) {
          for (const sf of sm.formats) {
            if (sf.localSsrc === rep.ssrc) sf.outReportedLost = rep.totalLost;
          }
        }
      }
      const cb = sm.onRtcp;
      if (cb !== undefined) {
        if (this.#closed) return;
        try {
          cb(p);
        } catch (error) {
          this.#packetCallbackError("onPacketRtcp", error);
        }
      }
    }
  }
}

/**
 * Compares a request path with the session's (SPEC §2.3). `""` and `"/"` are the same root path:
 * GStreamer sets up `rtsp://h/trackID=0` (path `""`) and then plays the Content-Base
 * `rtsp://h//` (path `"/"`).
 */
function samePath(a: string, b: string | undefined): boolean {
  return a === b || ((a === "" || a === "/") && (b === "" || b === "/"));
}

function needUrl(url: RtspUrl | undefined): RtspUrl {
  if (url === undefined) throw bad("Invalid URL");
  return url;
}

function controlMatches(
  control: string,
  requestUrl: string,
  url: RtspUrl,
  path: string,
  query: string | undefined,
): boolean {
  if (/^rtsps?:\/\//i.test(control)) return control === requestUrl;
  const base = `${url.scheme}://${url.host}${path}`;
  const ffmpeg = base + (query !== undefined ? `?${query}/${control}` : `/${control}`);
  const gst = base + `/${control}` + (query !== undefined ? `?${query}` : "");
  return requestUrl === ffmpeg || requestUrl === gst;
}
