import type { Format } from "../formats/format.ts";
import type { NetAddr } from "../net/types.ts";
import type { RtcpPacket, RtpPacket } from "../rtp/mod.ts";
import type { Media } from "../sdp/description.ts";
import type { SrtpContext } from "../srtp/mod.ts";
import type { RtcpSenderReporter } from "./rtcp_sender_reporter.ts";
import type { RtpReceiver } from "./rtp_receiver.ts";
import type { ServerSession } from "./server_session.ts";
import type { WriteQueue } from "./_write_queue.ts";

/** One format of a set-up media of a session. @internal */
export class SessionFormat {
  readonly format: Format;
  /** Reader: the stream's SSRC; publisher/back channel: random local SSRC for RRs. */
  localSsrc: number;
  receiver: RtpReceiver | undefined;
  reporter: RtcpSenderReporter | undefined;
  onRtp: ((pkt: RtpPacket) => void) | undefined;
  outPackets = 0;
  outReportedLost = 0;
  outLastSequenceNumber: number | undefined;
  outLastRtp: number | undefined;
  outLastNtp: Date | undefined;
  outLastNtpMs = 0;

  constructor(format: Format, localSsrc: number) {
    this.format = format;
    this.localSsrc = localSsrc;
  }
}

/** One set-up media of a session, with its transport binding. @internal */
export class SessionMedia {
  readonly session: ServerSession;
  readonly media: Media;
  /** Index in the stream's (reader) or the announced (publisher) media list. */
  readonly index: number;
  readonly formats: SessionFormat[];
  readonly payloadTypes: number[];
  /** TCP: RTP channel (RTCP = +1); -1 otherwise. */
  tcpChannel = -1;
  /** UDP unicast client addresses. */
  udpRtp: NetAddr | undefined;
  udpRtcp: NetAddr | undefined;
  /** The session's TCP queue while active. */
  queue: WriteQueue | undefined;
  onRtcp: ((pkt: RtcpPacket) => void) | undefined;
  /** SAVP: protects what the server sends (a reader's stream media key, or a publisher's fresh key). */
  srtpOut: SrtpContext | undefined;
  /** SAVP: unprotects what the client sends (the key from its SETUP `KeyMgmt`). */
  srtpIn: SrtpContext | undefined;
  inboundBytes = 0;
  inboundRtpPacketsInError = 0;
  inboundRtcpPackets = 0;
  inboundRtcpPacketsInError = 0;
  outboundBytes = 0;
  outboundRtcpPackets = 0;

  constructor(session: ServerSession, media: Media, index: number, ssrcs: number[]) {
    this.session = session;
    this.media = media;
    this.index = index;
    this.formats = media.formats.map((f, i) => new SessionFormat(f, ssrcs[i]));
    this.payloadTypes = media.formats.map((f) => f.payloadType);
  }

  /** Index of the format with payload type `pt`, or -1. */
  formatIndex(pt: number): number {
    const pts = this.payloadTypes;
    for (let i = 0; i < pts.length; i++) if (pts[i] === pt) return i;
    return -1;
  }
}
