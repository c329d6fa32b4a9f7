import type {
  NetAdapter,
  NetAddr,
  TcpListener,
  TcpListenOptions,
  UdpSocket,
} from "../net/types.ts";
import type { AuthMethod } from "../rtsp/auth.ts";
import { MulticastIpAllocator } from "./multicast_ip_allocator.ts";
import { LOGIN_THROTTLE_MAX_IPS, LoginThrottle } from "./_login_throttle.ts";
import {
  addrKey,
  normalizeIp,
  type ServerContext,
  type ServerCounters,
  type UdpPair,
} from "./_server_context.ts";
import { ServerConn } from "./server_conn.ts";
import type { ServerHandler } from "./server_handler.ts";

/** Options of {@linkcode Server} (SPEC §1.1). */
export interface ServerOptions {
  /** `host:port` of the RTSP listener; port 0 picks a free port. */
  rtspAddress: string;
  /** `host:port` of the shared UDP RTP socket (even port); enables UDP unicast with `udpRtcpAddress`. */
  udpRtpAddress?: string;
  /** `host:port` of the shared UDP RTCP socket (RTP port + 1). */
  udpRtcpAddress?: string;
  /** Multicast range such as `224.1.0.0/16`; with both multicast ports enables multicast. */
  multicastIpRange?: string;
  /** Multicast RTP port (even). */
  multicastRtpPort?: number;
  /** Multicast RTCP port (RTP port + 1). */
  multicastRtcpPort?: number;
  /**
   * Read timeout in ms (default 10000): the idle limit of a TCP publisher (SPEC §3.3), and the
   * deadline of every RTSP message: once its first byte arrived, a request (or interleaved frame)
   * must be complete within this time, else the connection is closed (slowloris). Bytes that
   * keep trickling in do not extend it.
   */
  readTimeoutMs?: number;
  /**
   * Write timeout in ms (default 10000): a connection whose output (interleaved frames and RTSP
   * responses alike) stays above the output bound for this long is closed. While the output is
   * over the bound, no further request of that connection is processed, so a client that sends
   * requests without reading the responses cannot grow the server's memory.
   */
  writeTimeoutMs?: number;
  /** Idle timeout in ms (default 60000). */
  idleTimeoutMs?: number;
  /**
   * Serve RTSPS with this certificate and key. Also turns on SRTP: stream medias are offered as
   * `RTP/SAVP` with a MIKEY key, SETUP accepts `RTP/SAVP` (UDP, TCP, multicast) with a `KeyMgmt`
   * header, and plain `RTP/AVP` is then allowed only over TCP inside the TLS connection.
   */
  tls?: { cert: string; key: string };
  /** SO_RCVBUF of every UDP socket. */
  udpReadBufferSize?: number;
  /** Capacity of each reader queue, a power of two (default 256). */
  writeQueueSize?: number;
  /** Maximum outbound RTP/RTCP packet size, at most 1472 (default 1472). */
  maxPacketSize?: number;
  /**
   * Maximum number of open RTSP connections (default 1024, a deliberately generous bound; SPEC
   * §8 has none). A connection accepted over the limit is closed at once, without a response,
   * and counted in `stats().rejectedConnections`; open connections are not affected.
   */
  maxConnections?: number;
  /**
   * Maximum number of sessions (default 1024, deliberately generous). A SETUP or ANNOUNCE that
   * would create one more is answered 503 Service Unavailable and counted in
   * `stats().rejectedSessions`; the connection stays open.
   */
  maxSessions?: number;
  /**
   * Requests per second a connection may send (default 100), enforced by a token bucket with a
   * burst of the same size; interleaved frames do not count. A request over the rate is answered
   * 503 Service Unavailable, then the connection is closed and counted in
   * `stats().rejectedRequests` (a flooding client gets no second chance).
   */
  maxRequestsPerSecond?: number;
  /** Suppress automatic sender reports. */
  disableRtcpSenderReports?: boolean;
  /** Authentication methods offered in challenges (default `["basic", "digest-md5"]`). */
  authMethods?: AuthMethod[];
  /** Realm of challenges (default `ipcam`). */
  authRealm?: string;
  /**
   * Lifetime of a digest nonce in ms (default 300000, 5 minutes, as Apache's
   * `AuthDigestNonceLifetime`). Each connection gets its own nonce; once it is older than this,
   * a request signed with it and otherwise correct is answered 401 with a fresh nonce and
   * `stale=true` (RFC 7616 §3.3), so clients retry without asking the user; wrong credentials
   * still get a bare 401 and the connection is closed.
   */
  authNonceLifetimeMs?: number;
  /**
   * Wrong credentials from one client IP within `authFailureWindowMs` that lock that IP out
   * (default 5; 0 disables the throttle). A request that carries credentials from a locked-out
   * IP is refused like wrong credentials (401, connection closed) without being checked, and
   * counted in `stats().throttledLogins`; wrong credentials are counted in
   * `stats().failedLogins`. Other IPs are not affected. At most 4096 IPs are tracked at once
   * (the least recently failing is forgotten first), so memory stays bounded.
   */
  authMaxFailures?: number;
  /** Window in ms over which failed logins of an IP are counted (default 60000). */
  authFailureWindowMs?: number;
  /** How long in ms an IP stays locked out after `authMaxFailures` (default 60000). */
  authLockoutMs?: number;
  /** Callbacks. */
  handler?: ServerHandler;
  /** Socket adapter; detected from the runtime when absent. */
  runtime?: NetAdapter;
  /** Test hook: clock in ms since the epoch. */
  now?: () => number;
  /** Test hook: sender report period in ms (default 10000). */
  senderReportPeriodMs?: number;
  /** Test hook: receiver report period in ms (default 10000). */
  receiverReportPeriodMs?: number;
  /** Test hook: period of liveness checks in ms (default 1000). */
  checkStreamPeriodMs?: number;
}

function parseHostPort(value: string, option: string): NetAddr {
  const m = /^(?:\[([^\]]*)\]|([^:]*)):(\d{1,5})$/.exec(value);
  if (m === null) throw new TypeError(`Invalid ${option}: "${value}"`);
  const port = Number(m[3]);
  if (port > 65535) throw new RangeError(`Invalid ${option}: port ${port}`);
  let hostname = m[1] ?? m[2];
  if (hostname === "") hostname = "0.0.0.0";
  return { hostname, port };
}

/** Counters of {@linkcode Server.stats} (counters are monotonic, kept after close). */
export interface ServerStats {
  /** Open RTSP connections. */
  connections: number;
  /** Open sessions. */
  sessions: number;
  /** Connections closed at once because `maxConnections` were open. */
  rejectedConnections: number;
  /** SETUP/ANNOUNCE answered 503 because `maxSessions` existed. */
  rejectedSessions: number;
  /** Connections closed for going over `maxRequestsPerSecond`. */
  rejectedRequests: number;
  /** Connections closed because a message was not complete within `readTimeoutMs`. */
  timedOutRequests: number;
  /** Datagrams on the shared UDP sockets from addresses no session expects (dropped). */
  foreignUdpPackets: number;
  /** Inbound RTP/RTCP packets dropped as undecodable (SPEC §5.6), all sessions together. */
  decodeErrors: number;
  /**
   * Exceptions thrown by `onPacketRtp*` / `onPacketRtcp*` callbacks. They are caught so that one
   * faulty callback cannot stop the packets of the session or take the server down.
   */
  packetCallbackErrors: number;
  /** Requests answered 401 for wrong credentials (the connection is then closed). */
  failedLogins: number;
  /** Requests with credentials refused unchecked because their IP was locked out. */
  throttledLogins: number;
}

function checkPositive(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`Invalid ${name}: ${value}`);
  return value;
}

/**
 * An RTSP server (SPEC §1). Requests are answered by the callbacks of `handler`; media is
 * delivered through {@linkcode ServerStream} objects.
 *
 * @example Start and close a server
 * ```ts
 * import assert from "node:assert/strict";
 * import { Server } from "./server.ts";
 * const server = new Server({ rtspAddress: "127.0.0.1:0" });
 * await server.start();
 * assert.ok(server.address().port > 0);
 * await server.close();
 * ```
 */
export class Server implements AsyncDisposable {
  #options: ServerOptions;
  #ctx: ServerContext | undefined;
  #listener: TcpListener | undefined;
  #udpSockets: UdpSocket[] = [];
  #timer: ReturnType<typeof setInterval> | undefined;
  #started = false;
  #closed = false;
  #waitPromise: Promise<Error>;
  #resolveWait!: (error: Error) => void;
  #counters: ServerCounters = {
    rejectedConnections: 0,
    rejectedSessions: 0,
    rejectedRequests: 0,
    timedOutRequests: 0,
    foreignUdpPackets: 0,
    decodeErrors: 0,
    packetCallbackErrors: 0,
    failedLogins: 0,
    throttledLogins: 0,
  };

  /** @param options Server options; validated by {@linkcode Server.start}. */
  constructor(options: ServerOptions) {
    this.#options = { ...options };
    this.#waitPromise = new Promise((resolve) => (this.#resolveWait = resolve));
  }

  /**
   * Validates the options and binds every socket.
   *
   * @throws {TypeError|RangeError} On invalid options; a `NetError` when binding fails.
   */
  async start(): Promise<void> {
    if (this.#started) throw new Error("Server already started");
    if (this.#closed) throw new Error("Server closed");
    const o = this.#options;
    if (typeof o.rtspAddress !== "string" || o.rtspAddress === "") {
      throw new TypeError("Invalid options: rtspAddress is required");
    }
    const rtspAddr = parseHostPort(o.rtspAddress, "rtspAddress");
    let udpRtp: NetAddr | undefined;
    let udpRtcp: NetAddr | undefined;
    if ((o.udpRtpAddress === undefined) !== (o.udpRtcpAddress === undefined)) {
      throw new TypeError("Invalid options: udpRtpAddress and udpRtcpAddress go together");
    }
    if (o.udpRtpAddress !== undefined && o.udpRtcpAddress !== undefined) {
      udpRtp = parseHostPort(o.udpRtpAddress, "udpRtpAddress");
      udpRtcp = parseHostPort(o.udpRtcpAddress, "udpRtcpAddress");
      if (udpRtp.port % 2 !== 0) throw new RangeError("Invalid options: RTP port must be even");
      if (udpRtcp.port !== udpRtp.port + 1) {
        throw new RangeError("Invalid options: RTCP port must be RTP port + 1");
      }
    }
    const mcCount = [o.multicastIpRange, o.multicastRtpPort, o.multicastRtcpPort]
      .filter((v) => v !== undefined).length;
    if (mcCount !== 0 && mcCount !== 3) {
      throw new TypeError(
        "Invalid options: multicastIpRange, multicastRtpPort and multicastRtcpPort go together",
      );
    }
    let allocator: MulticastIpAllocator | undefined;
    if (mcCount === 3) {
      allocator = new MulticastIpAllocator(o.multicastIpRange!);
      if (o.multicastRtpPort! % 2 !== 0) {
        throw new RangeError("Invalid options: multicast RTP port must be even");
      }
      if (o.multicastRtcpPort !== o.multicastRtpPort! + 1) {
        throw new RangeError("Invalid options: multicast RTCP port must be RTP port + 1");
      }
    }
    const writeQueueSize = o.writeQueueSize ?? 256;
    if (
      !Number.isInteger(writeQueueSize) || writeQueueSize < 1 ||
      (writeQueueSize & (writeQueueSize - 1)) !== 0
    ) {
      throw new RangeError(`Invalid options: writeQueueSize must be a power of two`);
    }
    const maxPacketSize = o.maxPacketSize ?? 1472;
    if (!Number.isInteger(maxPacketSize) || maxPacketSize > 1472 || maxPacketSize < 16) {
      throw new RangeError(`Invalid options: maxPacketSize must be at most 1472`);
    }
    const adapter = o.runtime ?? await detectAdapter();
    if (allocator !== undefined && !adapter.supportsMulticast) {
      throw new TypeError(
        `Invalid options: the ${adapter.name} adapter does not support multicast`,
      );
    }

    const ctx: ServerContext = {
      server: this,
      handler: o.handler ?? {},
      adapter,
      now: o.now ?? Date.now,
      readTimeoutMs: checkPositive(o.readTimeoutMs, "readTimeoutMs", 10000),
      writeTimeoutMs: checkPositive(o.writeTimeoutMs, "writeTimeoutMs", 10000),
      idleTimeoutMs: checkPositive(o.idleTimeoutMs, "idleTimeoutMs", 60000),
      writeQueueSize,
      maxPacketSize,
      maxConnections: checkCount(o.maxConnections, "maxConnections", 1024),
      maxSessions: checkCount(o.maxSessions, "maxSessions", 1024),
      maxRequestsPerSecond: checkPositive(o.maxRequestsPerSecond, "maxRequestsPerSecond", 100),
      counters: this.#counters,
      udpReadBufferSize: o.udpReadBufferSize,
      disableRtcpSenderReports: o.disableRtcpSenderReports ?? false,
      senderReportPeriodMs: checkPositive(o.senderReportPeriodMs, "senderReportPeriodMs", 10000),
      receiverReportPeriodMs: checkPositive(
        o.receiverReportPeriodMs,
        "receiverReportPeriodMs",
        10000,
      ),
      checkStreamPeriodMs: checkPositive(o.checkStreamPeriodMs, "checkStreamPeriodMs", 1000),
      authMethods: o.authMethods ?? ["basic", "digest-md5"],
      authRealm: o.authRealm ?? "ipcam",
      authNonceLifetimeMs: checkPositive(o.authNonceLifetimeMs, "authNonceLifetimeMs", 300_000),
      loginThrottle: new LoginThrottle({
        maxFailures: o.authMaxFailures === 0
          ? 0
          : checkCount(o.authMaxFailures, "authMaxFailures", 5),
        windowMs: checkPositive(o.authFailureWindowMs, "authFailureWindowMs", 60_000),
        lockoutMs: checkPositive(o.authLockoutMs, "authLockoutMs", 60_000),
        maxEntries: LOGIN_THROTTLE_MAX_IPS,
      }),
      tls: o.tls !== undefined,
      multicast: allocator === undefined
        ? undefined
        : { allocator, rtpPort: o.multicastRtpPort!, rtcpPort: o.multicastRtcpPort! },
      sessions: new Map(),
      conns: new Set(),
      tunnels: new Map(),
      closed: false,
    };

    try {
      if (udpRtp !== undefined && udpRtcp !== undefined) {
        const rtp = await adapter.bindUdp({
          ...udpRtp,
          receiveBufferSize: o.udpReadBufferSize,
        });
        this.#udpSockets.push(rtp);
        const rtcp = await adapter.bindUdp({
          ...udpRtcp,
          receiveBufferSize: o.udpReadBufferSize,
        });
        this.#udpSockets.push(rtcp);
        const pair: UdpPair = {
          rtp,
          rtcp,
          rtpPort: rtp.addr.port,
          rtcpPort: rtcp.addr.port,
          rtpReceivers: new Map(),
          rtcpReceivers: new Map(),
        };
        const counters = this.#counters;
        rtp.start({
          onMessage(data, from) {
            const receiver = pair.rtpReceivers.get(
              addrKey({ hostname: normalizeIp(from.hostname), port: from.port }),
            );
            if (receiver !== undefined) receiver(data);
            else counters.foreignUdpPackets++;
          },
        });
        rtcp.start({
          onMessage(data, from) {
            const receiver = pair.rtcpReceivers.get(
              addrKey({ hostname: normalizeIp(from.hostname), port: from.port }),
            );
            if (receiver !== undefined) receiver(data);
            else counters.foreignUdpPackets++;
          },
        });
        ctx.udp = pair;
      }
      const listenOptions: TcpListenOptions = {
        ...rtspAddr,
        tls: o.tls,
        onError: (error) => void this._fail(error),
        onConnection: (tcp) => {
          if (ctx.closed) {
            tcp.close();
            return;
          }
          if (ctx.conns.size >= ctx.maxConnections) {
            ctx.counters.rejectedConnections++;
            tcp.close();
            return;
          }
          const conn = new ServerConn(ctx, tcp);
          ctx.conns.add(conn);
          conn._start().catch((error) =>
            conn._close(error instanceof Error ? error : new Error(String(error)))
          );
        },
      };
      this.#listener = await adapter.listenTcp(listenOptions);
    } catch (error) {
      for (const s of this.#udpSockets) s.close();
      this.#udpSockets = [];
      throw error;
    }
    this.#ctx = ctx;
    this.#started = true;
    this.#timer = setInterval(() => this.#check(), ctx.checkStreamPeriodMs);
  }

  #check(): void {
    const ctx = this.#ctx;
    if (ctx === undefined || ctx.closed) return;
    const now = ctx.now();
    for (const conn of ctx.conns) conn._check(now);
    for (const session of ctx.sessions.values()) session._check(now);
  }

  /** Closes listeners, connections and sessions. Idempotent. */
  close(): Promise<void> {
    return this.#shutdown(undefined);
  }

  /**
   * @internal A fatal error (the RTSP listener failed): closes everything like `close()` and
   * resolves `wait()` with `error`.
   */
  _fail(error: Error): Promise<void> {
    return this.#shutdown(error);
  }

  async #shutdown(fatal: Error | undefined): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const ctx = this.#ctx;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    if (ctx !== undefined) {
      ctx.closed = true;
      const error = fatal ?? new Error("Terminated");
      for (const session of [...ctx.sessions.values()]) session._close(error);
      for (const conn of [...ctx.conns]) conn._close(error);
      for (const t of ctx.tunnels.values()) {
        clearTimeout(t.timer);
        t.tcp.close();
      }
      ctx.tunnels.clear();
    }
    for (const s of this.#udpSockets) s.close();
    this.#udpSockets = [];
    // Resolve first: a failed listener's close() may never settle.
    this.#resolveWait(fatal ?? new Error("Terminated"));
    await this.#listener?.close();
  }

  /**
   * Resolves with the error that stopped the server: the fatal error of the RTSP listener, or
   * "Terminated" after `close()`.
   */
  wait(): Promise<Error> {
    return this.#waitPromise;
  }

  /** Starts, then waits. */
  async startAndWait(): Promise<Error> {
    await this.start();
    return this.wait();
  }

  /** Connection and session counts, limit rejections and dropped packets. */
  stats(): ServerStats {
    const ctx = this.#ctx;
    return {
      connections: ctx === undefined || ctx.closed ? 0 : ctx.conns.size,
      sessions: ctx === undefined || ctx.closed ? 0 : ctx.sessions.size,
      ...this.#counters,
    };
  }

  /** The bound RTSP listener address. */
  address(): NetAddr {
    if (this.#listener === undefined) throw new Error("Server not started");
    return this.#listener.addr;
  }

  /** @internal The shared context; undefined before `start()`. */
  get _ctx(): ServerContext | undefined {
    return this.#ctx;
  }

  /** Same as {@linkcode Server.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

function checkCount(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`Invalid ${name}: ${value}`);
  return value;
}

async function detectAdapter(): Promise<NetAdapter> {
  const mod = await import("../adapters/auto.ts");
  return await mod.detectNetAdapter();
}
