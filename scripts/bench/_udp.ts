/**
 * UDP helpers for the bench clients (node:dgram; runs under node or bun).
 * @module
 */
import dgram from "node:dgram";

let nextPort = 20000 + 2 * Math.floor(Math.random() * 10000);

/** Binds one UDP socket on 127.0.0.1 (`port` 0 = any). */
export function bindUdp(port: number, receiveBufferSize?: number): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const sock = dgram.createSocket({ type: "udp4" });
    sock.once("error", reject);
    sock.bind(port, "127.0.0.1", () => {
      sock.off("error", reject);
      if (receiveBufferSize !== undefined) {
        try {
          sock.setRecvBufferSize(receiveBufferSize);
        } catch { /* capped by net.core.rmem_max */ }
      }
      resolve(sock);
    });
  });
}

/** Binds an RTP/RTCP pair on consecutive ports, the first even. */
export async function bindUdpPair(
  receiveBufferSize?: number,
): Promise<[dgram.Socket, dgram.Socket]> {
  // Another reader process may hold the next few hundred pairs: try well past them.
  for (let attempt = 0; attempt < 4000; attempt++) {
    const port = nextPort;
    nextPort += 2;
    if (nextPort > 60000) nextPort = 20000;
    let rtp: dgram.Socket | undefined;
    try {
      rtp = await bindUdp(port, receiveBufferSize);
      const rtcp = await bindUdp(port + 1);
      return [rtp, rtcp];
    } catch {
      rtp?.close();
    }
  }
  throw new Error("no free UDP port pair");
}
