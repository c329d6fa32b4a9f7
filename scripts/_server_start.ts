/**
 * Starting an in-process {@linkcode Server} with UDP for the scripts that drive one (the soak loop,
 * the plain and SAVP fuzzer rounds). The UDP RTP/RTCP pair must be an even port and the next one,
 * which port 0 cannot ask for, so a random pair is tried and another one when it is taken.
 */
import { Server, type ServerOptions } from "../src/server/server.ts";

/** Options of {@linkcode startServerOnUdpPair}. */
export interface ServerStartOptions {
  /** Pairs tried before giving up with the last error (default 30). */
  attempts?: number;
  /**
   * Draws an integer in [0, n) that picks the pair; default `Math.random`. The fuzzer passes its
   * seeded generator, so that a run with the same seed picks the same ports.
   */
  draw?: (n: number) => number;
}

/** Lowest RTP port tried; pairs are drawn among the even ports up to 60000. */
const FIRST_PORT = 20000;
const PAIRS = 20000;

function drawWithMathRandom(n: number): number {
  return Math.floor(Math.random() * n);
}

/**
 * Starts a server with its UDP RTP/RTCP sockets on a random even port pair of 127.0.0.1, trying
 * another pair when one is taken.
 *
 * @param options Server options; the UDP addresses are chosen here.
 * @param start How many pairs to try and how to draw them.
 * @returns The started server.
 * @throws The error of the last attempt when every pair tried failed.
 *
 * @example
 * ```ts ignore
 * const server = await startServerOnUdpPair({ rtspAddress: "127.0.0.1:0", handler: {} });
 * console.log(server._ctx!.udp!.rtpPort % 2); // 0
 * await server.close();
 * ```
 */
export async function startServerOnUdpPair(
  options: Omit<ServerOptions, "udpRtpAddress" | "udpRtcpAddress">,
  start: ServerStartOptions = {},
): Promise<Server> {
  const attempts = start.attempts ?? 30;
  const draw = start.draw ?? drawWithMathRandom;
  let last: unknown = new RangeError(`Cannot start server: invalid attempts ${attempts}`);
  for (let attempt = 0; attempt < attempts; attempt++) {
    const rtp = FIRST_PORT + 2 * draw(PAIRS);
    const server = new Server({
      ...options,
      udpRtpAddress: `127.0.0.1:${rtp}`,
      udpRtcpAddress: `127.0.0.1:${rtp + 1}`,
    });
    try {
      await server.start();
      return server;
    } catch (error) {
      last = error;
    }
  }
  throw last;
}
