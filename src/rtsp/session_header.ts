import { ParseError } from "../errors.ts";

/**
 * Parses a `Session` header (RFC 2326 §12.37): `<id>[;timeout=<seconds>]`. Unknown parameters are
 * ignored.
 *
 * @param value The header value.
 * @returns The session ID and the timeout, when given.
 * @throws {ParseError} `INVALID_SESSION` on an empty or malformed ID or a non-numeric timeout.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseSessionHeader } from "./session_header.ts";
 * assert.deepEqual(parseSessionHeader("12345678;timeout=60"), { id: "12345678", timeoutSeconds: 60 });
 * ```
 */
export function parseSessionHeader(value: string): { id: string; timeoutSeconds?: number } {
  const parts = value.split(";");
  const id = parts[0].trim();
  // RFC 2326 §3.4: session-id = 1*( ALPHA | DIGIT | safe ).
  if (!/^[A-Za-z0-9$\-_.+]+$/.test(id)) throw invalid(`invalid ID "${id.slice(0, 64)}"`);
  const out: { id: string; timeoutSeconds?: number } = { id };
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i].trim();
    const eq = part.indexOf("=");
    const key = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    if (key !== "timeout") continue;
    const text = eq < 0 ? "" : part.slice(eq + 1).trim();
    if (!/^\d{1,9}$/.test(text)) throw invalid(`invalid timeout "${text.slice(0, 64)}"`);
    out.timeoutSeconds = Number(text);
  }
  return out;
}

/**
 * Formats a `Session` header (RFC 2326 §12.37).
 *
 * @param id The session ID.
 * @param timeoutSeconds The timeout to announce, if any.
 * @returns The header value.
 * @throws {TypeError} When the ID is empty or holds characters outside RFC 2326 §3.4.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatSessionHeader } from "./session_header.ts";
 * assert.equal(formatSessionHeader("0d9f", 55), "0d9f;timeout=55");
 * ```
 */
export function formatSessionHeader(id: string, timeoutSeconds?: number): string {
  if (!/^[A-Za-z0-9$\-_.+]+$/.test(id)) throw new TypeError(`Invalid session ID: "${id}"`);
  if (timeoutSeconds === undefined) return id;
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 0) {
    throw new RangeError(`Invalid session timeout: ${timeoutSeconds}`);
  }
  return `${id};timeout=${timeoutSeconds}`;
}

function invalid(reason: string): ParseError {
  return new ParseError("INVALID_SESSION", `Cannot parse Session header: ${reason}`, {
    fatal: false,
  });
}
