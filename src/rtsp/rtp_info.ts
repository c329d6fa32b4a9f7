import { ParseError } from "../errors.ts";

/** One entry of an `RTP-Info` header (RFC 2326 §12.33). */
export interface RtpInfoEntry {
  /** The stream URL of the media. */
  url: string;
  /** `seq`: sequence number of the first packet sent after PLAY. */
  sequenceNumber?: number;
  /** `rtptime`: RTP timestamp matching the start of the play range. */
  rtpTime?: number;
}

/**
 * Parses an `RTP-Info` header (RFC 2326 §12.33): `url=<u>[;seq=<n>][;rtptime=<t>]`, entries
 * separated by commas. Unknown parameters are ignored.
 *
 * @param value The header value.
 * @returns The entries.
 * @throws {ParseError} `INVALID_RTP_INFO` when an entry lacks `url` or a number is malformed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseRtpInfo } from "./rtp_info.ts";
 * assert.deepEqual(parseRtpInfo("url=rtsp://h/s/trackID=0;seq=1201;rtptime=480300"), [
 *   { url: "rtsp://h/s/trackID=0", sequenceNumber: 1201, rtpTime: 480300 },
 * ]);
 * ```
 */
export function parseRtpInfo(value: string): RtpInfoEntry[] {
  // Split only before `url=`, so commas inside a URL stay in it.
  const entries = value.split(/,\s*(?=url=)/i).map((e) => e.trim()).filter((e) => e !== "");
  if (entries.length === 0) throw invalid("empty value");
  return entries.map(parseEntry);
}

/**
 * Formats an `RTP-Info` header (RFC 2326 §12.33).
 *
 * @param entries The entries, one per media.
 * @returns The header value.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatRtpInfo } from "./rtp_info.ts";
 * assert.equal(
 *   formatRtpInfo([{ url: "rtsp://h/s/trackID=0", sequenceNumber: 557, rtpTime: 9 }, { url: "rtsp://h/s/trackID=1" }]),
 *   "url=rtsp://h/s/trackID=0;seq=557;rtptime=9,url=rtsp://h/s/trackID=1",
 * );
 * ```
 */
export function formatRtpInfo(entries: RtpInfoEntry[]): string {
  return entries.map((entry) => {
    let out = `url=${entry.url}`;
    if (entry.sequenceNumber !== undefined) out += `;seq=${entry.sequenceNumber & 0xffff}`;
    if (entry.rtpTime !== undefined) out += `;rtptime=${entry.rtpTime >>> 0}`;
    return out;
  }).join(",");
}

function parseEntry(entry: string): RtpInfoEntry {
  let url: string | undefined;
  const out: Omit<RtpInfoEntry, "url"> = {};
  // The URL may itself contain ';' (rare): parameters are only the known keys after the last ones.
  const parts = entry.split(";");
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i].trim();
    const eq = part.indexOf("=");
    const key = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    const text = eq < 0 ? "" : part.slice(eq + 1).trim();
    if (key === "url" && url === undefined) {
      url = text;
    } else if (key === "seq") {
      if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) throw invalid(`invalid seq "${text}"`);
      out.sequenceNumber = Number(text);
    } else if (key === "rtptime") {
      if (!/^\d{1,10}$/.test(text) || Number(text) > 0xffffffff) {
        throw invalid(`invalid rtptime "${text}"`);
      }
      out.rtpTime = Number(text);
    } else if (url !== undefined && out.sequenceNumber === undefined && out.rtpTime === undefined) {
      url += ";" + parts[i];
    }
  }
  if (url === undefined || url === "") throw invalid(`missing url in "${entry.slice(0, 100)}"`);
  return { url, ...out };
}

function invalid(reason: string): ParseError {
  return new ParseError("INVALID_RTP_INFO", `Cannot parse RTP-Info header: ${reason}`, {
    fatal: false,
  });
}
