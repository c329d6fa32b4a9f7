const SPECIAL_NAMES: Record<string, string> = {
  "cseq": "CSeq",
  "www-authenticate": "WWW-Authenticate",
  "rtp-info": "RTP-Info",
  "keymgmt": "KeyMgmt",
  "rtcp-interval": "RTCP-Interval",
  "sec-websocket-key": "Sec-WebSocket-Key",
  "sec-websocket-accept": "Sec-WebSocket-Accept",
  "sec-websocket-protocol": "Sec-WebSocket-Protocol",
  "sec-websocket-version": "Sec-WebSocket-Version",
  "sec-websocket-extensions": "Sec-WebSocket-Extensions",
  "x-sessioncookie": "X-Sessioncookie",
};

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const FORBIDDEN_VALUE = /[\r\n\0]/;
const canonicalCache = new Map<string, string>();

/**
 * Returns the canonical spelling of a header name: RFC 2326 spelling for the names that have one
 * (`CSeq`, `WWW-Authenticate`, `RTP-Info`, `KeyMgmt`), otherwise each dash-separated word
 * capitalised (`content-base` → `Content-Base`).
 *
 * @param name A header name in any case.
 * @returns The canonical spelling.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { canonicalHeaderName } from "./headers.ts";
 * assert.equal(canonicalHeaderName("cseq"), "CSeq");
 * assert.equal(canonicalHeaderName("CONTENT-BASE"), "Content-Base");
 * ```
 */
export function canonicalHeaderName(name: string): string {
  const cached = canonicalCache.get(name);
  if (cached !== undefined) return cached;
  const lower = name.toLowerCase();
  let canonical = SPECIAL_NAMES[lower];
  if (canonical === undefined) {
    canonical = lower.split("-").map((word) => word.charAt(0).toUpperCase() + word.slice(1))
      .join("-");
  }
  if (canonicalCache.size < 1024) canonicalCache.set(name, canonical);
  return canonical;
}

interface Entry {
  lower: string;
  name: string;
  value: string;
}

/**
 * RTSP header fields: a case-insensitive multimap that keeps insertion order and yields canonical
 * names (`CSeq`, `WWW-Authenticate`, `RTP-Info`, `Content-Base`).
 *
 * @example Repeated names keep all values
 * ```ts
 * import assert from "node:assert/strict";
 * import { RtspHeaders } from "./headers.ts";
 * const headers = new RtspHeaders({ cseq: "2" });
 * headers.append("www-authenticate", 'Basic realm="ipcam"');
 * headers.append("WWW-Authenticate", 'Digest realm="ipcam"');
 * assert.equal(headers.get("CSEQ"), "2");
 * assert.equal(headers.getAll("www-authenticate").length, 2);
 * assert.deepEqual([...headers][0], ["CSeq", "2"]);
 * ```
 */
export class RtspHeaders {
  #entries: Entry[] = [];

  /**
   * @param init Name/value pairs or a record of names to values.
   * @throws {TypeError} When a name is not an RFC 2616 token or a value holds CR, LF or NUL.
   */
  constructor(init?: Iterable<[string, string]> | Record<string, string>) {
    if (init === undefined) return;
    if (Symbol.iterator in init) {
      for (const [name, value] of init as Iterable<[string, string]>) this.append(name, value);
    } else {
      for (const name of Object.keys(init)) {
        this.append(name, (init as Record<string, string>)[name]);
      }
    }
  }

  /** The number of header lines (repeated names count once per value). */
  get size(): number {
    return this.#entries.length;
  }

  /**
   * Returns the first value of a header.
   *
   * @param name The header name, in any case.
   * @returns The first value, or `undefined` when absent.
   */
  get(name: string): string | undefined {
    const lower = name.toLowerCase();
    for (const entry of this.#entries) if (entry.lower === lower) return entry.value;
    return undefined;
  }

  /**
   * Returns every value of a header, in order.
   *
   * @param name The header name, in any case.
   * @returns The values; empty when absent.
   */
  getAll(name: string): string[] {
    const lower = name.toLowerCase();
    const out: string[] = [];
    for (const entry of this.#entries) if (entry.lower === lower) out.push(entry.value);
    return out;
  }

  /**
   * Tells whether a header is present.
   *
   * @param name The header name, in any case.
   * @returns `true` when at least one value is present.
   */
  has(name: string): boolean {
    const lower = name.toLowerCase();
    for (const entry of this.#entries) if (entry.lower === lower) return true;
    return false;
  }

  /**
   * Replaces every value of a header with one value, at the position of the first one.
   *
   * @param name The header name, in any case.
   * @param value The new value.
   * @throws {TypeError} When the name or value is invalid.
   */
  set(name: string, value: string): void {
    const entry = makeEntry(name, value);
    const index = this.#entries.findIndex((e) => e.lower === entry.lower);
    if (index < 0) {
      this.#entries.push(entry);
      return;
    }
    this.#entries[index] = entry;
    this.#entries = this.#entries.filter((e, i) => i <= index || e.lower !== entry.lower);
  }

  /**
   * Adds a value after the existing ones.
   *
   * @param name The header name, in any case.
   * @param value The value.
   * @throws {TypeError} When the name or value is invalid.
   */
  append(name: string, value: string): void {
    this.#entries.push(makeEntry(name, value));
  }

  /**
   * Removes every value of a header.
   *
   * @param name The header name, in any case.
   */
  delete(name: string): void {
    const lower = name.toLowerCase();
    this.#entries = this.#entries.filter((e) => e.lower !== lower);
  }

  /**
   * Iterates over `[canonical name, value]` pairs in insertion order.
   *
   * @returns An iterator of pairs.
   */
  *entries(): IterableIterator<[string, string]> {
    for (const entry of this.#entries) yield [entry.name, entry.value];
  }

  /** Same as {@linkcode RtspHeaders.entries}. */
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
}

function makeEntry(name: string, value: string): Entry {
  if (!TOKEN.test(name)) throw new TypeError(`Invalid header name: "${name}"`);
  if (typeof value !== "string" || FORBIDDEN_VALUE.test(value)) {
    throw new TypeError(`Invalid value of header ${name}: must not contain CR, LF or NUL`);
  }
  return { lower: name.toLowerCase(), name: canonicalHeaderName(name), value };
}
