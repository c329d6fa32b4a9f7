import type { UdpSocket } from "../net/types.ts";
import type { ServerContext } from "./_server_context.ts";

/** Socket TTL of multicast datagrams (gortsplib uses 16; the header advertises 127). */
const MULTICAST_TTL = 16;

async function bindGroup(ctx: ServerContext, ip: string, port: number): Promise<UdpSocket> {
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
  try {
    socket.joinMulticast(ip);
  } catch {
    // No multicast-capable interface: sending may still work.
  }
  try {
    socket.setMulticastTtl(MULTICAST_TTL);
    socket.setMulticastLoopback(true);
  } catch {
    // ignored: one interface failing must not stop the others
  }
  return socket;
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
  #rtpTo: { hostname: string; port: number };
  #rtcpTo: { hostname: string; port: number };

  private constructor(
    ip: string,
    rtpPort: number,
    rtcpPort: number,
    rtp: UdpSocket,
    rtcp: UdpSocket,
  ) {
    this.ip = ip;
    this.rtpPort = rtpPort;
    this.rtcpPort = rtcpPort;
    this.#rtp = rtp;
    this.#rtcp = rtcp;
    this.#rtpTo = { hostname: ip, port: rtpPort };
    this.#rtcpTo = { hostname: ip, port: rtcpPort };
  }

  /** Binds and joins the group sockets. */
  static async open(
    ctx: ServerContext,
    ip: string,
    rtpPort: number,
    rtcpPort: number,
    onRtcp: (data: Uint8Array, from: { hostname: string; port: number }) => void,
  ): Promise<MulticastWriter> {
    const rtp = await bindGroup(ctx, ip, rtpPort);
    let rtcp: UdpSocket;
    try {
      rtcp = await bindGroup(ctx, ip, rtcpPort);
    } catch (error) {
      rtp.close();
      throw error;
    }
    rtp.start({ onMessage() {} });
    rtcp.start({ onMessage: onRtcp });
    return new MulticastWriter(ip, rtpPort, rtcpPort, rtp, rtcp);
  }

  /** Sends RTP to the group; errors are ignored. */
  sendRtp(data: Uint8Array): void {
    try {
      this.#rtp.send(data, this.#rtpTo);
    } catch {
      // ignored
    }
  }

  /** Sends RTCP to the group; errors are ignored. */
  sendRtcp(data: Uint8Array): void {
    try {
      this.#rtcp.send(data, this.#rtcpTo);
    } catch {
      // ignored
    }
  }

  /** Leaves and closes. */
  close(): void {
    for (const s of [this.#rtp, this.#rtcp]) {
      try {
        s.leaveMulticast(this.ip);
      } catch {
        // ignored
      }
      s.close();
    }
  }
}
