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
import type { DenoApi, DenoConn, DenoListener, DenoTlsClientOptions } from "./_deno_types.ts";
import { isEofError, mapDenoError } from "./_map_error.ts";

/**
 * First size of a connection's read buffer. A pending read pins its buffer, so an idle
 * connection costs this much: small, and grown (doubled) only when a read fills it. 512 bytes
 * hold the requests of common clients (ffmpeg, GStreamer, VLC: 120-450 bytes, Digest included)
 * and a reader's RTCP; a longer request takes one more read.
 */
const READ_SIZE_MIN = 512;
/** Largest read buffer. */
const READ_SIZE_MAX = 64 * 1024;
/** Reads up to this size are copied out so the read buffer can be reused. */
const COPY_LIMIT = 4096;
/** Queued chunks are gathered into one write up to this many bytes. */
const GATHER_LIMIT = 256 * 1024;

/**
 * A TcpConn over a Deno.TcpConn or Deno.TlsConn. Reads run in a loop into fresh buffers; writes
 * are queued, gathered, and written by one pump that resumes after partial writes.
 */
export class DenoTcpConn implements TcpConn {
  readonly localAddr: NetAddr;
  readonly remoteAddr: NetAddr;
  #conn: DenoConn;
  #handler: TcpConnHandler | undefined;
  #closed = false;
  #closeFired = false;
  #closeError: NetError | undefined;
  #paused = false;
  #resume: (() => void) | undefined;
  #readEnded = false;
  #writeClosed = false;
  #writeShutDown = false;
  #queue: Uint8Array[] = [];
  #buffered = 0;
  #writing = false;
  #pumpScheduled = false;

  /** Wraps a connected Deno connection. */
  constructor(conn: DenoConn) {
    this.#conn = conn;
    this.localAddr = { hostname: conn.localAddr.hostname, port: conn.localAddr.port };
    this.remoteAddr = { hostname: conn.remoteAddr.hostname, port: conn.remoteAddr.port };
    try {
      conn.setNoDelay?.(true);
    } catch {
      // TLS connections have no setNoDelay on some versions.
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
    if (this.#closed) {
      queueMicrotask(() => this.#fireClose());
      return;
    }
    this.#readLoop().catch((error) => this.#fail(error));
  }

  write(data: Uint8Array): void {
    if (this.#closed || this.#writeClosed || data.length === 0) return;
    this.#queue.push(data);
    this.#buffered += data.length;
    this.#schedulePump();
  }

  writeMany(chunks: readonly Uint8Array[]): void {
    // The pump gathers everything queued in this turn into one write.
    for (const chunk of chunks) this.write(chunk);
  }

  pauseReading(): void {
    this.#paused = true;
  }

  resumeReading(): void {
    this.#paused = false;
    const resume = this.#resume;
    this.#resume = undefined;
    resume?.();
  }

  closeWrite(): void {
    if (this.#closed || this.#writeClosed) return;
    this.#writeClosed = true;
    if (!this.#writing && !this.#pumpScheduled) this.#shutdownWrite();
  }

  close(): void {
    if (this.#closed) return;
    this.#finish(undefined);
  }

  async #readLoop(): Promise<void> {
    let size = READ_SIZE_MIN;
    let buf = new Uint8Array(size);
    /** Consecutive reads that used under an eighth of a grown buffer. */
    let small = 0;
    while (!this.#closed) {
      let n: number | null;
      try {
        n = await this.#conn.read(buf);
      } catch (error) {
        if (this.#closed) return;
        if (!isEofError(error)) {
          this.#finish(mapDenoError(error, `Cannot read from ${formatNetAddr(this.remoteAddr)}`));
          return;
        }
        n = null;
      }
      // A read already under way when pauseReading() was called is held back until resumed.
      while (this.#paused && !this.#closed) {
        await new Promise<void>((resolve) => (this.#resume = resolve));
      }
      if (this.#closed) return;
      if (n === null) {
        this.#readEnded = true;
        this.#call(() => this.#handler?.onEnd?.());
        if (this.#writeShutDown) this.#finish(undefined);
        return;
      }
      // Grow while reads fill the buffer; shrink back after a run of small reads (a publisher
      // that went quiet, a reader that only sends keep-alives).
      let next = size;
      if (n === size && size < READ_SIZE_MAX) {
        next = size * 2;
        small = 0;
      } else if (size > READ_SIZE_MIN && n < size >>> 3) {
        if (++small >= 16) {
          next = size >>> 1;
          small = 0;
        }
      } else {
        small = 0;
      }
      let chunk: Uint8Array;
      if (n <= COPY_LIMIT) {
        chunk = buf.slice(0, n);
        if (next !== size) buf = new Uint8Array(next);
      } else {
        // Hand the buffer out and never touch it again.
        chunk = buf.subarray(0, n);
        buf = new Uint8Array(next);
      }
      size = next;
      this.#call(() => this.#handler?.onData(chunk));
    }
  }

  #schedulePump(): void {
    if (this.#writing || this.#pumpScheduled) return;
    this.#pumpScheduled = true;
    // Deferred so that every write of this turn goes out in one gathered write.
    queueMicrotask(() => {
      this.#pumpScheduled = false;
      this.#pump().catch((error) => this.#fail(error));
    });
  }

  async #pump(): Promise<void> {
    if (this.#writing || this.#closed) return;
    this.#writing = true;
    try {
      while (this.#queue.length > 0) {
        const data = this.#takeGathered();
        let offset = 0;
        while (offset < data.length) {
          const n = await this.#conn.write(offset === 0 ? data : data.subarray(offset));
          if (this.#closed) return;
          offset += n;
          this.#buffered -= n;
        }
      }
    } catch (error) {
      if (!this.#closed) {
        this.#finish(mapDenoError(error, `Cannot write to ${formatNetAddr(this.remoteAddr)}`));
      }
      return;
    } finally {
      this.#writing = false;
    }
    if (this.#writeClosed) this.#shutdownWrite();
    this.#call(() => this.#handler?.onDrain?.());
  }

  /** Takes the next queued chunk, or several small ones copied into one buffer. */
  #takeGathered(): Uint8Array {
    const queue = this.#queue;
    let count = 0;
    let length = 0;
    while (count < queue.length && (count === 0 || length + queue[count].length <= GATHER_LIMIT)) {
      length += queue[count].length;
      count++;
    }
    if (count === 1) return queue.shift()!;
    const out = new Uint8Array(length);
    let offset = 0;
    for (const chunk of queue.splice(0, count)) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }

  #shutdownWrite(): void {
    if (this.#writeShutDown || this.#closed) return;
    this.#writeShutDown = true;
    this.#conn.closeWrite().then(
      () => {
        if (this.#readEnded) this.#finish(undefined);
      },
      (error) => {
        if (!this.#closed) this.#finish(mapDenoError(error, "Cannot close the write side"));
      },
    );
  }

  #call(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.#fail(error);
    }
  }

  #fail(error: unknown): void {
    if (this.#closed) return;
    this.#finish(
      error instanceof NetError
        ? error
        : new NetError("UNKNOWN", `Connection handler failed: ${String(error)}`, { cause: error }),
    );
  }

  #finish(error: NetError | undefined): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#closeError = error;
    this.#queue = [];
    this.#buffered = 0;
    try {
      this.#conn.close();
    } catch {
      // Already closed by the runtime.
    }
    const resume = this.#resume;
    this.#resume = undefined;
    resume?.();
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

/**
 * Accept failures that mean the listener is gone (closed underneath, a bad descriptor, a socket
 * that cannot listen). Anything else (out of file descriptors, a peer that gave up during the
 * handshake…) is retried after a short pause.
 */
const FATAL_ACCEPT_CODES: ReadonlySet<string> = new Set([
  "CLOSED",
  "INVALID_ARGUMENT",
  "UNSUPPORTED",
]);

class DenoTcpListener implements TcpListener {
  readonly addr: NetAddr;
  #listener: DenoListener;
  #closed = false;
  #loop: Promise<void>;

  constructor(listener: DenoListener, options: TcpListenOptions) {
    this.#listener = listener;
    this.addr = { hostname: listener.addr.hostname, port: listener.addr.port };
    this.#loop = this.#acceptLoop(options).catch(
      () => {/* The loop catches everything itself. */},
    );
  }

  async #acceptLoop(options: TcpListenOptions): Promise<void> {
    while (!this.#closed) {
      let conn: DenoConn;
      try {
        conn = await this.#listener.accept();
      } catch (error) {
        if (this.#closed) return;
        const netError = mapDenoError(
          error,
          `Listener on ${formatNetAddr(this.addr)} stopped accepting`,
        );
        if (!FATAL_ACCEPT_CODES.has(netError.code)) {
          // Out of file descriptors and the like: back off a little and go on.
          await new Promise((resolve) => setTimeout(resolve, 50));
          continue;
        }
        // Closed underneath or failed for good: nothing will be accepted any more. (The
        // promise close() returns is this loop's own.)
        void this.close();
        try {
          options.onError?.(netError);
        } catch {
          // A throwing onError has nobody left to tell.
        }
        return;
      }
      const tcp = new DenoTcpConn(conn);
      try {
        options.onConnection(tcp);
      } catch {
        tcp.close();
      }
    }
  }

  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      try {
        this.#listener.close();
      } catch {
        // Already closed.
      }
    }
    // The socket is released once the pending accept has been cancelled.
    return this.#loop;
  }
}

/** Listens with Deno.listen / Deno.listenTls. */
export function listenDenoTcp(deno: DenoApi, options: TcpListenOptions): Promise<TcpListener> {
  try {
    const listener = options.tls === undefined
      ? deno.listen({ hostname: options.hostname, port: options.port, transport: "tcp" })
      : deno.listenTls({
        hostname: options.hostname,
        port: options.port,
        cert: options.tls.cert,
        key: options.tls.key,
      });
    return Promise.resolve(new DenoTcpListener(listener, options));
  } catch (error) {
    return Promise.reject(mapDenoError(error, `Cannot listen on ${formatNetAddr(options)}`));
  }
}

/**
 * Connects with Deno.connect / Deno.connectTls (Deno.startTls when `serverName` differs from
 * the hostname). `rejectUnauthorized: false` only disables hostname verification: Deno always
 * checks the chain, so pass the issuer in `caCerts`.
 */
export async function connectDenoTcp(deno: DenoApi, options: TcpConnectOptions): Promise<TcpConn> {
  const where = formatNetAddr(options);
  let conn: DenoConn | undefined;
  try {
    const tls = options.tls;
    if (tls === undefined) {
      conn = await deno.connect({
        hostname: options.hostname,
        port: options.port,
        transport: "tcp",
      });
    } else {
      const tlsOptions: DenoTlsClientOptions = {
        caCerts: tls.caCerts,
        unsafelyDisableHostnameVerification: tls.rejectUnauthorized === false ? true : undefined,
      };
      if (tls.serverName !== undefined && tls.serverName !== options.hostname) {
        const tcp = await deno.connect({
          hostname: options.hostname,
          port: options.port,
          transport: "tcp",
        });
        conn = tcp;
        conn = await deno.startTls(tcp, { ...tlsOptions, hostname: tls.serverName });
      } else {
        conn = await deno.connectTls({
          ...tlsOptions,
          hostname: options.hostname,
          port: options.port,
        });
      }
      // Surface certificate errors here rather than on the first read.
      await conn.handshake?.();
    }
    return new DenoTcpConn(conn);
  } catch (error) {
    try {
      conn?.close();
    } catch {
      // Never fully opened.
    }
    throw mapDenoError(error, `Cannot connect to ${where}`);
  }
}
