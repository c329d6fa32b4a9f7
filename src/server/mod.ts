/**
 * The RTSP server: {@linkcode Server}, its connections, sessions and streams (SPEC §1).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Server } from "./mod.ts";
 * const server = new Server({ rtspAddress: "127.0.0.1:0" });
 * await server.start();
 * assert.ok(server.address().port > 0);
 * await server.close();
 * ```
 *
 * @module
 */
export { Server } from "./server.ts";
export type { ServerOptions, ServerStats } from "./server.ts";
export { SERVER_NAME, ServerConn } from "./server_conn.ts";
export { ServerSession } from "./server_session.ts";
export type {
  ServerSessionFormatStats,
  ServerSessionMediaStats,
  ServerSessionState,
  ServerSessionStats,
} from "./server_session.ts";
export { ServerStream } from "./server_stream.ts";
export type {
  MulticastParams,
  ServerStreamFormatStats,
  ServerStreamMediaStats,
  ServerStreamOptions,
  ServerStreamStats,
} from "./server_stream.ts";
export { ServerAuthError } from "./server_auth_error.ts";
export type {
  AnnounceContext,
  DescribeContext,
  GetParameterContext,
  HandlerResponse,
  HandlerResult,
  HandlerReturn,
  ParameterContext,
  PauseContext,
  PlayContext,
  RecordContext,
  ServerHandler,
  SessionRequestContext,
  SessionTransport,
  SetParameterContext,
  SetupContext,
} from "./server_handler.ts";
export { RtcpSenderReporter } from "./rtcp_sender_reporter.ts";
export type { RtcpSenderReporterOptions } from "./rtcp_sender_reporter.ts";
export { RtpReceiver } from "./rtp_receiver.ts";
export type { RtpReceiverOptions, RtpReceiverStats } from "./rtp_receiver.ts";
export { MulticastIpAllocator } from "./multicast_ip_allocator.ts";
export { PtsDecoder } from "./pts_decoder.ts";
