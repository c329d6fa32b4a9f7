import type { RtspHeaders } from "./headers.ts";

/**
 * An RTSP request (RFC 2326 §6).
 *
 * ```text
 * Request-Line = Method SP Request-URI SP RTSP-Version CRLF
 * *( header CRLF ) CRLF [ message-body ]
 * ```
 */
export interface RtspRequest {
  /** The method as sent, e.g. `DESCRIBE` (case-sensitive). */
  method: string;
  /** The request URL as sent: an absolute `rtsp://`/`rtsps://` URL or `*`. */
  url: string;
  /** The header fields. */
  headers: RtspHeaders;
  /** The body (`Content-Length` bytes); empty when there is none. */
  body: Uint8Array;
}

/**
 * An RTSP response (RFC 2326 §7).
 *
 * ```text
 * Status-Line = RTSP-Version SP Status-Code SP Reason-Phrase CRLF
 * *( header CRLF ) CRLF [ message-body ]
 * ```
 */
export interface RtspResponse {
  /** The three-digit status code. */
  statusCode: number;
  /** The reason phrase; empty means the standard one when encoding. */
  statusMessage: string;
  /** The header fields. */
  headers: RtspHeaders;
  /** The body; empty when there is none. */
  body: Uint8Array;
}
