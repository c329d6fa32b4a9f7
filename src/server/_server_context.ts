import type { NetAdapter, NetAddr, UdpSocket } from "../net/types.ts";
import type { AuthMethod } from "../rtsp/auth.ts";
import type { LoginThrottle } from "./_login_throttle.ts";
import type { MulticastIpAllocator } from "./multicast_ip_allocator.ts";
import type { Server } from "./server.ts";
import type { ServerConn } from "./server_conn.ts";
import type { ServerHandler } from "./server_handler.ts";
import type { ServerSession } from "./server_session.ts";
import type { PendingTunnelGet } from "./_tunnel.ts";

/** Receives datagrams from one (IP, port) on the shared UDP pair. @internal */
export type UdpReceiver = (data: Uint8Array) => void;

/** The shared unicast RTP/RTCP socket pair with its demux tables (SPEC §4.2). @internal */
export interface UdpPair {
  rtp: UdpSocket;
  rtcp: UdpSocket;
  rtpPort: number;
  rtcpPort: number;
  /** `ip port` → receiver. */
  rtpReceivers: Map<string, UdpReceiver>;
  rtcpReceivers: Map<string, UdpReceiver>;
}

/** Multicast settings (SPEC §4.3). @internal */
export interface MulticastConfig {
  allocator: MulticastIpAllocator;
  rtpPort: number;
  rtcpPort: number;
}

/** Server-wide counters behind `Server.stats()` (monotonic). @internal */
export interface ServerCounters {
  rejectedConnections: number;
  rejectedSessions: number;
  rejectedRequests: number;
  timedOutRequests: number;
  foreignUdpPackets: number;
  decodeErrors: number;
  packetCallbackErrors: number;
  failedLogins: number;
  throttledLogins: number;
}

/** What the server shares with its connections, sessions and streams. @internal */
export interface ServerContext {
  server: Server;
  handler: ServerHandler;
  adapter: NetAdapter;
  now: () => number;
  readTimeoutMs: number;
  writeTimeoutMs: number;
  idleTimeoutMs: number;
  writeQueueSize: number;
  maxPacketSize: number;
  maxConnections: number;
  maxSessions: number;
  maxRequestsPerSecond: number;
  counters: ServerCounters;
  udpReadBufferSize?: number;
  disableRtcpSenderReports: boolean;
  senderReportPeriodMs: number;
  receiverReportPeriodMs: number;
  checkStreamPeriodMs: number;
  authMethods: AuthMethod[];
  authRealm: string;
  authNonceLifetimeMs: number;
  loginThrottle: LoginThrottle;
  tls: boolean;
  udp?: UdpPair;
  multicast?: MulticastConfig;
  sessions: Map<string, ServerSession>;
  conns: Set<ServerConn>;
  /** HTTP-tunnel GETs waiting for their POST, by X-Sessioncookie. */
  tunnels: Map<string, PendingTunnelGet>;
  closed: boolean;
}

/** Demux key of an address. @internal */
export function addrKey(addr: NetAddr): string {
  return addr.hostname + " " + addr.port;
}

/** Strips an IPv4-mapped IPv6 prefix so addresses compare equal. @internal */
export function normalizeIp(ip: string): string {
  return ip.startsWith("::ffff:") && ip.includes(".") ? ip.slice(7) : ip;
}

/** Random non-zero 32-bit number. @internal */
export function randomUint32NonZero(): number {
  const a = new Uint32Array(1);
  do crypto.getRandomValues(a); while (a[0] === 0);
  return a[0];
}

/** Random lowercase hex string of `bytes` bytes. @internal */
export function randomHex(bytes: number): string {
  const a = new Uint8Array(bytes);
  crypto.getRandomValues(a);
  let s = "";
  for (const b of a) s += b.toString(16).padStart(2, "0");
  return s;
}

/** Logs a message of the default handlers. @internal */
export function logWarning(message: string): void {
  console.warn(`rtspkit: ${message}`);
}
