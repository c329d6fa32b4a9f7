import * as dgram from "node:dgram";
import { isIPv6 } from "node:net";
import type { NetError } from "../../errors.ts";
import { formatNetAddr } from "../../net/addr.ts";
import type { NetAddr, UdpBindOptions, UdpSocket, UdpSocketHandler } from "../../net/types.ts";
import { mapNodeError, toPlainView } from "./_map_error.ts";

/** Datagrams queued in node:dgram (waiting for DNS or the socket) beyond which `send` drops. */
const MAX_SEND_QUEUE = 4096;

/** A UdpSocket over node:dgram. */
export class NodeUdpSocket implements UdpSocket {
  readonly addr: NetAddr;
  #socket: dgram.Socket;
  #handler: UdpSocketHandler | undefined;
  #closed = false;
  #pendingErrors: NetError[] = [];

  /** Wraps a bound socket. */
  constructor(socket: dgram.Socket, addr: NetAddr) {
    this.#socket = socket;
    this.addr = addr;
    socket.on("error", (error: Error) => {
      const netError = mapNodeError(error, `UDP socket ${formatNetAddr(addr)} error`);
      if (this.#handler === undefined) this.#pendingErrors.push(netError);
      else this.#report(netError);
    });
    socket.on("close", () => {
      this.#closed = true;
    });
  }

  start(handler: UdpSocketHandler): void {
    if (this.#handler !== undefined) throw new TypeError("Cannot start a UDP socket twice");
    this.#handler = handler;
    this.#socket.on("message", (msg: Uint8Array, rinfo: dgram.RemoteInfo) => {
      try {
        handler.onMessage(toPlainView(msg), { hostname: rinfo.address, port: rinfo.port });
      } catch {
        // A throwing handler drops this datagram only.
      }
    });
    for (const error of this.#pendingErrors.splice(0)) this.#report(error);
  }

  send(data: Uint8Array, to: NetAddr): boolean {
    if (this.#closed) return false;
    const socket = this.#socket;
    // Deno's node:dgram has no getSendQueueCount: no backpressure signal there.
    if (
      typeof socket.getSendQueueCount === "function" && socket.getSendQueueCount() >= MAX_SEND_QUEUE
    ) {
      return false;
    }
    try {
      socket.send(data, to.port, to.hostname);
      return true;
    } catch (error) {
      this.#report(mapNodeError(error, `Cannot send to ${formatNetAddr(to)}`));
      return false;
    }
  }

  sendMany(data: readonly Uint8Array[], to: readonly NetAddr[]): number {
    if (data.length !== to.length) {
      throw new RangeError("Cannot send: data and to differ in length");
    }
    let sent = 0;
    for (let i = 0; i < data.length; i++) if (this.send(data[i], to[i])) sent++;
    return sent;
  }

  joinMulticast(group: string, interfaceAddress?: string): void {
    this.#sync(
      `Cannot join multicast group ${group}`,
      () => this.#socket.addMembership(group, interfaceAddress),
    );
  }

  leaveMulticast(group: string, interfaceAddress?: string): void {
    this.#sync(
      `Cannot leave multicast group ${group}`,
      () => this.#socket.dropMembership(group, interfaceAddress),
    );
  }

  setMulticastTtl(ttl: number): void {
    this.#sync("Cannot set multicast TTL", () => this.#socket.setMulticastTTL(ttl));
  }

  setMulticastLoopback(enabled: boolean): void {
    this.#sync("Cannot set multicast loopback", () => this.#socket.setMulticastLoopback(enabled));
  }

  setMulticastInterface(interfaceAddress: string): void {
    this.#sync(
      "Cannot set multicast interface",
      () => this.#socket.setMulticastInterface(interfaceAddress),
    );
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#socket.close();
    } catch {
      // Already closed by the runtime.
    }
  }

  #sync(context: string, fn: () => unknown): void {
    try {
      fn();
    } catch (error) {
      throw mapNodeError(error, context);
    }
  }

  #report(error: NetError): void {
    try {
      this.#handler?.onError?.(error);
    } catch {
      // Nothing left to tell.
    }
  }
}

/** Binds a UDP socket with node:dgram. */
export function bindNodeUdp(options: UdpBindOptions): Promise<UdpSocket> {
  const where = formatNetAddr(options);
  return new Promise((resolve, reject) => {
    let socket: dgram.Socket;
    try {
      socket = dgram.createSocket({
        type: isIPv6(options.hostname) ? "udp6" : "udp4",
        reuseAddr: options.reuseAddress ?? false,
        recvBufferSize: options.receiveBufferSize,
      });
    } catch (error) {
      reject(mapNodeError(error, `Cannot bind UDP on ${where}`));
      return;
    }
    const onError = (error: Error) => {
      try {
        socket.close();
      } catch {
        // Never bound.
      }
      reject(mapNodeError(error, `Cannot bind UDP on ${where}`));
    };
    socket.once("error", onError);
    socket.bind({ address: options.hostname, port: options.port }, () => {
      socket.off("error", onError);
      const address = socket.address();
      resolve(new NodeUdpSocket(socket, { hostname: address.address, port: address.port }));
    });
  });
}
