import { NetError } from "../../errors.ts";
import { formatNetAddr } from "../../net/addr.ts";
import type {
  NetAddr,
  TcpConn,
  TcpConnectOptions,
  TcpConnHandler,
  TcpListener,
  TcpListenOptions,
} from "../../net/types.ts";
import type { BunApi, BunListener, BunSocket, BunSocketHandler } from "./_bun_types.ts";
import { mapBunError } from "./_map_error.ts";

/**
 * A TcpConn over a Bun socket. `write` goes straight to the socket while nothing is pending;
 * what Bun does not take is queued and written from the `drain` handler.
 */
export class BunTcpConn implements TcpConn {
  readonly localAddr: NetAddr;
  readonly remoteAddr: NetAddr;
  #socket: BunSocket<BunTcpConn | undefined>;
  #handler: TcpConnHandler | undefined;
  #closed = false;
  #closeFired = false;
  #closeError: NetError | undefined;
  #paused = false;
  /** Chunks received before start() or while paused. */
  #held: Uint8Array[] = [];
  #endHeld = false;
  #writeClosed = false;
  #writeShutDown = false;
  #pending: Uint8Array[] = [];
  #buffered = 0;

  /** Wraps an open socket and attaches itself as `socket.data`. */
  constructor(socket: BunSocket<BunTcpConn | undefined>) {
    this.#socket = socket;
    socket.data = this;
    this.localAddr = { hostname: socket.localAddress, port: socket.localPort };
    this.remoteAddr = { hostname: socket.remoteAddress, port: socket.remotePort };
    try {
      socket.setNoDelay?.(true);
    } catch {
      // Not available on every socket kind.
    }
  }

  get bufferedAmount(): number {
    return this.#buffered;
  }

  get closed(): boolean {
    return this.#closed;
  }

  start(handler: TcpConnHandler): void {
    if (this.#handler !== undefined) throw new TypeError("Cannot start a connection twice");
    this.#handler = handler;
    if (this.#closed) queueMicrotask(() => this.#fireClose());
    else if (!this.#paused) queueMicrotask(() => this.#deliverHeld());
  }

  write(data: Uint8Array): void {
    if (this.#closed || this.#writeClosed || data.length === 0) return;
    if (this.#pending.length === 0) {
      const written = this.#socket.write(data);
      if (written >= data.length) return;
      if (written > 0) data = data.subarray(written);
    }
    this.#pending.push(data);
    this.#buffered += data.length;
  }

  writeMany(chunks: readonly Uint8Array[]): void {
    if (chunks.length <= 1) {
      if (chunks.length === 1) this.write(chunks[0]);
      return;
    }
    // Bun has no writev or cork: one buffer, one write call.
    let length = 0;
    for (const chunk of chunks) length += chunk.length;
    const out = new Uint8Array(length);
    let offset = 0;
    for (const chunk of chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    this.write(out);
  }

  pauseReading(): void {
    this.#paused = true;
    this.#socket.pause?.();
  }

  resumeReading(): void {
    if (!this.#paused) return;
    this.#paused = false;
    if (this.#closed) return;
    this.#socket.resume?.();
    if (this.#handler !== undefined) queueMicrotask(() => this.#deliverHeld());
  }

  closeWrite(): void {
    if (this.#closed || this.#writeClosed) return;
    this.#writeClosed = true;
    if (this.#pending.length === 0) this.#shutdownWrite();
  }

  close(): void {
    this.#finish(undefined);
  }

  /** @internal Bun `data`. */
  onSocketData(chunk: Uint8Array): void {
    if (this.#closed) return;
    if (this.#handler === undefined || this.#paused || this.#held.length > 0) {
      this.#held.push(chunk);
      return;
    }
    this.#call(() => this.#handler!.onData(chunk));
  }

  /** @internal Bun `end`: the peer half-closed. */
  onSocketEnd(): void {
    if (this.#closed) return;
    if (this.#handler === undefined || this.#paused || this.#held.length > 0) {
      this.#endHeld = true;
      return;
    }
    this.#call(() => this.#handler!.onEnd?.());
  }

  /** @internal Bun `drain` and TLS `handshake`: write what is pending. */
  onSocketWritable(): void {
    if (this.#closed || this.#pending.length === 0) return;
    const pending = this.#pending;
    while (pending.length > 0) {
      const chunk = pending[0];
      const written = this.#socket.write(chunk);
      if (written <= 0) return;
      this.#buffered -= written;
      if (written < chunk.length) {
        pending[0] = chunk.subarray(written);
        return;
      }
      pending.shift();
    }
    if (this.#writeClosed) this.#shutdownWrite();
    this.#call(() => this.#handler?.onDrain?.());
  }

  /** @internal Bun `close` / `error`. */
  onSocketClose(error?: unknown): void {
    this.#finish(
      error === undefined || error === null
        ? undefined
        : mapBunError(error, `Connection ${formatNetAddr(this.remoteAddr)} failed`),
      true,
    );
  }

  #deliverHeld(): void {
    while (this.#held.length > 0 && !this.#paused && !this.#closed) {
      const chunk = this.#held.shift()!;
      this.#call(() => this.#handler!.onData(chunk));
    }
    if (this.#held.length === 0 && this.#endHeld && !this.#paused && !this.#closed) {
      this.#endHeld = false;
      this.#call(() => this.#handler!.onEnd?.());
    }
  }

  #shutdownWrite(): void {
    if (this.#writeShutDown) return;
    this.#writeShutDown = true;
    try {
      this.#socket.shutdown();
    } catch (error) {
      this.#finish(mapBunError(error, "Cannot close the write side"));
    }
  }

  #call(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.#finish(
        new NetError("UNKNOWN", `Connection handler failed: ${String(error)}`, { cause: error }),
      );
    }
  }

  #finish(error: NetError | undefined, byRuntime = false): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#closeError = error;
    const stuck = this.#pending.length > 0;
    this.#pending = [];
    this.#buffered = 0;
    this.#held = [];
    if (!byRuntime) {
      try {
        // end() flushes Bun's own buffer and closes; with our queue stuck, do not wait for it.
        if (stuck) this.#socket.terminate();
        else this.#socket.end();
      } catch {
        // Already closed.
      }
    }
    if (this.#handler !== undefined) queueMicrotask(() => this.#fireClose());
  }

  #fireClose(): void {
    if (this.#closeFired) return;
    this.#closeFired = true;
    try {
      this.#handler?.onClose(this.#closeError);
    } catch {
      // The connection is gone; a throwing onClose has nobody left to tell.
    }
  }
}

/** Socket handler callbacks shared by every socket of a listener or connect call. */
function socketHandler(
  extra: Partial<BunSocketHandler<BunTcpConn | undefined>> = {},
): BunSocketHandler<BunTcpConn | undefined> {
  return {
    binaryType: "uint8array",
    data: (socket, data) => socket.data?.onSocketData(data),
    end: (socket) => socket.data?.onSocketEnd(),
    drain: (socket) => socket.data?.onSocketWritable(),
    close: (socket, error) => socket.data?.onSocketClose(error),
    error: (socket, error) => socket.data?.onSocketClose(error),
    ...extra,
  };
}

class BunTcpListener implements TcpListener {
  readonly addr: NetAddr;
  #listener: BunListener;
  #closed = false;

  constructor(listener: BunListener) {
    this.#listener = listener;
    this.addr = { hostname: listener.hostname, port: listener.port };
  }

  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      try {
        this.#listener.stop(false);
      } catch {
        // Already stopped.
      }
    }
    return Promise.resolve();
  }
}

/**
 * Listens with Bun.listen. `options.onError` is never called: a Bun listener has no error or
 * close event, and its accept loop (in Bun's native code) retries failed accepts itself.
 */
export function listenBunTcp(bun: BunApi, options: TcpListenOptions): Promise<TcpListener> {
  const handler = socketHandler({
    open(socket) {
      const conn = new BunTcpConn(socket);
      try {
        options.onConnection(conn);
      } catch {
        conn.close();
      }
    },
    handshake: (socket) => socket.data?.onSocketWritable(),
  });
  try {
    const listener = bun.listen<BunTcpConn | undefined>({
      hostname: options.hostname,
      port: options.port,
      allowHalfOpen: true,
      tls: options.tls === undefined ? undefined : { key: options.tls.key, cert: options.tls.cert },
      socket: handler,
    });
    return Promise.resolve(new BunTcpListener(listener));
  } catch (error) {
    return Promise.reject(mapBunError(error, `Cannot listen on ${formatNetAddr(options)}`));
  }
}

/** Connects with Bun.connect; with TLS, resolves once the handshake is verified. */
export async function connectBunTcp(bun: BunApi, options: TcpConnectOptions): Promise<TcpConn> {
  const where = formatNetAddr(options);
  const tls = options.tls;
  let handshake: ((error?: NetError) => void) | undefined;
  const verified = new Promise<void>((resolve, reject) => {
    handshake = (error) => (error === undefined ? resolve() : reject(error));
  });
  verified.catch(() => {/* Awaited below; this only marks it handled. */});
  const rejectUnauthorized = tls?.rejectUnauthorized ?? true;
  const handler = socketHandler({
    open: (socket) => void new BunTcpConn(socket),
    handshake(socket, success, authorizationError) {
      if (!success || (authorizationError && rejectUnauthorized)) {
        handshake?.(
          mapBunError(
            authorizationError ?? new Error("TLS handshake failed"),
            `Cannot connect to ${where}`,
          ),
        );
        socket.terminate();
        return;
      }
      handshake?.();
      socket.data?.onSocketWritable();
    },
    close(socket, error) {
      handshake?.(
        mapBunError(
          error ?? new Error("Connection closed during the TLS handshake"),
          `Cannot connect to ${where}`,
        ),
      );
      socket.data?.onSocketClose(error);
    },
  });
  let socket: BunSocket<BunTcpConn | undefined>;
  try {
    socket = await bun.connect<BunTcpConn | undefined>({
      hostname: options.hostname,
      port: options.port,
      allowHalfOpen: true,
      tls: tls === undefined ? undefined : {
        // Bun's `ca` replaces the default roots: add them back as the contract promises.
        ca: tls.caCerts === undefined ? undefined : [...(await rootCertificates()), ...tls.caCerts],
        serverName: tls.serverName,
        rejectUnauthorized,
      },
      socket: handler,
    });
  } catch (error) {
    throw mapBunError(error, `Cannot connect to ${where}`);
  }
  const conn = socket.data ?? new BunTcpConn(socket);
  if (tls !== undefined) {
    try {
      await verified;
    } catch (error) {
      conn.close();
      throw error;
    }
  }
  return conn;
}

async function rootCertificates(): Promise<readonly string[]> {
  try {
    const tls = await import("node:tls");
    return tls.rootCertificates;
  } catch {
    return [];
  }
}
