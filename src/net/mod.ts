/**
 * The socket contract the core depends on. Each runtime adapter (`rtspkit/deno`, `rtspkit/bun`,
 * `rtspkit/node`) implements {@linkcode NetAdapter}.
 *
 * @module
 */
export type {
  NetAdapter,
  NetAddr,
  TcpConn,
  TcpConnectOptions,
  TcpConnHandler,
  TcpListener,
  TcpListenOptions,
  TlsOptions,
  UdpBindOptions,
  UdpSocket,
  UdpSocketHandler,
} from "./types.ts";
export { formatNetAddr } from "./addr.ts";
