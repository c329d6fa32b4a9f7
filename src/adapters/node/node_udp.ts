import * as dgram from "node:dgram";
import { lookup as dnsLookup, type LookupOneOptions } from "node:dns";
import { isIP, isIPv6 } from "node:net";
import type { NetError } from "../../errors.ts";
import { formatNetAddr } from "../../net/addr.ts";
import type { NetAddr, UdpBindOptions, UdpSocket, UdpSocketHandler } from "../../net/types.ts";
import { mapNodeError, toPlainView } from "./_map_error.ts";
import { SendWaves } from "../_send_waves.ts";

/** Datagrams queued in node:dgram (waiting for DNS or the socket) beyond which `send` drops. */
const MAX_SEND_QUEUE = 4096;
/** How long close() lets the datagrams already accepted leave before it closes regardless. */
const CLOSE_GRACE_MS = 500;
/** How often close() looks at node:dgram's send queue while it waits for it to empty. */
const CLOSE_POLL_MS = 2;

/**
 * A UdpSocket over node:dgram. close() closes the dgram socket only once the datagrams send()
 * accepted have left (node:dgram would drop those still queued), at most
 * {@linkcode CLOSE_GRACE_MS} later.
 *
 * Deno's node:dgram sends each datagram as its own async op and keeps no order between them,
 * and has no send-queue count: there sends carry a completion callback and go through
 * {@linkcode SendWaves}, which keeps each destination's datagrams in call order (and bounds them).
 */
export class NodeUdpSocket implements UdpSocket {
  readonly addr: NetAddr;
  #socket: dgram.Socket;
  #handler: UdpSocketHandler | undefined;
  #closed = false;
  #pendingErrors: NetError[] = [];
  /** Deno's node:dgram has no getSendQueueCount: there sends are counted by #waves instead. */
  #hasQueueCount: boolean;
  /** Where there is no queue count (Deno): ordered sends, counted and bounded while in flight. */
  #waves: SendWaves | undefined;
  #closeTimer: ReturnType<typeof setTimeout> | undefined;
  #closeBy = 0;

  /** Wraps a bound socket. */
  constructor(socket: dgram.Socket, addr: NetAddr) {
    this.#socket = socket;
    this.addr = addr;
    this.#hasQueueCount = typeof socket.getSendQueueCount === "function";
    if (!this.#hasQueueCount) this.#waves = new SendWaves(this.#issue, MAX_SEND_QUEUE);
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
      // The dgram socket outlives close() while accepted datagrams leave.
      if (this.#closed) return;
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
    if (this.#waves !== undefined) return this.#waves.send(data, to);
    if (this.#sendRoom() < 1) return false;
    return this.#send(data, to);
  }

  sendMany(data: readonly Uint8Array[], to: readonly NetAddr[]): number {
    if (data.length !== to.length) {
      throw new RangeError("Cannot send: data and to differ in length");
    }
    if (this.#closed) return 0;
    let sent = 0;
    const waves = this.#waves;
    if (waves !== undefined) {
      for (let i = 0; i < data.length; i++) if (waves.send(data[i], to[i])) sent++;
      return sent;
    }
    // One look at the queue for the whole batch: what does not fit is dropped.
    const count = Math.min(data.length, this.#sendRoom());
    for (let i = 0; i < count; i++) if (this.#send(data[i], to[i])) sent++;
    return sent;
  }

  /** How many more datagrams node:dgram may queue before `send` drops. */
  #sendRoom(): number {
    return MAX_SEND_QUEUE - this.#socket.getSendQueueCount();
  }

  // Arrow fields: one function each, not a closure per datagram.
  #issue = (data: Uint8Array, to: NetAddr): boolean => {
    try {
      this.#socket.send(data, to.port, to.hostname, this.#onSent);
      return true;
    } catch (error) {
      this.#report(mapNodeError(error, `Cannot send to ${formatNetAddr(to)}`));
      return false;
    }
  };

  #onSent = (error: Error | null): void => {
    if (error && !this.#closed) this.#report(mapNodeError(error, "Cannot send a datagram"));
    this.#waves!.completed();
  };

  #send(data: Uint8Array, to: NetAddr): boolean {
    try {
      this.#socket.send(data, to.port, to.hostname);
      return true;
    } catch (error) {
      this.#report(mapNodeError(error, `Cannot send to ${formatNetAddr(to)}`));
      return false;
    }
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
    // Datagrams send() accepted still leave (best effort), then the socket closes.
    if (this.#waves !== undefined) {
      if (this.#waves.pending > 0) {
        this.#closeTimer = setTimeout(this.#closeNow, CLOSE_GRACE_MS);
      }
      this.#waves.whenIdle(this.#closeNow);
    } else {
      this.#closeBy = Date.now() + CLOSE_GRACE_MS;
      this.#closeWhenSent();
    }
  }

  /** Closes once node:dgram's send queue is empty (or the grace period is over). */
  #closeWhenSent = (): void => {
    if (this.#socket.getSendQueueCount() > 0 && Date.now() < this.#closeBy) {
      setTimeout(this.#closeWhenSent, CLOSE_POLL_MS);
    } else {
      this.#closeNow();
    }
  };

  #closeNow = (): void => {
    clearTimeout(this.#closeTimer);
    this.#waves?.clear();
    try {
      this.#socket.close();
    } catch {
      // Already closed by the runtime.
    }
  };

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

/**
 * The socket's address lookup: an IP literal (every RTP destination) resolves at once; names go
 * to dns.lookup. node:dgram calls `lookup` on every send, and the default (dns.lookup) answers
 * even a literal one tick later, so each datagram cost an extra tick and an address regex.
 */
function lookupLiteral(
  hostname: string,
  options: LookupOneOptions,
  callback: (error: NodeJS.ErrnoException | null, address: string, family: number) => void,
): void {
  const literal = isIP(hostname);
  if (literal !== 0) callback(null, hostname, literal);
  else dnsLookup(hostname, options, callback);
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
        lookup: lookupLiteral,
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
