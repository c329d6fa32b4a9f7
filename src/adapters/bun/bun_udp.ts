import { NetError } from "../../errors.ts";
import { formatNetAddr } from "../../net/addr.ts";
import type { NetAddr, UdpBindOptions, UdpSocket, UdpSocketHandler } from "../../net/types.ts";
import type { BunApi, BunUdpSocket } from "./_bun_types.ts";
import { mapBunError } from "./_map_error.ts";

/**
 * A UdpSocket over Bun.udpSocket. `sendMany` is one Bun `sendMany` call; a `false` from Bun's
 * `send` (or a short `sendMany` count) means those datagrams were dropped.
 */
export class BunUdpSocketAdapter implements UdpSocket {
  readonly addr: NetAddr;
  #socket: BunUdpSocket;
  #handler: UdpSocketHandler | undefined;
  #closed = false;
  /** Reused argument array of `sendMany`. */
  #packets: (Uint8Array | number | string)[] = [];

  /** Wraps a bound socket; `events` is where the Bun callbacks of this socket land. */
  constructor(socket: BunUdpSocket, events: BunUdpEvents) {
    this.#socket = socket;
    this.addr = { hostname: socket.hostname, port: socket.port };
    events.target = this;
  }

  start(handler: UdpSocketHandler): void {
    if (this.#handler !== undefined) throw new TypeError("Cannot start a UDP socket twice");
    this.#handler = handler;
  }

  send(data: Uint8Array, to: NetAddr): boolean {
    if (this.#closed) return false;
    try {
      return this.#socket.send(data, to.port, to.hostname);
    } catch (error) {
      this.report(mapBunError(error, `Cannot send to ${formatNetAddr(to)}`));
      return false;
    }
  }

  sendMany(data: readonly Uint8Array[], to: readonly NetAddr[]): number {
    if (data.length !== to.length) {
      throw new RangeError("Cannot send: data and to differ in length");
    }
    if (this.#closed || data.length === 0) return 0;
    const packets = this.#packets;
    packets.length = 0;
    for (let i = 0; i < data.length; i++) packets.push(data[i], to[i].port, to[i].hostname);
    // Interop: Bun 1.4's sendMany stops at the first datagram the kernel refuses; a pending
    // ICMP "port unreachable" from one dead reader makes the next datagram fail whatever its
    // destination, so one dead reader would starve every reader after it. Retry the rest once
    // (the pending error is consumed by the failed send), and skip a datagram only if it fails again.
    let sent = 0;
    try {
      let start = 0;
      let retried = false;
      while (start < data.length) {
        const count = this.#socket.sendMany(start === 0 ? packets : packets.slice(start * 3));
        sent += count;
        start += count;
        if (start >= data.length) break;
        if (count === 0 && retried) start++;
        retried = count === 0 ? !retried : true;
      }
      return sent;
    } catch (error) {
      this.report(mapBunError(error, "Cannot send datagrams"));
      return sent;
    } finally {
      packets.length = 0;
    }
  }

  joinMulticast(group: string, interfaceAddress?: string): void {
    this.#check(
      `Cannot join multicast group ${group}`,
      () => this.#socket.addMembership(group, interfaceAddress),
    );
  }

  leaveMulticast(group: string, interfaceAddress?: string): void {
    this.#check(
      `Cannot leave multicast group ${group}`,
      () => this.#socket.dropMembership(group, interfaceAddress),
    );
  }

  setMulticastTtl(ttl: number): void {
    this.#check("Cannot set multicast TTL", () => this.#socket.setMulticastTTL(ttl));
  }

  setMulticastLoopback(enabled: boolean): void {
    this.#check("Cannot set multicast loopback", () => this.#socket.setMulticastLoopback(enabled));
  }

  setMulticastInterface(interfaceAddress: string): void {
    this.#check(
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
      // Already closed.
    }
  }

  /** @internal One received datagram. */
  deliver(data: Uint8Array, port: number, address: string): void {
    if (this.#closed || this.#handler === undefined) return;
    try {
      this.#handler.onMessage(data, { hostname: address, port });
    } catch {
      // A throwing handler drops this datagram only.
    }
  }

  /** @internal A non-fatal error. */
  report(error: NetError): void {
    try {
      this.#handler?.onError?.(error);
    } catch {
      // Nothing left to tell.
    }
  }

  #check(context: string, fn: () => unknown): void {
    let result: unknown;
    try {
      result = fn();
    } catch (error) {
      throw mapBunError(error, context);
    }
    if (result === false) throw new NetError("UNKNOWN", context);
  }
}

/** Where the callbacks of one Bun UDP socket go once its wrapper exists. */
interface BunUdpEvents {
  target: BunUdpSocketAdapter | undefined;
}

/** Binds with Bun.udpSocket. */
export async function bindBunUdp(bun: BunApi, options: UdpBindOptions): Promise<UdpSocket> {
  const events: BunUdpEvents = { target: undefined };
  let socket: BunUdpSocket;
  try {
    socket = await bun.udpSocket({
      hostname: options.hostname,
      port: options.port,
      binaryType: "uint8array",
      socket: {
        data: (_socket, data, port, address) => events.target?.deliver(data, port, address),
        error: (_socket, error) => events.target?.report(mapBunError(error, "UDP socket error")),
      },
    });
  } catch (error) {
    throw mapBunError(error, `Cannot bind UDP on ${formatNetAddr(options)}`);
  }
  return new BunUdpSocketAdapter(socket, events);
}
