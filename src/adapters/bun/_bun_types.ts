/**
 * The slice of the `Bun` namespace this adapter uses, typed locally so that the code
 * type-checks without bun-types.
 *
 * @module
 */

/** A Bun TCP/TLS socket (`Bun.Socket`); `data` holds our per-connection state. */
export interface BunSocket<T> {
  data: T;
  readonly localAddress: string;
  readonly localPort: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** Returns how many bytes were written; the rest was NOT taken (0 before a TLS handshake). */
  write(data: Uint8Array): number;
  /** Flushes and closes the connection. */
  end(): void;
  /** Without argument: shuts the write side down (`shutdown(true)` shuts reading instead). */
  shutdown(): void;
  /** Closes at once. */
  terminate(): void;
  pause?(): void;
  resume?(): void;
  setNoDelay?(noDelay?: boolean): unknown;
}

/** The handler object of Bun.listen / Bun.connect, shared by all their sockets. */
export interface BunSocketHandler<T> {
  binaryType: "uint8array";
  open?(socket: BunSocket<T>): void;
  data(socket: BunSocket<T>, data: Uint8Array): void;
  drain?(socket: BunSocket<T>): void;
  end?(socket: BunSocket<T>): void;
  close?(socket: BunSocket<T>, error?: Error): void;
  error?(socket: BunSocket<T>, error: Error): void;
  handshake?(socket: BunSocket<T>, success: boolean, authorizationError: Error | null): void;
}

/** `Bun.TCPSocketListener`. */
export interface BunListener {
  readonly port: number;
  readonly hostname: string;
  stop(closeActiveConnections?: boolean): void;
}

/** A Bun UDP socket (`Bun.udpSocket`). */
export interface BunUdpSocket {
  readonly port: number;
  readonly hostname: string;
  /** False: the datagram was NOT sent (wait for `drain`). */
  send(data: Uint8Array, port: number, address: string): boolean;
  /** `[data, port, address, data, port, address…]`; returns how many were sent, in order. */
  sendMany(packets: readonly (Uint8Array | number | string)[]): number;
  addMembership(group: string, interfaceAddress?: string): boolean;
  dropMembership(group: string, interfaceAddress?: string): boolean;
  setMulticastTTL(ttl: number): unknown;
  setMulticastLoopback(enabled: boolean): unknown;
  setMulticastInterface(interfaceAddress: string): unknown;
  close(): void;
}

/** TLS options of Bun.connect. */
export interface BunTlsClientOptions {
  ca?: string[];
  serverName?: string;
  rejectUnauthorized: boolean;
}

/** The `Bun` namespace members used. */
export interface BunApi {
  listen<T>(options: {
    hostname: string;
    port: number;
    allowHalfOpen: boolean;
    tls?: { key: string; cert: string };
    socket: BunSocketHandler<T>;
  }): BunListener;
  connect<T>(options: {
    hostname: string;
    port: number;
    allowHalfOpen: boolean;
    tls?: BunTlsClientOptions;
    socket: BunSocketHandler<T>;
  }): Promise<BunSocket<T>>;
  udpSocket(options: {
    hostname: string;
    port: number;
    binaryType: "uint8array";
    socket: {
      data(socket: BunUdpSocket, data: Uint8Array, port: number, address: string): void;
      drain?(socket: BunUdpSocket): void;
      error?(socket: BunUdpSocket, error: Error): void;
    };
  }): Promise<BunUdpSocket>;
}

/** The `Bun` global, or undefined off Bun. */
export function bunApi(): BunApi | undefined {
  return (globalThis as unknown as { Bun?: BunApi }).Bun;
}
