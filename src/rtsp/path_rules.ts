import { RtspError } from "../errors.ts";
import type { RtspUrl } from "./url.ts";

/**
 * Extracts the stream path and query of a DESCRIBE, PLAY, PAUSE, RECORD, GET_PARAMETER or
 * SET_PARAMETER request (SPEC §2.3): a trailing `/` of the query is dropped (ffmpeg appends it to
 * the Content-Base), else a trailing `/` of a path longer than one character (GStreamer).
 *
 * @param url The parsed request URL.
 * @returns The path and query to route on.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseRtspUrl } from "./url.ts";
 * import { readerPathAndQuery } from "./path_rules.ts";
 * assert.deepEqual(readerPathAndQuery(parseRtspUrl("rtsp://h/cam?k=v/")), { path: "/cam", query: "k=v" });
 * assert.deepEqual(readerPathAndQuery(parseRtspUrl("rtsp://h/cam/")), { path: "/cam" });
 * ```
 */
export function readerPathAndQuery(url: RtspUrl): { path: string; query?: string } {
  let path = url.path;
  let query = url.query;
  if (query !== undefined && query.endsWith("/")) {
    query = query.slice(0, -1);
  } else if (path.length > 1 && path.endsWith("/")) {
    path = path.slice(0, -1);
  }
  return withQuery(path, query);
}

/**
 * Extracts the stream path, query and track ID of a reader's SETUP request (SPEC §2.3):
 *
 * 1. the query contains `/trackID=`: split at the last one (ffmpeg);
 * 2. the path contains `/trackID=`: split at the last one (GStreamer);
 * 3. the query ends with `/`: strip it, track `0`;
 * 4. the path, ignoring its first character, ends with `/`: strip it, track `0`;
 * 5. the path is `""` or `/`: track `0`.
 *
 * @param url The parsed SETUP URL.
 * @returns Path, query and the raw track ID text (validated by the caller).
 * @throws {RtspError} 400 `INVALID_SETUP_PATH` for any other URL (typical of VLC's fallback).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseRtspUrl } from "./url.ts";
 * import { setupPathQueryAndTrack } from "./path_rules.ts";
 * assert.deepEqual(
 *   setupPathQueryAndTrack(parseRtspUrl("rtsp://h:8554/teststream?x=1/trackID=1")),
 *   { path: "/teststream", query: "x=1", trackId: "1" },
 * );
 * ```
 */
export function setupPathQueryAndTrack(
  url: RtspUrl,
): { path: string; query?: string; trackId: string } {
  const { path, query } = url;
  if (query !== undefined) {
    const at = query.lastIndexOf("/trackID=");
    if (at >= 0) return withTrack(path, query.slice(0, at), query.slice(at + 9));
  }
  const at = path.lastIndexOf("/trackID=");
  if (at >= 0) return withTrack(path.slice(0, at), query, path.slice(at + 9));
  if (query !== undefined && query.endsWith("/")) return withTrack(path, query.slice(0, -1), "0");
  if (path.length > 1 && path.endsWith("/")) return withTrack(path.slice(0, -1), query, "0");
  if (path === "" || path === "/") return withTrack(path, query, "0");
  throw new RtspError(400, "INVALID_SETUP_PATH", `Invalid SETUP path: ${path}`);
}

function withQuery(path: string, query: string | undefined): { path: string; query?: string } {
  return query === undefined || query === "" ? { path } : { path, query };
}

function withTrack(
  path: string,
  query: string | undefined,
  trackId: string,
): { path: string; query?: string; trackId: string } {
  return query === undefined || query === "" ? { path, trackId } : { path, query, trackId };
}
