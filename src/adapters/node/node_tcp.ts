import * as net from "node:net";
import * as tls from "node:tls";
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
import { mapNodeError, toPlainView } from "./_map_error.ts";

/** A TcpConn over a node:net (or node:tls) socket. */
export class NodeTcpConn implements TcpConn {
  readonly localAddr: NetAddr;
  readonly remoteAddr: NetAddr;
  #socket: net.Socket;
  #handler: TcpConnHandler | undefined;
  #closed = false;
  #closeFired = false;
  #socketClosed = false;
  #writeClosed = false;
  #paused = false;
  #error: NetError | undefined;

  /** Wraps a connected socket. */
  constructor(socket: net.Socket) {
    this.#socket = socket;
    this.localAddr = { hostname: socket.localAddress ?? "", port: socket.localPort ?? 0 };
    this.remoteAddr = { hostname: socket.remoteAddress ?? "", port: socket.remotePort ?? 0 };
    socket.setNoDelay(true);
    socket.on("error", (error: Error) => {
      this.#error ??= mapNodeError(error, `Connection ${formatNetAddr(this.remoteAddr)} failed`);
    });
    socket.on("close", () => {
      this.#socketClosed = true;
      this.#closed = true;
      if (this.#handler !== undefined) this.#fireClose();
    });
  }

  get bufferedAmount(): number {
    return this.#socket.writableLength;
  }

  get closed(): boolean {
    return this.#closed;
  }

  start(handler: TcpConnHandler): void {
    if (this.#handler !== undefined) throw new TypeError("Cannot start a connection twice");
    this.#handler = handler;
    if (this.#socketClosed) {
      queueMicrotask(() => this.#fireClose());
      return;
    }
    const socket = this.#socket;
    socket.on("data", (chunk: Uint8Array) => {
      try {
        handler.onData(toPlainView(chunk));
      } catch (error) {
        this.#fail(error);
      }
    });
    socket.on("end", () => {
      try {
        handler.onEnd?.();
      } catch (error) {
        this.#fail(error);
      }
    });
    socket.on("drain", () => {
      try {
        handler.onDrain?.();
      } catch (error) {
        this.#fail(error);
      }
    });
    if (this.#paused) socket.pause();
  }

  write(data: Uint8Array): void {
    if (this.#closed || this.#writeClosed) return;
    this.#socket.write(data);
  }

  writeMany(chunks: readonly Uint8Array[]): void {
    if (this.#closed || this.#writeClosed) return;
    const socket = this.#socket;
    socket.cork();
    for (const chunk of chunks) socket.write(chunk);
    socket.uncork();
  }

  pauseReading(): void {
    this.#paused = true;
    if (this.#handler !== undefined) this.#socket.pause();
  }

  resumeReading(): void {
    this.#paused = false;
    if (this.#handler !== undefined && !this.#closed) this.#socket.resume();
  }

  closeWrite(): void {
    if (this.#closed || this.#writeClosed) return;
    this.#writeClosed = true;
    this.#socket.end();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#socket.destroy();
  }

  #fail(error: unknown): void {
    this.#error ??= new NetError("UNKNOWN", `Connection handler failed: ${String(error)}`, {
      cause: error,
    });
    this.close();
  }

  #fireClose(): void {
    if (this.#closeFired) return;
    this.#closeFired = true;
    try {
      this.#handler?.onClose(this.#error);
    } catch {
      // The connection is gone; a throwing onClose has nobody left to tell.
    }
  }
}

/** Listens on TCP or TLS with node:net / node:tls. */
export function listenNodeTcp(options: TcpListenOptions): Promise<TcpListener> {
  const where = formatNetAddr(options);
  return new Promise((resolve, reject) => {
    const onSocket = (socket: net.Socket) => {
      let conn: NodeTcpConn;
      try {
        conn = new NodeTcpConn(socket);
      } catch {
        socket.destroy();
        return;
      }
      try {
        options.onConnection(conn);
      } catch {
        conn.close();
      }
    };
    let server: net.Server;
    try {
      server = options.tls === undefined
        ? net.createServer({ allowHalfOpen: true }, onSocket)
        : tls.createServer({ allowHalfOpen: true, key: options.tls.key, cert: options.tls.cert })
          .on("secureConnection", onSocket)
          .on("tlsClientError", () => {/* The socket is destroyed; nothing else to do. */});
    } catch (error) {
      reject(mapNodeError(error, `Cannot listen on ${where}`));
      return;
    }
    const onListenError = (error: Error) => {
      reject(mapNodeError(error, `Cannot listen on ${where}`));
    };
    server.once("error", onListenError);
    server.listen({ host: options.hostname, port: options.port }, () => {
      server.off("error", onListenError);
      const address = server.address() as net.AddressInfo;
      resolve(
        new NodeTcpListener(server, { hostname: address.address, port: address.port }, options),
      );
    });
  });
}

class NodeTcpListener implements TcpListener {
  readonly addr: NetAddr;
  #server: net.Server;
  #closing: Promise<void> | undefined;
  #failed = false;

  constructor(server: net.Server, addr: NetAddr, options: TcpListenOptions) {
    this.#server = server;
    this.addr = addr;
    const where = formatNetAddr(addr);
    // Accept errors (EMFILE…) leave the server listening; it stops for good only when it is no
    // longer listening after an error, or closes without close() having been called.
    server.on("error", (error: Error) => {
      if (!server.listening) {
        this.#fail(options, mapNodeError(error, `Listener on ${where} failed`));
      }
    });
    server.on("close", () => {
      this.#fail(options, new NetError("CLOSED", `Listener on ${where} closed`));
    });
  }

  #fail(options: TcpListenOptions, error: NetError): void {
    if (this.#closing !== undefined || this.#failed) return;
    this.#failed = true;
    try {
      if (this.#server.listening) this.#server.close();
    } catch {
      // Not listening any more.
    }
    try {
      options.onError?.(error);
    } catch {
      // A throwing onError has nobody left to tell.
    }
  }

  close(): Promise<void> {
    // server.close()'s callback waits for every open connection; the listening socket itself
    // is released at once, which is all this promise stands for.
    this.#closing ??= new Promise((resolve) => {
      this.#server.close(() => {/* Fires when the last connection ends. */});
      setImmediate(resolve);
    });
    return this.#closing;
  }
}

/** Connects over TCP or TLS with node:net / node:tls. */
export function connectNodeTcp(options: TcpConnectOptions): Promise<TcpConn> {
  const where = formatNetAddr(options);
  return new Promise((resolve, reject) => {
    let socket: net.Socket;
    const onError = (error: Error) => {
      socket.destroy();
      reject(mapNodeError(error, `Cannot connect to ${where}`));
    };
    const onConnected = () => {
      socket.off("error", onError);
      resolve(new NodeTcpConn(socket));
    };
    try {
      if (options.tls === undefined) {
        socket = net.connect({ host: options.hostname, port: options.port, allowHalfOpen: true });
        socket.once("connect", onConnected);
      } else {
        const serverName = options.tls.serverName ??
          (net.isIP(options.hostname) === 0 ? options.hostname : undefined);
        // allowHalfOpen reaches the TLSSocket at runtime though ConnectionOptions does not list it.
        const tlsOptions: tls.ConnectionOptions & { allowHalfOpen: boolean } = {
          host: options.hostname,
          port: options.port,
          allowHalfOpen: true,
          ca: options.tls.caCerts === undefined
            ? undefined
            : [...tls.rootCertificates, ...options.tls.caCerts],
          servername: serverName,
          rejectUnauthorized: options.tls.rejectUnauthorized ?? true,
        };
        socket = tls.connect(tlsOptions);
        socket.once("secureConnect", onConnected);
      }
    } catch (error) {
      reject(mapNodeError(error, `Cannot connect to ${where}`));
      return;
    }
    socket.once("error", onError);
  });
}
