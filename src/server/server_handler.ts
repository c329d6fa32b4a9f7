import type { RtspHeaders } from "../rtsp/headers.ts";
import type { RtspRequest, RtspResponse } from "../rtsp/message.ts";
import type { SessionDescription } from "../sdp/description.ts";
import type { ServerConn } from "./server_conn.ts";
import type { ServerSession } from "./server_session.ts";
import type { ServerStream } from "./server_stream.ts";

/** The response part of a {@linkcode HandlerResult}. */
export interface HandlerResponse {
  /** RTSP status code. */
  statusCode: number;
  /** Reason phrase; the standard one when absent. */
  statusMessage?: string;
  /** Extra headers, passed through. */
  headers?: Record<string, string> | RtspHeaders;
  /** Body, passed through. */
  body?: Uint8Array | string;
}

/** What a request callback returns (SPEC §1.2). */
export interface HandlerResult {
  /** The response to send. */
  response: HandlerResponse;
  /** Set to close the connection after the response ({@linkcode ServerAuthError}: §7.1). */
  error?: Error;
  /** The stream to describe (DESCRIBE) or to read (reader SETUP). */
  stream?: ServerStream;
}

/** Transport chosen by a SETUP. */
export interface SessionTransport {
  /** Lower transport. */
  protocol: "udp" | "udp-multicast" | "tcp";
  /** RTP profile. */
  profile: "avp" | "savp";
}

/** Context of {@linkcode ServerHandler.onDescribe}. */
export interface DescribeContext {
  conn: ServerConn;
  request: RtspRequest;
  path: string;
  query?: string;
}

/** Context of {@linkcode ServerHandler.onAnnounce}. */
export interface AnnounceContext {
  session: ServerSession;
  conn: ServerConn;
  request: RtspRequest;
  path: string;
  query?: string;
  description: SessionDescription;
}

/** Context of {@linkcode ServerHandler.onSetup}. */
export interface SetupContext {
  session: ServerSession;
  conn: ServerConn;
  request: RtspRequest;
  path: string;
  query?: string;
  transport: SessionTransport;
}

/** Context of {@linkcode ServerHandler.onPlay}, `onRecord` and `onPause`. */
export interface SessionRequestContext {
  session: ServerSession;
  conn: ServerConn;
  request: RtspRequest;
  path: string;
  query?: string;
}

/** Context of {@linkcode ServerHandler.onPlay}. */
export type PlayContext = SessionRequestContext;
/** Context of {@linkcode ServerHandler.onRecord}. */
export type RecordContext = SessionRequestContext;
/** Context of {@linkcode ServerHandler.onPause}. */
export type PauseContext = SessionRequestContext;

/** Context of {@linkcode ServerHandler.onGetParameter} and `onSetParameter`. */
export interface ParameterContext {
  /** Absent outside a session. */
  session?: ServerSession;
  conn: ServerConn;
  request: RtspRequest;
  path: string;
  query?: string;
}

/** Context of {@linkcode ServerHandler.onGetParameter}. */
export type GetParameterContext = ParameterContext;
/** Context of {@linkcode ServerHandler.onSetParameter}. */
export type SetParameterContext = ParameterContext;

/** A request callback's return value, possibly a promise. */
export type HandlerReturn = HandlerResult | Promise<HandlerResult>;

/** The callbacks of a server (SPEC §1.3); all optional. */
export interface ServerHandler {
  /** After a connection is accepted. */
  onConnOpen?(ctx: { conn: ServerConn }): void | Promise<void>;
  /** After a connection is closed and detached from its session. */
  onConnClose?(ctx: { conn: ServerConn; error?: Error }): void;
  /** When ANNOUNCE or SETUP creates a session. */
  onSessionOpen?(ctx: { session: ServerSession; conn: ServerConn }): void;
  /** After a session closed. */
  onSessionClose?(ctx: { session: ServerSession; error?: Error }): void;
  /** Every parsed request, before routing. */
  onRequest?(conn: ServerConn, request: RtspRequest): void;
  /** Every response, just before writing. */
  onResponse?(conn: ServerConn, response: RtspResponse): void;
  /** DESCRIBE. */
  onDescribe?(ctx: DescribeContext): HandlerReturn;
  /** ANNOUNCE, after SDP validation. */
  onAnnounce?(ctx: AnnounceContext): HandlerReturn;
  /** SETUP, after transport validation. */
  onSetup?(ctx: SetupContext): HandlerReturn;
  /** PLAY. */
  onPlay?(ctx: PlayContext): HandlerReturn;
  /** RECORD. */
  onRecord?(ctx: RecordContext): HandlerReturn;
  /** PAUSE. */
  onPause?(ctx: PauseContext): HandlerReturn;
  /** GET_PARAMETER. */
  onGetParameter?(ctx: GetParameterContext): HandlerReturn;
  /** SET_PARAMETER. */
  onSetParameter?(ctx: SetParameterContext): HandlerReturn;
  /** Inbound RTP gap. */
  onPacketsLost?(ctx: { session: ServerSession; lost: number }): void;
  /** Malformed or unroutable inbound RTP/RTCP. */
  onDecodeError?(ctx: { session: ServerSession; error: Error }): void;
  /** A stream could not enqueue a packet for a reader. */
  onStreamWriteError?(ctx: { session: ServerSession; error: Error }): void;
}
