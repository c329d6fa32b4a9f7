import { ParseError } from "../errors.ts";
import { splitOutsideQuotes } from "../bytes/split_outside_quotes.ts";

/**
 * A `KeyMgmt` RTSP header (RFC 4567 §3.2): `prot=mikey; uri="<URL>"; data="<base64 message>"`.
 */
export interface KeyMgmtHeader {
  /** Key management protocol; always `mikey` here. */
  prot: string;
  /** The URL the key applies to, when given. */
  uri?: string;
  /** The base64 MIKEY message. */
  data: string;
}

/**
 * Parses a `KeyMgmt` header value.
 *
 * @param value The header value.
 * @returns The fields.
 * @throws {ParseError} `INVALID_KEY_MGMT` when `prot` is not `mikey` or `data` is missing.
 *
 * @example Parse the header of a SETUP request
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseKeyMgmt } from "./key_mgmt_header.ts";
 * assert.deepEqual(parseKeyMgmt('prot=mikey; uri="rtsps://h/s"; data="AQA="'), {
 *   prot: "mikey", uri: "rtsps://h/s", data: "AQA=",
 * });
 * ```
 */
export function parseKeyMgmt(value: string): KeyMgmtHeader {
  let prot: string | undefined;
  let uri: string | undefined;
  let data: string | undefined;
  for (const part of splitOutsideQuotes(value, ";")) {
    const item = part.trim();
    const eq = item.indexOf("=");
    if (eq < 0) continue;
    const key = item.slice(0, eq).trim().toLowerCase();
    let v = item.slice(eq + 1).trim();
    if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1);
    if (key === "prot") prot = v;
    else if (key === "uri") uri = v;
    else if (key === "data") data = v;
  }
  if (prot?.toLowerCase() !== "mikey") throw invalid("protocol is not mikey");
  if (data === undefined || data === "") throw invalid("missing data");
  return uri === undefined ? { prot: "mikey", data } : { prot: "mikey", uri, data };
}

/**
 * Formats a `KeyMgmt` header value.
 *
 * @param header The fields.
 * @returns The header value.
 *
 * @example The header of a SETUP response
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatKeyMgmt } from "./key_mgmt_header.ts";
 * assert.equal(
 *   formatKeyMgmt({ prot: "mikey", uri: "rtsps://h/s/trackID=0", data: "AQA=" }),
 *   'prot=mikey;uri="rtsps://h/s/trackID=0";data="AQA="',
 * );
 * ```
 */
export function formatKeyMgmt(header: KeyMgmtHeader): string {
  const uri = header.uri !== undefined ? `;uri="${header.uri}"` : "";
  return `prot=${header.prot}${uri};data="${header.data}"`;
}

function invalid(reason: string): ParseError {
  return new ParseError("INVALID_KEY_MGMT", `Cannot parse KeyMgmt header: ${reason}`, {
    fatal: false,
  });
}
