import { NetError } from "../../errors.ts";
import { formatNetAddr } from "../../net/addr.ts";
import type { NetAddr, UdpBindOptions, UdpSocket, UdpSocketHandler } from "../../net/types.ts";
import type { DenoApi, DenoDatagramConn, DenoMembership } from "./_deno_types.ts";
import { mapDenoError } from "./_map_error.ts";
import { SendWaves } from "../_send_waves.ts";

/** Receive buffer: the largest UDP payload. Each datagram is copied out of it. */
const RECEIVE_SIZE = 65536;
/** Consecutive receive errors after which the receive loop gives up. */
const MAX_RECEIVE_ERRORS = 100;
/** How long close() lets the datagrams already accepted leave before it closes regardless. */
const CLOSE_GRACE_MS = 500;

/**
 * A UdpSocket over Deno.listenDatagram. Sends are not awaited one by one, but Deno does not keep
 * the order of concurrent sends (16 issued in one turn left in reverse): {@linkcode SendWaves}
 * keeps one datagram per destination in flight, so each destination gets its datagrams in call
 * order while different destinations are sent to concurrently. `send` drops (returns false) past
 * `maxPendingSends` datagrams in flight or waiting. close() closes the socket once those have
 * left (at most {@linkcode CLOSE_GRACE_MS} later).
 *
 * Multicast TTL and loopback live on Deno's membership objects: they apply to the groups this
 * socket joined (before or after the call). Deno cannot pick the outgoing multicast interface:
 * `setMulticastInterface` is a no-op; bind the socket to the interface address instead (Linux
 * then sends multicast from that interface).
 */
export class DenoUdpSocket implements UdpSocket {
  readonly addr: NetAddr;
  #conn: DenoDatagramConn;
  #handler: UdpSocketHandler | undefined;
  #closed = false;
  #waves: SendWaves;
  #closeTimer: ReturnType<typeof setTimeout> | undefined;
  #memberships = new Map<string, Promise<DenoMembership | undefined>>();
  #ttl: number | undefined;
  #loopback: boolean | undefined;

  /** Wraps a bound datagram socket. */
  constructor(conn: DenoDatagramConn, maxPendingSends: number) {
    this.#conn = conn;
    this.#waves = new SendWaves(this.#issue, maxPendingSends);
    this.addr = { hostname: conn.addr.hostname, port: conn.addr.port };
  }

  start(handler: UdpSocketHandler): void {
    if (this.#handler !== undefined) throw new TypeError("Cannot start a UDP socket twice");
    this.#handler = handler;
    this.#receiveLoop().catch(() => {/* The loop catches everything itself. */});
  }

  // Arrow fields: one function each, not a closure per datagram.
  #issue = (data: Uint8Array, to: NetAddr): boolean => {
    try {
      this.#conn.send(data, { transport: "udp", hostname: to.hostname, port: to.port })
        .then(this.#onSent, this.#onSendError);
      return true;
    } catch (error) {
      this.#report(mapDenoError(error, "Cannot send a datagram"));
      return false;
    }
  };

  #onSent = (): void => {
    this.#waves.completed();
  };

  #onSendError = (error: unknown): void => {
    if (!this.#closed) this.#report(mapDenoError(error, "Cannot send a datagram"));
    this.#waves.completed();
  };

  send(data: Uint8Array, to: NetAddr): boolean {
    return !this.#closed && this.#waves.send(data, to);
  }

  sendMany(data: readonly Uint8Array[], to: readonly NetAddr[]): number {
    if (data.length !== to.length) {
      throw new RangeError("Cannot send: data and to differ in length");
    }
    if (this.#closed) return 0;
    let sent = 0;
    for (let i = 0; i < data.length; i++) if (this.#waves.send(data[i], to[i])) sent++;
    return sent;
  }

  joinMulticast(group: string, interfaceAddress = "0.0.0.0"): void {
    const key = `${group}/${interfaceAddress}`;
    if (this.#memberships.has(key)) return;
    let joining: Promise<DenoMembership>;
    try {
      joining = group.includes(":")
        ? this.#conn.joinMulticastV6(group, 0)
        : this.#conn.joinMulticastV4(group, interfaceAddress);
    } catch (error) {
      throw mapDenoError(error, `Cannot join multicast group ${group}`);
    }
    this.#memberships.set(
      key,
      joining.then(async (membership) => {
        if (this.#loopback !== undefined) await membership.setLoopback(this.#loopback);
        if (this.#ttl !== undefined) await membership.setTTL?.(this.#ttl);
        return membership;
      }).catch((error) => {
        this.#memberships.delete(key);
        this.#report(mapDenoError(error, `Cannot join multicast group ${group}`));
        return undefined;
      }),
    );
  }

  leaveMulticast(group: string, interfaceAddress = "0.0.0.0"): void {
    const key = `${group}/${interfaceAddress}`;
    const membership = this.#memberships.get(key);
    if (membership === undefined) return;
    this.#memberships.delete(key);
    membership.then((m) => m?.leave()).catch((error) => {
      this.#report(mapDenoError(error, `Cannot leave multicast group ${group}`));
    });
  }

  setMulticastTtl(ttl: number): void {
    if (!Number.isInteger(ttl) || ttl < 0 || ttl > 255) {
      throw new RangeError(`Invalid multicast TTL: ${ttl}`);
    }
    this.#ttl = ttl;
    this.#eachMembership(async (m) => await m.setTTL?.(ttl), "Cannot set multicast TTL");
  }

  setMulticastLoopback(enabled: boolean): void {
    this.#loopback = enabled;
    this.#eachMembership((m) => m.setLoopback(enabled), "Cannot set multicast loopback");
  }

  setMulticastInterface(_interfaceAddress: string): void {
    // Deno has no IP_MULTICAST_IF: the bound address chooses the interface (see the class doc).
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#memberships.clear();
    // Datagrams send() accepted still leave (best effort), then the socket closes.
    if (this.#waves.pending > 0) {
      this.#closeTimer = setTimeout(this.#closeNow, CLOSE_GRACE_MS);
    }
    this.#waves.whenIdle(this.#closeNow);
  }

  #closeNow = (): void => {
    clearTimeout(this.#closeTimer);
    this.#waves.clear();
    try {
      this.#conn.close();
    } catch {
      // Already closed.
    }
  };

  #eachMembership(fn: (m: DenoMembership) => Promise<void>, context: string): void {
    for (const membership of this.#memberships.values()) {
      membership.then((m) => (m === undefined ? undefined : fn(m))).catch((error) => {
        this.#report(mapDenoError(error, context));
      });
    }
  }

  async #receiveLoop(): Promise<void> {
    const buf = new Uint8Array(RECEIVE_SIZE);
    let errors = 0;
    while (!this.#closed) {
      let data: Uint8Array;
      let from: NetAddr;
      try {
        const [view, remote] = await this.#conn.receive(buf);
        // The view points into the reused buffer: the receiver gets its own copy.
        data = view.slice();
        from = { hostname: remote.hostname, port: remote.port };
      } catch (error) {
        if (this.#closed) return;
        const netError = mapDenoError(error, `Cannot receive on ${formatNetAddr(this.addr)}`);
        if (netError.code === "CLOSED" || ++errors > MAX_RECEIVE_ERRORS) return;
        this.#report(netError);
        continue;
      }
      errors = 0;
      if (this.#closed) return;
      try {
        this.#handler?.onMessage(data, from);
      } catch {
        // A throwing handler drops this datagram only.
      }
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

/** Binds with Deno.listenDatagram; UNSUPPORTED without `--unstable-net`. */
export function bindDenoUdp(
  deno: DenoApi,
  options: UdpBindOptions,
  maxPendingSends: number,
): Promise<UdpSocket> {
  if (typeof deno.listenDatagram !== "function") {
    return Promise.reject(
      new NetError(
        "UNSUPPORTED",
        "Cannot bind UDP: Deno.listenDatagram is unavailable, run Deno with --unstable-net " +
          '(or set "unstable": ["net"] in deno.json)',
      ),
    );
  }
  try {
    const conn = deno.listenDatagram({
      transport: "udp",
      hostname: options.hostname,
      port: options.port,
      reuseAddress: options.reuseAddress,
      // As the OS default elsewhere: multicast sent from this socket loops back.
      loopback: true,
    });
    return Promise.resolve(new DenoUdpSocket(conn, maxPendingSends));
  } catch (error) {
    return Promise.reject(mapDenoError(error, `Cannot bind UDP on ${formatNetAddr(options)}`));
  }
}
