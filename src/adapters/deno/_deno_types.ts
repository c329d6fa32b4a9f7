/**
 * The slice of the `Deno` namespace this adapter uses, typed locally so that the code
 * type-checks without Deno's global types (tsc with @types/node).
 *
 * @module
 */

/** `Deno.NetAddr`. */
export interface DenoNetAddr {
  transport: string;
  hostname: string;
  port: number;
}

/** `Deno.TcpConn` / `Deno.TlsConn`. */
export interface DenoConn {
  readonly localAddr: DenoNetAddr;
  readonly remoteAddr: DenoNetAddr;
  read(p: Uint8Array): Promise<number | null>;
  write(p: Uint8Array): Promise<number>;
  closeWrite(): Promise<void>;
  close(): void;
  setNoDelay?(noDelay?: boolean): void;
  handshake?(): Promise<unknown>;
}

/** `Deno.Listener` / `Deno.TlsListener`. */
export interface DenoListener {
  readonly addr: DenoNetAddr;
  accept(): Promise<DenoConn>;
  close(): void;
}

/** `Deno.MulticastV4Membership` / `Deno.MulticastV6Membership`: TTL and loopback live here. */
export interface DenoMembership {
  leave(): Promise<void>;
  setLoopback(loopback: boolean): Promise<void>;
  /** IPv4 memberships only. */
  setTTL?(ttl: number): Promise<void>;
}

/** `Deno.DatagramConn` (unstable). */
export interface DenoDatagramConn {
  readonly addr: DenoNetAddr;
  receive(p?: Uint8Array): Promise<[Uint8Array, DenoNetAddr]>;
  send(p: Uint8Array, addr: DenoNetAddr): Promise<number>;
  joinMulticastV4(address: string, networkInterface: string): Promise<DenoMembership>;
  joinMulticastV6(address: string, networkInterface: number): Promise<DenoMembership>;
  close(): void;
}

/** TLS client options shared by `Deno.connectTls` and `Deno.startTls`. */
export interface DenoTlsClientOptions {
  hostname?: string;
  caCerts?: string[];
  unsafelyDisableHostnameVerification?: boolean;
}

/** The `Deno` namespace members used. */
export interface DenoApi {
  listen(options: { hostname: string; port: number; transport: "tcp" }): DenoListener;
  listenTls(options: { hostname: string; port: number; cert: string; key: string }): DenoListener;
  connect(options: { hostname: string; port: number; transport: "tcp" }): Promise<DenoConn>;
  connectTls(options: DenoTlsClientOptions & { port: number }): Promise<DenoConn>;
  startTls(conn: DenoConn, options: DenoTlsClientOptions): Promise<DenoConn>;
  /** Undefined without `--unstable-net` (or deno.json `"unstable": ["net"]`). */
  listenDatagram?(options: {
    transport: "udp";
    hostname: string;
    port: number;
    reuseAddress?: boolean;
    loopback?: boolean;
  }): DenoDatagramConn;
}

/** The `Deno` global, or undefined off Deno. */
export function denoApi(): DenoApi | undefined {
  return (globalThis as unknown as { Deno?: DenoApi }).Deno;
}
