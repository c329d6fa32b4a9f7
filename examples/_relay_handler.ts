/**
 * The relay logic shared by examples/relay.ts, server-auth.ts and server-secure.ts: one publisher
 * (ANNOUNCE/RECORD) per server, relayed to every reader (DESCRIBE/SETUP/PLAY).
 *
 * - A new publisher replaces the old one (its stream closes and its readers are disconnected).
 * - Readers get 404 until someone publishes.
 * - When the publisher leaves, its stream closes and readers are disconnected. A UDP publisher's
 *   session would outlive its connection until the read timeout (SPEC §3.2): the relay treats
 *   the end of the publisher's connection as the publisher leaving.
 *
 * @module
 */

import { ServerStream } from "../mod.ts";
import type {
  Format,
  HandlerResult,
  Media,
  RtpPacket,
  RtspRequest,
  Server,
  ServerConn,
  ServerHandler,
  ServerSession,
} from "../mod.ts";

/** Who is asking: a reader (DESCRIBE, SETUP) or a publisher (ANNOUNCE). */
export type RelayRole = "read" | "publish";

/** Options of {@linkcode relayHandler}. */
export interface RelayOptions {
  /**
   * Checks a reader's DESCRIBE/SETUP and a publisher's ANNOUNCE (a publisher's SETUP and RECORD
   * belong to the session its ANNOUNCE created). Undefined accepts; a result refuses with it.
   */
  authorize?(role: RelayRole, conn: ServerConn, request: RtspRequest): HandlerResult | undefined;
  /**
   * Makes, per publisher, the function that turns one published packet into what the stream
   * sends (for example re-packetized to a smaller size). Default: the packet itself.
   */
  forwarder?(stream: ServerStream): (media: Media, format: Format, pkt: RtpPacket) => RtpPacket[];
}

/** The relay's handler for `server` (which must be the server the handler is given to). */
export function relayHandler(getServer: () => Server, options: RelayOptions = {}): ServerHandler {
  let stream: ServerStream | undefined;
  let publisher: ServerSession | undefined;
  let publisherConn: ServerConn | undefined;
  let dropped = 0;
  const authorize = options.authorize ?? (() => undefined);

  return {
    onConnClose({ conn }) {
      if (conn === publisherConn) {
        publisherConn = undefined;
        publisher?.close();
      }
    },
    onSessionClose({ session }) {
      if (session === publisher) {
        publisher = undefined;
        const old = stream;
        stream = undefined;
        old?.close();
      }
    },
    onDescribe({ conn, request }) {
      const refused = authorize("read", conn, request);
      if (refused !== undefined) return refused;
      if (stream === undefined) return { response: { statusCode: 404 } };
      return { response: { statusCode: 200 }, stream };
    },
    onAnnounce({ conn, request, session, description }) {
      const refused = authorize("publish", conn, request);
      if (refused !== undefined) return refused;
      const oldPublisher = publisher;
      const oldStream = stream;
      publisher = session;
      publisherConn = undefined;
      stream = new ServerStream({ server: getServer(), desc: description });
      stream.initialize();
      oldStream?.close();
      oldPublisher?.close();
      return { response: { statusCode: 200 } };
    },
    onSetup({ conn, request, session }) {
      // A publisher's session was created (and checked) by its ANNOUNCE.
      if (session.state() === "preRecord") return { response: { statusCode: 200 } };
      const refused = authorize("read", conn, request);
      if (refused !== undefined) return refused;
      if (stream === undefined) return { response: { statusCode: 404 } };
      return { response: { statusCode: 200 }, stream };
    },
    onPlay() {
      return { response: { statusCode: 200 } };
    },
    onRecord({ session, conn }) {
      const target = stream;
      if (session !== publisher || target === undefined) return { response: { statusCode: 400 } };
      publisherConn = conn;
      const forward = options.forwarder?.(target);
      session.onPacketRtpAny((media, format, pkt) => {
        if (target.closed) return;
        try {
          if (forward === undefined) target.writePacketRtp(media, pkt);
          else for (const out of forward(media, format, pkt)) target.writePacketRtp(media, out);
        } catch (error) {
          // Larger than maxPacketSize (TCP publishers may send up to 64 KiB) or a broken access
          // unit: drop it, and say so once rather than at line rate.
          if (dropped++ === 0) console.warn(`relay: dropping packets: ${(error as Error).message}`);
        }
      });
      return { response: { statusCode: 200 } };
    },
    onPause() {
      return { response: { statusCode: 200 } };
    },
  };
}
