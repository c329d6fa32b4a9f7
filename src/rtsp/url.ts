import { ParseError } from "../errors.ts";

/**
 * An absolute `rtsp://` or `rtsps://` URL, split the way the server routes it.
 *
 * ```text
 * rtsp://[user[:pass]@]host[:port][/path][?query]
 * ```
 */
export interface RtspUrl {
  /** `rtsp` or `rtsps` (lower case). */
  scheme: "rtsp" | "rtsps";
  /** Host with the port as written (`srv:8554`, `[::1]:8554`); user info is not included. */
  host: string;
  /** Host name without port and without IPv6 brackets (`srv`, `::1`). */
  hostname: string;
  /** The port, when written. */
  port?: number;
  /** The percent-decoded path (`""` when absent). */
  path: string;
  /** The raw query without `?`; `undefined` when absent or empty. */
  query?: string;
  /** The URL exactly as given. */
  href: string;
}

const SCHEME = /^(rtsps?):\/\//i;
// Control characters, space, and characters that are never valid in a URL.
// deno-lint-ignore no-control-regex
const INVALID_CHAR = /[\u0000-\u0020\u007f"<>\\^`{|}]/;

/**
 * Parses an absolute RTSP URL (RFC 2326 §3.2).
 *
 * @param url The URL as sent by a client.
 * @returns The URL parts.
 * @throws {ParseError} `INVALID_URL` on a scheme other than rtsp/rtsps, a fragment, a missing or
 * malformed host or port, a space or control character, or bad percent-encoding.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseRtspUrl } from "./url.ts";
 * const url = parseRtspUrl("rtsp://[::1]:8554/my%20cam?k=v");
 * assert.equal(url.host, "[::1]:8554");
 * assert.equal(url.hostname, "::1");
 * assert.equal(url.port, 8554);
 * assert.equal(url.path, "/my cam");
 * assert.equal(url.query, "k=v");
 * ```
 */
export function parseRtspUrl(url: string): RtspUrl {
  const scheme = SCHEME.exec(url);
  if (scheme === null) throw invalid(url, "scheme must be rtsp or rtsps");
  if (INVALID_CHAR.test(url)) throw invalid(url, "invalid character");
  if (url.includes("#")) throw invalid(url, "fragments are not allowed");
  let rest = url.slice(scheme[0].length);
  let authorityEnd = rest.search(/[/?]/);
  if (authorityEnd < 0) authorityEnd = rest.length;
  let authority = rest.slice(0, authorityEnd);
  rest = rest.slice(authorityEnd);
  const at = authority.lastIndexOf("@");
  if (at >= 0) authority = authority.slice(at + 1);

  let hostname: string;
  let portText: string | undefined;
  if (authority.startsWith("[")) {
    const close = authority.indexOf("]");
    if (close < 0) throw invalid(url, "unterminated IPv6 address");
    hostname = authority.slice(1, close);
    if (!/^[0-9A-Fa-f:.]+(%[\w.~-]+)?$/.test(hostname)) throw invalid(url, "invalid IPv6 address");
    const after = authority.slice(close + 1);
    if (after !== "") {
      if (after[0] !== ":") throw invalid(url, "invalid host");
      portText = after.slice(1);
    }
  } else {
    const colon = authority.indexOf(":");
    hostname = colon < 0 ? authority : authority.slice(0, colon);
    if (colon >= 0) portText = authority.slice(colon + 1);
    if (!/^[\w.~%!$&'()*+,;=-]*$/.test(hostname)) throw invalid(url, "invalid host");
  }
  if (hostname === "") throw invalid(url, "missing host");
  let port: number | undefined;
  if (portText !== undefined && portText !== "") {
    if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) {
      throw invalid(url, "invalid port");
    }
    port = Number(portText);
  }

  const questionMark = rest.indexOf("?");
  const rawPath = questionMark < 0 ? rest : rest.slice(0, questionMark);
  const rawQuery = questionMark < 0 ? "" : rest.slice(questionMark + 1);
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    throw invalid(url, "invalid percent-encoding in path");
  }
  const out: RtspUrl = {
    scheme: scheme[1].toLowerCase() as "rtsp" | "rtsps",
    host: authority,
    hostname,
    path,
    href: url,
  };
  if (port !== undefined) out.port = port;
  if (rawQuery !== "") out.query = rawQuery;
  return out;
}

function invalid(url: string, reason: string): ParseError {
  const shown = url.length > 100 ? url.slice(0, 100) + "..." : url;
  return new ParseError("INVALID_URL", `Cannot parse URL "${shown}": ${reason}`, { fatal: false });
}
