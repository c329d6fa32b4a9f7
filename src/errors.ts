/**
 * The error classes of rtspkit.
 *
 * - {@linkcode RtspError}: a request cannot be served; carries the RTSP status to answer with.
 * - {@linkcode ParseError}: bytes or text on the wire cannot be parsed.
 * - {@linkcode NetError}: a socket operation failed; one code set for every runtime.
 *
 * @module
 */

/** RTSP status codes this library sends or understands (RFC 2326 §7.1.1). */
export type RtspStatusCode =
  | 100
  | 200
  | 201
  | 250
  | 300
  | 301
  | 302
  | 303
  | 305
  | 400
  | 401
  | 402
  | 403
  | 404
  | 405
  | 406
  | 407
  | 408
  | 410
  | 411
  | 412
  | 413
  | 414
  | 415
  | 451
  | 452
  | 453
  | 454
  | 455
  | 456
  | 457
  | 458
  | 459
  | 460
  | 461
  | 462
  | 500
  | 501
  | 502
  | 503
  | 504
  | 505
  | 551;

/**
 * A request cannot be served. Handlers throw it to choose the reply; the server answers with
 * `status` and, when `close` is set, closes the connection afterwards.
 *
 * @example Answer 454 from a handler
 * ```ts
 * import assert from "node:assert/strict";
 * import { RtspError } from "./errors.ts";
 * const error = new RtspError(454, "SESSION_NOT_FOUND", "Session not found: abc");
 * assert.equal(error.status, 454);
 * ```
 */
export class RtspError extends Error {
  /** The RTSP status code to answer with. */
  readonly status: RtspStatusCode;
  /** A stable, machine-readable code such as `SESSION_NOT_FOUND`. */
  readonly code: string;
  /** Whether the connection is closed after the response. */
  readonly close: boolean;

  /**
   * @param status The RTSP status code to answer with.
   * @param code A stable machine-readable code.
   * @param message A human-readable message; defaults to the code.
   * @param options `close` (default true for library-detected errors) and `cause`.
   */
  constructor(
    status: RtspStatusCode,
    code: string,
    message?: string,
    options?: { close?: boolean; cause?: unknown },
  ) {
    super(message ?? code, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "RtspError";
    this.status = status;
    this.code = code;
    this.close = options?.close ?? true;
  }
}

/**
 * Bytes or text on the wire cannot be parsed. `status` is the RTSP status to answer with when the
 * input was a request (400 unless a limit says otherwise); `fatal` means framing is lost and the
 * connection must close.
 */
export class ParseError extends SyntaxError {
  /** A stable machine-readable code such as `HEADER_TOO_LONG`. */
  readonly code: string;
  /** Byte offset in the input where the problem was found, when known. */
  readonly offset: number;
  /** The RTSP status to answer with, when an answer is possible. */
  readonly status: RtspStatusCode;
  /** Framing is lost: the connection cannot go on. */
  readonly fatal: boolean;

  /**
   * @param code A stable machine-readable code.
   * @param message A human-readable message.
   * @param options Offset, status (default 400) and fatal (default true).
   */
  constructor(
    code: string,
    message: string,
    options?: { offset?: number; status?: RtspStatusCode; fatal?: boolean },
  ) {
    super(message);
    this.name = "ParseError";
    this.code = code;
    this.offset = options?.offset ?? 0;
    this.status = options?.status ?? 400;
    this.fatal = options?.fatal ?? true;
  }
}

/** The codes of {@linkcode NetError}, the same on every runtime. */
export type NetErrorCode =
  | "ADDR_IN_USE"
  | "ADDR_NOT_AVAILABLE"
  | "CONN_REFUSED"
  | "CONN_RESET"
  | "BROKEN_PIPE"
  | "CLOSED"
  | "TIMED_OUT"
  | "PERMISSION_DENIED"
  | "UNSUPPORTED"
  | "INVALID_ARGUMENT"
  | "UNKNOWN";

/** A socket operation failed. Adapters map every runtime error to one of these codes. */
export class NetError extends Error {
  /** The runtime-independent error code. */
  readonly code: NetErrorCode;

  /**
   * @param code The runtime-independent error code.
   * @param message A human-readable message.
   * @param options The runtime error as `cause`.
   */
  constructor(code: NetErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "NetError";
    this.code = code;
  }
}
