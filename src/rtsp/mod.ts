/**
 * The RTSP 1.0 wire protocol (RFC 2326): requests, responses and header fields, an incremental
 * bounded parser of requests, responses and `$` interleaved frames, a serializer, and codecs of
 * the `Transport`, `Session`, `RTP-Info`, `Range` and `Authorization` headers, RTSP URLs and the
 * path rules of SPEC §2.3.
 *
 * @example Parse a request and answer it
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeResponse, RtspHeaders, RtspParser } from "./mod.ts";
 * const parser = new RtspParser();
 * parser.push(new TextEncoder().encode("OPTIONS rtsp://cam/live RTSP/1.0\r\nCSeq: 7\r\n\r\n"));
 * const message = parser.next();
 * assert.equal(message?.kind, "request");
 * if (message?.kind === "request") {
 *   const headers = new RtspHeaders({ CSeq: message.request.headers.get("cseq") ?? "" });
 *   const reply = encodeResponse({ statusCode: 200, statusMessage: "", headers, body: new Uint8Array(0) });
 *   assert.equal(new TextDecoder().decode(reply), "RTSP/1.0 200 OK\r\nCSeq: 7\r\n\r\n");
 * }
 * ```
 *
 * @module
 */
export { canonicalHeaderName, RtspHeaders } from "./headers.ts";
export type { RtspRequest, RtspResponse } from "./message.ts";
export { STATUS_TEXT, statusText } from "./status.ts";
export { DEFAULT_PARSER_LIMITS, RtspParser } from "./parser.ts";
export type { RtspMessage, RtspParserLimits } from "./parser.ts";
export { encodeInterleavedFrame, encodeRequest, encodeResponse } from "./serializer.ts";
export { formatTransport, parseTransports } from "./transport.ts";
export type { TransportHeader, TransportProfile, TransportProtocol } from "./transport.ts";
export { formatSessionHeader, parseSessionHeader } from "./session_header.ts";
export { formatRtpInfo, parseRtpInfo } from "./rtp_info.ts";
export type { RtpInfoEntry } from "./rtp_info.ts";
export { formatRange, parseRange } from "./range.ts";
export type { NptRange } from "./range.ts";
export { parseRtspUrl } from "./url.ts";
export type { RtspUrl } from "./url.ts";
export { readerPathAndQuery, setupPathQueryAndTrack } from "./path_rules.ts";
export {
  formatWwwAuthenticate,
  parseAuthorization,
  timingSafeEqual,
  verifyAuthorization,
} from "./auth.ts";
export type {
  AuthMethod,
  AuthorizationHeader,
  BasicAuthorization,
  DigestAuthorization,
  VerifyAuthorizationOptions,
} from "./auth.ts";
export { md5, md5Hex } from "./md5.ts";
export { sha256, sha256Hex } from "./sha256.ts";
