import { ParseError } from "../errors.ts";

/** A normal-play-time range (RFC 2326 §3.6); an absent bound is open (or `now`). */
export interface NptRange {
  /** Start in seconds; absent for `now` or an open start. */
  startSeconds?: number;
  /** End in seconds; absent for an open end. */
  endSeconds?: number;
}

/**
 * Parses a `Range` header in normal play time (RFC 2326 §3.6, §12.29): `npt=<start>-[<end>]` or
 * `npt=-<end>`, each bound in seconds (`12.5`) or `h:mm:ss[.frac]`; `now` leaves the start
 * undefined. A `;time=` parameter is ignored.
 *
 * @param value The header value.
 * @returns The bounds in seconds.
 * @throws {ParseError} `INVALID_RANGE` for other units (`smpte`, `clock`) or malformed times.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseRange } from "./range.ts";
 * assert.deepEqual(parseRange("npt=0.000-"), { startSeconds: 0 });
 * assert.deepEqual(parseRange("npt=1:02:03.5-3800"), { startSeconds: 3723.5, endSeconds: 3800 });
 * ```
 */
export function parseRange(value: string): NptRange {
  const spec = value.split(";")[0].trim();
  const eq = spec.indexOf("=");
  if (eq < 0 || spec.slice(0, eq).trim().toLowerCase() !== "npt") {
    throw invalid(`unsupported unit in "${spec.slice(0, 64)}"`);
  }
  const range = spec.slice(eq + 1).trim();
  const dash = range.indexOf("-");
  if (dash < 0) throw invalid(`missing "-" in "${range.slice(0, 64)}"`);
  const startText = range.slice(0, dash).trim();
  const endText = range.slice(dash + 1).trim();
  if (startText === "" && endText === "") throw invalid("both bounds missing");
  const out: NptRange = {};
  if (startText !== "" && startText.toLowerCase() !== "now") out.startSeconds = parseNpt(startText);
  if (endText !== "") out.endSeconds = parseNpt(endText);
  return out;
}

/**
 * Formats a `Range` header in normal play time, with millisecond precision.
 *
 * @param range The bounds; an absent start is written as `0.000` unless the end alone is given.
 * @returns The header value.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatRange } from "./range.ts";
 * assert.equal(formatRange({ startSeconds: 0 }), "npt=0.000-");
 * assert.equal(formatRange({ startSeconds: 1.5, endSeconds: 10 }), "npt=1.500-10.000");
 * ```
 */
export function formatRange(range: NptRange): string {
  for (const bound of [range.startSeconds, range.endSeconds]) {
    if (bound !== undefined && (!Number.isFinite(bound) || bound < 0)) {
      throw new RangeError(`Invalid range bound: ${bound}`);
    }
  }
  const start = range.startSeconds === undefined
    ? (range.endSeconds === undefined ? "0.000" : "")
    : range.startSeconds.toFixed(3);
  const end = range.endSeconds === undefined ? "" : range.endSeconds.toFixed(3);
  return `npt=${start}-${end}`;
}

function parseNpt(text: string): number {
  let match = /^(\d{1,12})(\.\d{0,9})?$/.exec(text);
  if (match !== null) return Number(match[1] + (match[2] ?? ""));
  match = /^(\d{1,9}):([0-5]?\d):([0-5]?\d)(\.\d{0,9})?$/.exec(text);
  if (match === null) throw invalid(`invalid time "${text.slice(0, 64)}"`);
  return Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3] + (match[4] ?? ""));
}

function invalid(reason: string): ParseError {
  return new ParseError("INVALID_RANGE", `Cannot parse Range header: ${reason}`, { fatal: false });
}
