import type { NetError } from "../errors.ts";

/** A socket address. `hostname` is always an IP literal on received addresses. */
export interface NetAddr {
  /** IP literal (or a name where a runtime resolves it, for listen/connect only). */
  hostname: string;
  /** Port number, 0 asks for any free port when binding. */
  port: number;
}

/** PEM-encoded certificate chain and private key for a TLS listener. */
export interface TlsOptions {
  /** Certificate chain, PEM. */
  cert: string;
  /** Private key, PEM. */
  key: string;
}

/** Callbacks of one TCP connection. Chunks handed to `onData` belong to the receiver. */
export interface TcpConnHandler {
  /** Received bytes. The adapter never reuses this memory afterwards. */
  onData(chunk: Uint8Array): void;
  /** The peer closed its write side (half-close); writing is still possible. */
  onEnd?(): void;
  /** Everything queued has been handed to the operating system. */
  onDrain?(): void;
  /** The connection is closed; `error` is set when it closed because of a failure. Fires once. */
  onClose(error?: NetError): void;
}

/**
 * One TCP (or TLS) connection. Writes never fail synchronously and are never partial from the
 * caller's point of view: what the operating system does not take at once is kept by the adapter
 * and written when the socket drains. Callers bound their own queues with `bufferedAmount`.
 */
export interface TcpConn {
  /** Local address. */
  readonly localAddr: NetAddr;
  /** Remote address. */
  readonly remoteAddr: NetAddr;
  /** Bytes accepted by `write`/`writeMany` that the operating system has not taken yet. */
  readonly bufferedAmount: number;
  /** Whether the connection is closed. */
  readonly closed: boolean;
  /** Starts delivering events to `handler`. Call once. */
  start(handler: TcpConnHandler): void;
  /** Queues bytes for writing. The bytes must not change afterwards. Ignored once closed. */
  write(data: Uint8Array): void;
  /** Queues several chunks written as one gathered write (cork, writev or one buffer). */
  writeMany(chunks: readonly Uint8Array[]): void;
  /** Stops delivering `onData` until `resumeReading`. */
  pauseReading(): void;
  /** Resumes delivering `onData`. */
  resumeReading(): void;
  /** Closes the write side after queued bytes are written (half-close). */
  closeWrite(): void;
  /** Closes the connection at once; queued bytes may be lost. Idempotent. */
  close(): void;
}

/** A listening TCP or TLS socket. */
export interface TcpListener {
  /** The bound address (useful with port 0). */
  readonly addr: NetAddr;
  /** Stops accepting; open connections are not touched. Idempotent. */
  close(): Promise<void>;
}

/** Options of {@linkcode NetAdapter.listenTcp}. */
export interface TcpListenOptions extends NetAddr {
  /** Set to listen with TLS. */
  tls?: TlsOptions;
  /** Called with every accepted connection, before any event is delivered. */
  onConnection(conn: TcpConn): void;
  /**
   * The listener stopped accepting for good (not because `close()` was called). Transient accept
   * failures (out of file descriptors, an aborted handshake) are retried and not reported. Fires
   * at most once; Bun's listener exposes no such failure, so the Bun adapter never calls it.
   */
  onError?(error: NetError): void;
}

/** Options of {@linkcode NetAdapter.connectTcp}. */
export interface TcpConnectOptions extends NetAddr {
  /** Connect with TLS; `caCerts` are trusted in addition to the system roots. */
  tls?: { caCerts?: string[]; serverName?: string; rejectUnauthorized?: boolean };
}

/** Callbacks of a UDP socket. */
export interface UdpSocketHandler {
  /** One received datagram; the bytes belong to the receiver. */
  onMessage(data: Uint8Array, from: NetAddr): void;
  /** A non-fatal error (for example ICMP port unreachable reported on a later send). */
  onError?(error: NetError): void;
}

/** Options of {@linkcode NetAdapter.bindUdp}. */
export interface UdpBindOptions extends NetAddr {
  /** Allow several sockets to bind the same address (multicast groups). */
  reuseAddress?: boolean;
  /** SO_RCVBUF in bytes; the OS default when absent. */
  receiveBufferSize?: number;
}

/**
 * A bound UDP socket. `send` destinations must be IP literals. Datagrams to one destination
 * leave in the order `send`/`sendMany` accepted them (a reader gets a turn's RTP packets in
 * sequence); the network may still reorder them.
 */
export interface UdpSocket {
  /** The bound address. */
  readonly addr: NetAddr;
  /** Starts delivering datagrams to `handler`. Call once. */
  start(handler: UdpSocketHandler): void;
  /**
   * Sends one datagram. Returns false when it was dropped because the socket's send queue is
   * full; the bytes must not change afterwards.
   */
  send(data: Uint8Array, to: NetAddr): boolean;
  /**
   * Sends `data[i]` to `to[i]` for every i, batched where the runtime can (Bun `sendMany`).
   * Returns how many were accepted; the rest were dropped.
   */
  sendMany(data: readonly Uint8Array[], to: readonly NetAddr[]): number;
  /** Joins a multicast group on the interface with address `interfaceAddress` (default any). */
  joinMulticast(group: string, interfaceAddress?: string): void;
  /** Leaves a multicast group. */
  leaveMulticast(group: string, interfaceAddress?: string): void;
  /** Sets the TTL of outgoing multicast datagrams. */
  setMulticastTtl(ttl: number): void;
  /** Whether outgoing multicast datagrams loop back to this host. */
  setMulticastLoopback(enabled: boolean): void;
  /** Sets the interface (by address) outgoing multicast datagrams leave from. */
  setMulticastInterface(interfaceAddress: string): void;
  /**
   * Closes the socket. Idempotent. Nothing is received and `send` returns false from now on, but
   * datagrams `send`/`sendMany` accepted before are still sent, best effort: the adapter closes
   * the runtime socket once they have left, or after a short grace period (the bound port may
   * stay in use until then).
   */
  close(): void;
}

/** What a runtime adapter provides: the whole socket surface the core uses. */
export interface NetAdapter {
  /** Which runtime API this adapter uses. */
  readonly name: "deno" | "bun" | "node";
  /** Whether this adapter supports multicast join, TTL and loopback. */
  readonly supportsMulticast: boolean;
  /**
   * IPv4 addresses of the interfaces multicast is joined on and sent from, one send socket each
   * (SPEC §4.3). Empty or absent: the system's default multicast interface only.
   */
  multicastInterfaces?(): string[];
  /**
   * Runs `callback` once, right after the I/O callbacks of the current event-loop turn (every
   * read the loop delivered in this poll) and before the loop waits for I/O again; callbacks
   * scheduled in the same turn run in order. The server uses it to write the frames a TCP reader
   * got from all packets of one turn in one gathered write. A scheduled callback must not keep
   * the process alive longer than it takes to run it. Absent: the core uses a zero-delay timer,
   * which Node clamps to 1 ms and runs in a later loop phase.
   */
  scheduleAfterIo?(callback: () => void): void;
  /** Listens on TCP (or TLS when `options.tls` is set). Rejects with a NetError. */
  listenTcp(options: TcpListenOptions): Promise<TcpListener>;
  /** Connects over TCP (or TLS). Used by clients and tests. */
  connectTcp(options: TcpConnectOptions): Promise<TcpConn>;
  /** Binds a UDP socket. Rejects with a NetError (`ADDR_IN_USE`…). */
  bindUdp(options: UdpBindOptions): Promise<UdpSocket>;
}
