import { ParseError } from "../errors.ts";
import { RtspHeaders } from "./headers.ts";
import type { RtspRequest, RtspResponse } from "./message.ts";
import { parseRtspUrl } from "./url.ts";

/**
 * Size limits of {@linkcode RtspParser} (SPEC §8). Each limit includes the delimiter that ends the
 * field (the space after the method and URL, the CR after the version and header values, the colon
 * after a header name), as gortsplib counts them.
 */
export interface RtspParserLimits {
  /** Longest method, with the space after it. Default 64. */
  maxMethodBytes: number;
  /** Longest request URL, with the space after it. Default 2048. */
  maxUrlBytes: number;
  /** Longest protocol version, with the CR after it. Default 64. */
  maxVersionBytes: number;
  /** Most header lines in one message. Default 255. */
  maxHeaderCount: number;
  /** Longest header name, with the colon after it. Default 512. */
  maxHeaderNameBytes: number;
  /** Longest header value, with the CR after it. Default 2048. */
  maxHeaderValueBytes: number;
  /** Largest body (`Content-Length`). Default 131072 (128 KiB). */
  maxBodyBytes: number;
  /**
   * Most bytes held by the parser (messages pushed but not yet taken with `next()`).
   * Default 8 MiB: a server that stops calling `next()` while a handler runs should also stop
   * reading its socket; this cap is only the last line of defence.
   */
  maxBufferedBytes: number;
}

/** The default limits of {@linkcode RtspParser} (SPEC §8). */
export const DEFAULT_PARSER_LIMITS: Readonly<RtspParserLimits> = Object.freeze({
  maxMethodBytes: 64,
  maxUrlBytes: 2048,
  maxVersionBytes: 64,
  maxHeaderCount: 255,
  maxHeaderNameBytes: 512,
  maxHeaderValueBytes: 2048,
  maxBodyBytes: 131072,
  maxBufferedBytes: 8 * 1024 * 1024,
});

/**
 * One unit read from an RTSP connection: a request, a response, or an interleaved binary frame
 * (RFC 2326 §10.12):
 *
 * ```text
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  '$' (0x24)   |    channel    |        length (16 bits)       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     payload (length bytes) ...                |
 * ```
 *
 * `payload` and `body` are views into the pushed bytes, never copies of a single chunk.
 */
export type RtspMessage =
  | { kind: "request"; request: RtspRequest }
  | { kind: "response"; response: RtspResponse }
  | { kind: "frame"; channel: number; payload: Uint8Array };

const IDLE = 0;
const START_LINE = 1;
const HEADERS = 2;
const BODY = 3;

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const DOLLAR = 0x24;
const EMPTY = new Uint8Array(0);
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const decoder = new TextDecoder();

// Known two-letter starts (SPEC §8): ANNOUNCE DESCRIBE GET_PARAMETER OPTIONS PAUSE PLAY
// RECORD/REDIRECT SETUP/SET_PARAMETER TEARDOWN, and RT(SP/1.0) for responses.
const KNOWN_STARTS = new Set(["AN", "DE", "GE", "OP", "PA", "PL", "RE", "SE", "TE", "RT"]);
const FIRST_LETTERS = new Uint8Array(256);
const KNOWN_PAIRS = new Uint8Array(65536);
for (const start of KNOWN_STARTS) {
  FIRST_LETTERS[start.charCodeAt(0)] = 1;
  KNOWN_PAIRS[(start.charCodeAt(0) << 8) | start.charCodeAt(1)] = 1;
}

/**
 * An incremental, bounded parser of the bytes an RTSP peer sends: requests, responses and `$`
 * interleaved frames, intermixed (RFC 2326 §6, §7, §10.12; limits of SPEC §8).
 *
 * - Bytes before a message that are neither `$` nor a known two-letter start are skipped one by
 *   one (stray CRLFs are harmless).
 * - Unknown but well-formed methods are returned as requests (the server answers 501); a missing
 *   or repeated `CSeq` is not a parse error (the server answers 400).
 * - Every violation is a {@linkcode ParseError} with a stable `code` and `fatal: true`: framing is
 *   lost, so the connection closes without a response. After one, `next()` keeps throwing it.
 * - Frame payloads and bodies are views of the pushed bytes; the parser never writes to a chunk
 *   after `push()`, so views stay valid.
 *
 * @example Parse a request split across two chunks, then a frame
 * ```ts
 * import assert from "node:assert/strict";
 * import { RtspParser } from "./parser.ts";
 * const parser = new RtspParser();
 * const encoder = new TextEncoder();
 * parser.push(encoder.encode("OPTIONS rtsp://cam/ RTSP/1.0\r\nCS"));
 * assert.equal(parser.next(), undefined);
 * parser.push(encoder.encode("eq: 1\r\n\r\n$\x01\x00\x02hi"));
 * const message = parser.next();
 * assert.equal(message?.kind, "request");
 * if (message?.kind === "request") assert.equal(message.request.headers.get("cseq"), "1");
 * const frame = parser.next();
 * assert.equal(frame?.kind === "frame" && frame.channel, 1);
 * assert.equal(parser.next(), undefined);
 * ```
 */
export class RtspParser {
  #limits: Readonly<RtspParserLimits>;
  #buf: Uint8Array = EMPTY;
  #start = 0;
  #end = 0;
  #owned = false;
  #scan = 0;
  #base = 0;
  #phase = IDLE;
  #error: ParseError | undefined;

  #isResponse = false;
  #method = "";
  #url = "";
  #statusCode = 0;
  #statusMessage = "";
  #names: string[] = [];
  #values: string[] = [];
  #bodyLength = 0;

  /**
   * @param limits Overrides of {@linkcode DEFAULT_PARSER_LIMITS}.
   * @throws {RangeError} When a limit is not a positive integer.
   */
  constructor(limits?: Partial<RtspParserLimits>) {
    // Parsers with the default limits (one per connection) share them.
    if (limits === undefined) {
      this.#limits = DEFAULT_PARSER_LIMITS;
      return;
    }
    this.#limits = { ...DEFAULT_PARSER_LIMITS, ...limits };
    for (const [key, value] of Object.entries(this.#limits)) {
      if (!Number.isSafeInteger(value) || value <= 0) {
        throw new RangeError(`Invalid parser limit ${key}: must be a positive integer`);
      }
    }
  }

  /** The number of bytes pushed and not yet consumed by `next()`. */
  get bufferedBytes(): number {
    return this.#end - this.#start;
  }

  /**
   * Appends received bytes. The parser takes ownership: the caller must not change the chunk
   * afterwards (it may be returned as the backing store of frame payloads).
   *
   * @param chunk The received bytes.
   * @throws {ParseError} `BUFFER_OVERFLOW` when more than `maxBufferedBytes` would be held.
   */
  push(chunk: Uint8Array): void {
    if (this.#error !== undefined) throw this.#error;
    const length = chunk.length;
    if (length === 0) return;
    const live = this.#end - this.#start;
    if (live + length > this.#limits.maxBufferedBytes) {
      this.#error = new ParseError(
        "BUFFER_OVERFLOW",
        `Cannot buffer more than ${this.#limits.maxBufferedBytes} bytes`,
        { offset: this.#base + this.#end, fatal: true },
      );
      throw this.#error;
    }
    if (live === 0) {
      this.#base += this.#end;
      this.#buf = chunk;
      this.#start = 0;
      this.#end = length;
      this.#scan = 0;
      this.#owned = false;
    } else if (this.#owned && this.#buf.length - this.#end >= length) {
      this.#buf.set(chunk, this.#end);
      this.#end += length;
    } else {
      // Never move bytes inside the old buffer: earlier payload views may still point into it.
      const needed = live + length;
      const grown = new Uint8Array(Math.max(4096, needed * 2));
      grown.set(this.#buf.subarray(this.#start, this.#end));
      grown.set(chunk, live);
      this.#base += this.#start;
      this.#scan -= this.#start;
      this.#buf = grown;
      this.#start = 0;
      this.#end = needed;
      this.#owned = true;
    }
  }

  /**
   * Takes the next complete message.
   *
   * @returns The message, or `undefined` when more bytes are needed.
   * @throws {ParseError} When the input violates the grammar or a limit (always `fatal`).
   */
  next(): RtspMessage | undefined {
    if (this.#error !== undefined) throw this.#error;
    try {
      return this.#next();
    } catch (error) {
      if (error instanceof ParseError) this.#error = error;
      throw error;
    }
  }

  #next(): RtspMessage | undefined {
    const buf = this.#buf;
    const end = this.#end;
    for (;;) {
      if (this.#phase === IDLE) {
        let start = this.#start;
        for (; start < end; start++) {
          const b = buf[start];
          if (b === DOLLAR) break;
          if (FIRST_LETTERS[b] === 0) continue;
          if (start + 1 >= end) {
            this.#start = start;
            this.#scan = start;
            return undefined;
          }
          if (KNOWN_PAIRS[(b << 8) | buf[start + 1]] === 1) break;
        }
        this.#start = start;
        this.#scan = start;
        if (start >= end) {
          this.#release();
          return undefined;
        }
        if (buf[start] === DOLLAR) {
          if (end - start < 4) return undefined;
          const length = (buf[start + 2] << 8) | buf[start + 3];
          if (end - start - 4 < length) return undefined;
          const channel = buf[start + 1];
          const payload = buf.subarray(start + 4, start + 4 + length);
          this.#start = start + 4 + length;
          this.#scan = this.#start;
          return { kind: "frame", channel, payload };
        }
        this.#phase = START_LINE;
        this.#names.length = 0;
        this.#values.length = 0;
        continue;
      }
      if (this.#phase === BODY) {
        if (end - this.#start < this.#bodyLength) return undefined;
        const body = buf.subarray(this.#start, this.#start + this.#bodyLength);
        this.#start += this.#bodyLength;
        this.#scan = this.#start;
        return this.#emit(body);
      }
      const lf = this.#findLf();
      if (lf < 0) {
        this.#checkIncompleteLine();
        return undefined;
      }
      const lineStart = this.#start;
      if (lf === lineStart || buf[lf - 1] !== CR) {
        throw this.#fail("MISSING_CR", "Cannot parse RTSP message: line not ended by CRLF", lf);
      }
      const lineEnd = lf - 1;
      this.#start = lf + 1;
      this.#scan = this.#start;
      if (this.#phase === START_LINE) {
        this.#parseStartLine(lineStart, lineEnd);
        this.#phase = HEADERS;
      } else if (lineEnd === lineStart) {
        this.#endHeaders();
        if (this.#bodyLength === 0) return this.#emit(EMPTY);
        this.#phase = BODY;
      } else {
        this.#parseHeaderLine(lineStart, lineEnd);
      }
    }
  }

  /**
   * Everything pushed has been consumed: let go of the last chunk (or of the buffer grown to
   * join a split message), so that an idle connection's parser holds no bytes.
   */
  #release(): void {
    if (this.#buf === EMPTY) return;
    this.#base += this.#end;
    this.#buf = EMPTY;
    this.#start = 0;
    this.#end = 0;
    this.#scan = 0;
    this.#owned = false;
  }

  #findLf(): number {
    const buf = this.#buf;
    const end = this.#end;
    for (let i = this.#scan; i < end; i++) if (buf[i] === LF) return i;
    this.#scan = end;
    return -1;
  }

  #checkIncompleteLine(): void {
    const l = this.#limits;
    const length = this.#end - this.#start;
    if (this.#phase === START_LINE) {
      if (length > l.maxMethodBytes + l.maxUrlBytes + l.maxVersionBytes) {
        throw this.#fail("START_LINE_TOO_LONG", "Cannot parse RTSP message: start line too long");
      }
      return;
    }
    if (length < Math.min(l.maxHeaderNameBytes, l.maxHeaderValueBytes)) return;
    const colon = this.#indexOf(
      0x3a,
      this.#start,
      Math.min(this.#end, this.#start + l.maxHeaderNameBytes),
    );
    if (colon < 0) {
      if (length >= l.maxHeaderNameBytes) throw this.#headerNameTooLong();
    } else {
      // Bytes of the value so far; a final CR is the delimiter, which the limit includes.
      const valueBytes = this.#end - colon - 1 - (this.#buf[this.#end - 1] === CR ? 1 : 0);
      if (valueBytes + 1 > l.maxHeaderValueBytes) throw this.#headerValueTooLong();
    }
  }

  #indexOf(byte: number, from: number, to: number): number {
    const buf = this.#buf;
    for (let i = from; i < to; i++) if (buf[i] === byte) return i;
    return -1;
  }

  #parseStartLine(start: number, end: number): void {
    const l = this.#limits;
    const buf = this.#buf;
    const firstSpace = this.#indexOf(SP, start, end);
    if (firstSpace < 0) {
      throw this.#fail(
        "INVALID_START_LINE",
        "Cannot parse RTSP message: malformed start line",
        start,
      );
    }
    if (buf[start] === 0x52 && buf[start + 1] === 0x54) { // "RT": a response
      if (firstSpace - start + 1 > l.maxVersionBytes) {
        throw this.#fail("VERSION_TOO_LONG", "Cannot parse RTSP response: version too long", start);
      }
      const version = decoder.decode(buf.subarray(start, firstSpace));
      if (version !== "RTSP/1.0") throw this.#badVersion(version, start);
      const rest = decoder.decode(buf.subarray(firstSpace + 1, end));
      if (rest.length + 1 > l.maxUrlBytes) {
        throw this.#fail(
          "STATUS_LINE_TOO_LONG",
          "Cannot parse RTSP response: status line too long",
          start,
        );
      }
      const match = /^([1-9]\d\d)(?: (.*))?$/s.exec(rest);
      if (match === null || /[\0\r]/.test(rest)) {
        throw this.#fail(
          "INVALID_STATUS_LINE",
          "Cannot parse RTSP response: malformed status line",
          start,
        );
      }
      this.#isResponse = true;
      this.#statusCode = Number(match[1]);
      this.#statusMessage = match[2] ?? "";
      return;
    }
    if (firstSpace - start + 1 > l.maxMethodBytes) {
      throw this.#fail("METHOD_TOO_LONG", "Cannot parse RTSP request: method too long", start);
    }
    const secondSpace = this.#indexOf(SP, firstSpace + 1, end);
    if (secondSpace < 0) {
      throw this.#fail(
        "INVALID_START_LINE",
        "Cannot parse RTSP request: malformed request line",
        start,
      );
    }
    if (secondSpace - firstSpace > l.maxUrlBytes) {
      throw this.#fail("URL_TOO_LONG", "Cannot parse RTSP request: URL too long", firstSpace + 1);
    }
    if (end - secondSpace > l.maxVersionBytes) {
      throw this.#fail(
        "VERSION_TOO_LONG",
        "Cannot parse RTSP request: version too long",
        secondSpace + 1,
      );
    }
    const method = decoder.decode(buf.subarray(start, firstSpace));
    if (!TOKEN.test(method)) {
      throw this.#fail("INVALID_METHOD", "Cannot parse RTSP request: invalid method", start);
    }
    const url = decoder.decode(buf.subarray(firstSpace + 1, secondSpace));
    const version = decoder.decode(buf.subarray(secondSpace + 1, end));
    if (version !== "RTSP/1.0") throw this.#badVersion(version, secondSpace + 1);
    if (url !== "*") {
      try {
        parseRtspUrl(url);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw this.#fail("INVALID_URL", reason, firstSpace + 1);
      }
    }
    this.#isResponse = false;
    this.#method = method;
    this.#url = url;
  }

  #parseHeaderLine(start: number, end: number): void {
    const l = this.#limits;
    const buf = this.#buf;
    const first = buf[start];
    if ((first === SP || first === 0x09) && this.#values.length > 0) {
      // Obsolete line folding (RFC 2326 §4.2 via RFC 2616 §2.2): continues the previous value.
      const last = this.#values.length - 1;
      const folded = this.#values[last] + " " + this.#decodeValue(start, end, start).trim();
      if (folded.length + 1 > l.maxHeaderValueBytes) throw this.#headerValueTooLong();
      this.#values[last] = folded;
      return;
    }
    const colon = this.#indexOf(0x3a, start, end);
    if (colon < 0) {
      if (end - start + 1 > l.maxHeaderNameBytes) throw this.#headerNameTooLong();
      throw this.#fail("INVALID_HEADER", "Cannot parse RTSP header: missing colon", start);
    }
    if (colon - start + 1 > l.maxHeaderNameBytes) throw this.#headerNameTooLong();
    if (end - colon > l.maxHeaderValueBytes) throw this.#headerValueTooLong();
    if (this.#names.length + 1 > l.maxHeaderCount) {
      throw this.#fail(
        "TOO_MANY_HEADERS",
        `Cannot parse RTSP message: more than ${l.maxHeaderCount} headers`,
        start,
      );
    }
    const name = decoder.decode(buf.subarray(start, colon)).trimEnd();
    if (!TOKEN.test(name)) {
      throw this.#fail("INVALID_HEADER", "Cannot parse RTSP header: invalid name", start);
    }
    this.#names.push(name);
    this.#values.push(this.#decodeValue(colon + 1, end, start).trim());
  }

  #decodeValue(start: number, end: number, lineStart: number): string {
    const value = decoder.decode(this.#buf.subarray(start, end));
    if (/[\0\r]/.test(value)) {
      throw this.#fail(
        "INVALID_HEADER",
        "Cannot parse RTSP header: control character in value",
        lineStart,
      );
    }
    return value;
  }

  #endHeaders(): void {
    let length: string | undefined;
    for (let i = 0; i < this.#names.length; i++) {
      if (this.#names[i].toLowerCase() !== "content-length") continue;
      const value = this.#values[i];
      if (length !== undefined && length !== value) {
        throw this.#fail(
          "INVALID_CONTENT_LENGTH",
          "Cannot parse Content-Length: conflicting values",
        );
      }
      length = value;
    }
    this.#bodyLength = 0;
    if (length === undefined) return;
    if (!/^\d+$/.test(length)) {
      throw this.#fail(
        "INVALID_CONTENT_LENGTH",
        `Cannot parse Content-Length: "${length.slice(0, 32)}"`,
      );
    }
    const bodyLength = Number(length);
    if (bodyLength > this.#limits.maxBodyBytes) {
      throw new ParseError(
        "BODY_TOO_LARGE",
        `Cannot parse RTSP message: body of ${
          length.slice(0, 32)
        } bytes exceeds ${this.#limits.maxBodyBytes}`,
        { offset: this.#base + this.#start, status: 413, fatal: true },
      );
    }
    this.#bodyLength = bodyLength;
  }

  #emit(body: Uint8Array): RtspMessage {
    this.#phase = IDLE;
    const headers = new RtspHeaders();
    for (let i = 0; i < this.#names.length; i++) headers.append(this.#names[i], this.#values[i]);
    // The same two lists serve every message; emptied so that an idle parser holds no strings.
    this.#names.length = 0;
    this.#values.length = 0;
    if (this.#isResponse) {
      return {
        kind: "response",
        response: {
          statusCode: this.#statusCode,
          statusMessage: this.#statusMessage,
          headers,
          body,
        },
      };
    }
    return { kind: "request", request: { method: this.#method, url: this.#url, headers, body } };
  }

  #badVersion(version: string, at: number): ParseError {
    return new ParseError(
      "UNSUPPORTED_VERSION",
      `Cannot parse RTSP message: unsupported version "${version.slice(0, 64)}"`,
      { offset: this.#base + at, status: 505, fatal: true },
    );
  }

  #headerNameTooLong(): ParseError {
    return this.#fail("HEADER_NAME_TOO_LONG", "Cannot parse RTSP header: name too long");
  }

  #headerValueTooLong(): ParseError {
    return this.#fail("HEADER_VALUE_TOO_LONG", "Cannot parse RTSP header: value too long");
  }

  #fail(code: string, message: string, at = this.#start): ParseError {
    return new ParseError(code, message, { offset: this.#base + at, fatal: true });
  }
}
