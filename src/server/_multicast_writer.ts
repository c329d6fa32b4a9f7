import type { NetAddr, UdpSocket } from "../net/types.ts";
import type { ServerContext } from "./_server_context.ts";

/** Socket TTL of multicast datagrams (gortsplib uses 16; the header advertises 127). */
const MULTICAST_TTL = 16;

/** The group socket of one port: receives what readers send to the group, joined everywhere. */
async function bindGroup(
  ctx: ServerContext,
  ip: string,
  port: number,
  interfaces: readonly string[],
): Promise<UdpSocket> {
  let socket: UdpSocket;
  try {
    socket = await ctx.adapter.bindUdp({
      hostname: ip,
      port,
      reuseAddress: true,
      receiveBufferSize: ctx.udpReadBufferSize,
    });
  } catch {
    socket = await ctx.adapter.bindUdp({
      hostname: "0.0.0.0",
      port,
      reuseAddress: true,
      receiveBufferSize: ctx.udpReadBufferSize,
    });
  }
  if (interfaces.length === 0) joinQuietly(socket, ip);
  for (const iface of interfaces) joinQuietly(socket, ip, iface);
  configureSending(socket);
  return socket;
}

/**
 * A socket that sends to the group from one interface. It is bound to that interface's address
 * on an ephemeral port, so it receives none of the group's traffic; binding to the address also
 * picks the interface where the runtime has no IP_MULTICAST_IF (Deno). The join lets runtimes that
 * set TTL and loopback per membership (Deno) apply them.
 */
async function bindSender(ctx: ServerContext, ip: string, iface: string): Promise<UdpSocket> {
  const socket = await ctx.adapter.bindUdp({ hostname: iface, port: 0 });
  try {
    socket.setMulticastInterface(iface);
  } catch {
    // The bound address already chooses the interface on Linux.
  }
  joinQuietly(socket, ip, iface);
  configureSending(socket);
  return socket;
}

/** The RTP and RTCP senders of one interface, or undefined when that interface is unusable. */
async function bindSenderPair(
  ctx: ServerContext,
  ip: string,
  iface: string,
): Promise<[UdpSocket, UdpSocket] | undefined> {
  let rtp: UdpSocket;
  try {
    rtp = await bindSender(ctx, ip, iface);
  } catch {
    return undefined;
  }
  try {
    return [rtp, await bindSender(ctx, ip, iface)];
  } catch {
    rtp.close();
    return undefined;
  }
}

function joinQuietly(socket: UdpSocket, group: string, iface?: string): void {
  try {
    socket.joinMulticast(group, iface);
  } catch {
    // One interface failing must not stop the others (SPEC §4.3); sending may still work.
  }
}

function configureSending(socket: UdpSocket): void {
  try {
    socket.setMulticastTtl(MULTICAST_TTL);
    socket.setMulticastLoopback(true);
  } catch {
    // ignored: readers on other hosts still get the datagrams
  }
}

function sendQuietly(sockets: readonly UdpSocket[], data: Uint8Array, to: NetAddr): void {
  for (let i = 0; i < sockets.length; i++) {
    try {
      sockets[i].send(data, to);
    } catch {
      // One interface failing must not stop the others.
    }
  }
}

/**
 * The shared writer of one stream media towards its multicast group (SPEC §4.3).
 *
 * @internal
 */
export class MulticastWriter {
  readonly ip: string;
  readonly rtpPort: number;
  readonly rtcpPort: number;
  #rtp: UdpSocket;
  #rtcp: UdpSocket;
  /** Where RTP and RTCP leave from: one socket per interface, or the group sockets. */
  #rtpSenders: UdpSocket[];
  #rtcpSenders: UdpSocket[];
  #rtpTo: NetAddr;
  #rtcpTo: NetAddr;

  private constructor(
    ip: string,
    rtpPort: number,
    rtcpPort: number,
    rtp: UdpSocket,
    rtcp: UdpSocket,
    senders: { rtp: UdpSocket[]; rtcp: UdpSocket[] },
  ) {
    this.ip = ip;
    this.rtpPort = rtpPort;
    this.rtcpPort = rtcpPort;
    this.#rtp = rtp;
    this.#rtcp = rtcp;
    this.#rtpSenders = senders.rtp.length > 0 ? senders.rtp : [rtp];
    this.#rtcpSenders = senders.rtcp.length > 0 ? senders.rtcp : [rtcp];
    this.#rtpTo = { hostname: ip, port: rtpPort };
    this.#rtcpTo = { hostname: ip, port: rtcpPort };
  }

  /**
   * Binds and joins the group sockets on every multicast interface the adapter lists, and opens
   * one sending socket per interface (SPEC §4.3). An interface whose socket cannot be opened is
   * skipped; with none listed or none usable, the system's default interface is used.
   */
  static async open(
    ctx: ServerContext,
    ip: string,
    rtpPort: number,
    rtcpPort: number,
    onRtcp: (data: Uint8Array, from: NetAddr) => void,
  ): Promise<MulticastWriter> {
    const interfaces = ctx.adapter.multicastInterfaces?.() ?? [];
    const opened: UdpSocket[] = [];
    try {
      const rtp = await bindGroup(ctx, ip, rtpPort, interfaces);
      opened.push(rtp);
      const rtcp = await bindGroup(ctx, ip, rtcpPort, interfaces);
      opened.push(rtcp);
      const senders = { rtp: [] as UdpSocket[], rtcp: [] as UdpSocket[] };
      for (const iface of interfaces) {
        const pair = await bindSenderPair(ctx, ip, iface);
        if (pair === undefined) continue;
        opened.push(...pair);
        senders.rtp.push(pair[0]);
        senders.rtcp.push(pair[1]);
      }
      for (const s of opened) if (s !== rtcp) s.start({ onMessage() {} });
      rtcp.start({ onMessage: onRtcp });
      return new MulticastWriter(ip, rtpPort, rtcpPort, rtp, rtcp, senders);
    } catch (error) {
      for (const s of opened) s.close();
      throw error;
    }
  }

  /** Sends RTP to the group from every interface; errors are ignored. */
  sendRtp(data: Uint8Array): void {
    sendQuietly(this.#rtpSenders, data, this.#rtpTo);
  }

  /** Sends RTCP to the group from every interface; errors are ignored. */
  sendRtcp(data: Uint8Array): void {
    sendQuietly(this.#rtcpSenders, data, this.#rtcpTo);
  }

  /** Closes every socket; closing a socket also drops its group memberships. */
  close(): void {
    const all = new Set([this.#rtp, this.#rtcp, ...this.#rtpSenders, ...this.#rtcpSenders]);
    for (const s of all) s.close();
  }
}
