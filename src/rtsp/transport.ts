import { ParseError } from "../errors.ts";
import { splitOutsideQuotes } from "../bytes/split_outside_quotes.ts";

/** The lower transport of an RTP stream: UDP datagrams or TCP interleaved frames. */
export type TransportProtocol = "udp" | "tcp";
/** The RTP profile: plain RTP/AVP or secure RTP/SAVP. */
export type TransportProfile = "avp" | "savp";

/**
 * One entry of a `Transport` header (RFC 2326 §12.39).
 *
 * ```text
 * Transport = "Transport" ":" 1#transport-spec
 * transport-spec = transport-protocol/profile[/lower-transport] *parameter
 * e.g. RTP/AVP;unicast;client_port=5000-5001;mode="PLAY"
 * ```
 */
export interface TransportHeader {
  /** `udp` for `RTP/AVP` and `RTP/AVP/UDP`, `tcp` for `RTP/AVP/TCP` (same for SAVP). */
  protocol: TransportProtocol;
  /** `avp` or `savp`. */
  profile: TransportProfile;
  /** `unicast` or `multicast`, when given. */
  delivery?: "unicast" | "multicast";
  /** `client_port`: RTP and RTCP ports of the client. */
  clientPorts?: [number, number];
  /** `server_port`: RTP and RTCP ports of the server. */
  serverPorts?: [number, number];
  /** `port`: multicast RTP and RTCP ports. */
  ports?: [number, number];
  /** `interleaved`: RTP and RTCP channels over TCP. */
  interleaved?: [number, number];
  /** `ttl`: multicast time-to-live. */
  ttl?: number;
  /** `destination` address. */
  destination?: string;
  /** `source` address. */
  source?: string;
  /** `ssrc` (written as 8 hex digits). */
  ssrc?: number;
  /** `mode`: `play`, or `record` (`receive` is an alias). */
  mode?: "play" | "record";
}

const PROFILES: Record<string, [TransportProtocol, TransportProfile]> = {
  "RTP/AVP": ["udp", "avp"],
  "RTP/AVP/UDP": ["udp", "avp"],
  "RTP/AVP/TCP": ["tcp", "avp"],
  "RTP/SAVP": ["udp", "savp"],
  "RTP/SAVP/UDP": ["udp", "savp"],
  "RTP/SAVP/TCP": ["tcp", "savp"],
};

/**
 * Parses a `Transport` header: a comma-separated list of alternatives, in client preference order.
 * Accepts every form ffmpeg, GStreamer, VLC and live555 send. A single port means the pair
 * `a-(a+1)`; `mode` may be quoted and is case-insensitive; unknown keys are ignored.
 *
 * @param value The header value.
 * @returns The alternatives.
 * @throws {ParseError} `INVALID_TRANSPORT` when an entry has no profile, or a value is malformed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseTransports } from "./transport.ts";
 * const [udp, tcp] = parseTransports(
 *   "RTP/AVP;unicast;client_port=35466-35467,RTP/AVP/TCP;unicast;interleaved=0-1",
 * );
 * assert.deepEqual(udp, { protocol: "udp", profile: "avp", delivery: "unicast", clientPorts: [35466, 35467] });
 * assert.deepEqual(tcp.interleaved, [0, 1]);
 * ```
 */
export function parseTransports(value: string): TransportHeader[] {
  const entries = splitOutsideQuotes(value, ",").map((s) => s.trim()).filter((s) => s !== "");
  if (entries.length === 0) throw invalid("empty value");
  return entries.map(parseEntry);
}

/**
 * Formats one `Transport` entry, in the order servers answer SETUP:
 * `RTP/AVP[/TCP];unicast|multicast;destination;source;interleaved;port;ttl;client_port;server_port;ssrc;mode`.
 * `ssrc` is written as 8 upper-case hex digits; `mode` only when set.
 *
 * @param t The transport.
 * @returns The header value.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatTransport } from "./transport.ts";
 * assert.equal(
 *   formatTransport({ protocol: "tcp", profile: "avp", delivery: "unicast", interleaved: [0, 1], ssrc: 0x5a1b2c3d }),
 *   "RTP/AVP/TCP;unicast;interleaved=0-1;ssrc=5A1B2C3D",
 * );
 * ```
 */
export function formatTransport(t: TransportHeader): string {
  let out = t.profile === "savp" ? "RTP/SAVP" : "RTP/AVP";
  if (t.protocol === "tcp") out += "/TCP";
  if (t.delivery !== undefined) out += `;${t.delivery}`;
  if (t.destination !== undefined) out += `;destination=${t.destination}`;
  if (t.source !== undefined) out += `;source=${t.source}`;
  if (t.interleaved !== undefined) out += `;interleaved=${t.interleaved[0]}-${t.interleaved[1]}`;
  if (t.ports !== undefined) out += `;port=${t.ports[0]}-${t.ports[1]}`;
  if (t.ttl !== undefined) out += `;ttl=${t.ttl}`;
  if (t.clientPorts !== undefined) out += `;client_port=${t.clientPorts[0]}-${t.clientPorts[1]}`;
  if (t.serverPorts !== undefined) out += `;server_port=${t.serverPorts[0]}-${t.serverPorts[1]}`;
  if (t.ssrc !== undefined) {
    out += `;ssrc=${(t.ssrc >>> 0).toString(16).toUpperCase().padStart(8, "0")}`;
  }
  if (t.mode !== undefined) out += `;mode=${t.mode}`;
  return out;
}

function parseEntry(entry: string): TransportHeader {
  let found: [TransportProtocol, TransportProfile] | undefined;
  const out: Partial<TransportHeader> = {};
  for (const part of splitOutsideQuotes(entry, ";")) {
    const item = part.trim();
    if (item === "") continue;
    const eq = item.indexOf("=");
    const key = eq < 0 ? item : item.slice(0, eq).trim();
    const raw = eq < 0 ? undefined : item.slice(eq + 1).trim();
    const profile = Object.hasOwn(PROFILES, key) ? PROFILES[key] : undefined;
    if (profile !== undefined && raw === undefined) {
      found = profile;
      continue;
    }
    switch (key.toLowerCase()) {
      case "unicast":
      case "multicast":
        out.delivery = key.toLowerCase() as "unicast" | "multicast";
        break;
      case "destination":
        out.destination = unquote(required(key, raw));
        break;
      case "source":
        out.source = unquote(required(key, raw));
        break;
      case "interleaved":
        out.interleaved = parsePair(key, required(key, raw), 255);
        break;
      case "ttl":
        out.ttl = parseInteger(key, required(key, raw), 255);
        break;
      case "port":
        out.ports = parsePair(key, required(key, raw), 65535);
        break;
      case "client_port":
        out.clientPorts = parsePair(key, required(key, raw), 65535);
        break;
      case "server_port":
        out.serverPorts = parsePair(key, required(key, raw), 65535);
        break;
      case "ssrc":
        out.ssrc = parseSsrc(required(key, raw));
        break;
      case "mode":
        out.mode = parseMode(required(key, raw));
        break;
      default:
        // Unknown keys (append, layers, rtcp-mux, ...) are ignored.
        break;
    }
  }
  if (found === undefined) throw invalid(`missing profile in "${entry.slice(0, 100)}"`);
  return { protocol: found[0], profile: found[1], ...out };
}

function required(key: string, raw: string | undefined): string {
  if (raw === undefined || raw === "") throw invalid(`missing value of ${key}`);
  return raw;
}

function unquote(text: string): string {
  return text.length >= 2 && text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1) : text;
}

function parseInteger(key: string, text: string, max: number): number {
  if (!/^\d{1,10}$/.test(text) || Number(text) > max) throw invalid(`invalid ${key} "${text}"`);
  return Number(text);
}

function parsePair(key: string, text: string, max: number): [number, number] {
  const dash = text.indexOf("-");
  if (dash < 0) {
    const first = parseInteger(key, text, max);
    // Interop: a single value `a` means the pair a-(a+1) (RFC 2326 §12.39, port ranges).
    if (first + 1 > max) throw invalid(`invalid ${key} "${text}"`);
    return [first, first + 1];
  }
  return [
    parseInteger(key, text.slice(0, dash), max),
    parseInteger(key, text.slice(dash + 1), max),
  ];
}

function parseSsrc(text: string): number {
  const hex = unquote(text).trim();
  if (!/^[0-9A-Fa-f]{1,8}$/.test(hex)) throw invalid(`invalid ssrc "${text}"`);
  return parseInt(hex, 16) >>> 0;
}

function parseMode(text: string): "play" | "record" {
  const mode = unquote(text).trim().toLowerCase();
  if (mode === "play") return "play";
  if (mode === "record" || mode === "receive") return "record";
  throw invalid(`invalid mode "${text}"`);
}

function invalid(reason: string): ParseError {
  return new ParseError("INVALID_TRANSPORT", `Cannot parse Transport header: ${reason}`, {
    fatal: false,
  });
}
