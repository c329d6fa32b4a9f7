import { decodeBase64 } from "../bytes/base64.ts";
import { ParseError } from "../errors.ts";
import { md5Hex } from "./md5.ts";
import { sha256Hex } from "./sha256.ts";

export { md5Hex } from "./md5.ts";
export { sha256Hex } from "./sha256.ts";

/** An authentication method a server may offer (SPEC §7.1). */
export type AuthMethod = "basic" | "digest-md5" | "digest-sha256";

/** Credentials of an `Authorization: Basic` header (RFC 7617). */
export interface BasicAuthorization {
  scheme: "basic";
  user: string;
  pass: string;
}

/** Parameters of an `Authorization: Digest` header (RFC 2617 §3.2.2, RFC 7616 §3.4). */
export interface DigestAuthorization {
  scheme: "digest";
  username: string;
  realm: string;
  nonce: string;
  uri: string;
  response: string;
  /** Absent means MD5. */
  algorithm?: "MD5" | "SHA-256";
  qop?: string;
  nc?: string;
  cnonce?: string;
  opaque?: string;
}

/** A parsed `Authorization` header. */
export type AuthorizationHeader = BasicAuthorization | DigestAuthorization;

/** What {@linkcode verifyAuthorization} checks credentials against. */
export interface VerifyAuthorizationOptions {
  /** The request method, e.g. `ANNOUNCE`. */
  method: string;
  /** The request URL as received. */
  url: string;
  /** The expected user; `""` never verifies. */
  user: string;
  /** The expected password. */
  pass: string;
  /** The realm offered in the challenge (`ipcam`). */
  realm: string;
  /** The nonce offered in the challenge. */
  nonce: string;
  /** The methods the server offers; others are refused. */
  allowed: readonly AuthMethod[];
}

const decoder = new TextDecoder();

/**
 * Parses an `Authorization` header: `Basic <base64 user:pass>` (exactly one colon) or
 * `Digest k=v, k="v", ...` (RFC 2617 §3.2.2, RFC 7616 §3.4).
 *
 * @param value The header value.
 * @returns The credentials.
 * @throws {ParseError} `INVALID_AUTHORIZATION` for an unknown scheme, bad base64, a missing
 * digest parameter, or an algorithm other than MD5 and SHA-256.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseAuthorization } from "./auth.ts";
 * assert.deepEqual(parseAuthorization("Basic bXl1c2VyOm15cGFzcw=="), { scheme: "basic", user: "myuser", pass: "mypass" });
 * ```
 */
export function parseAuthorization(value: string): AuthorizationHeader {
  const text = value.trim();
  const space = text.search(/\s/);
  const scheme = (space < 0 ? text : text.slice(0, space)).toLowerCase();
  const rest = space < 0 ? "" : text.slice(space + 1).trim();
  if (scheme === "basic") return parseBasic(rest);
  if (scheme === "digest") return parseDigest(rest);
  throw invalid(`unsupported scheme "${scheme.slice(0, 32)}"`);
}

/**
 * Formats one `WWW-Authenticate` challenge (SPEC §7.1):
 * `Basic realm="ipcam"` or `Digest realm="ipcam", nonce="<n>", algorithm="MD5"` (or `"SHA-256"`),
 * with `, stale=true` appended to a digest challenge when asked.
 *
 * @param method The method to challenge with.
 * @param realm The realm.
 * @param nonce The nonce (ignored for Basic).
 * @param stale Whether to tell the client its nonce expired (digest only).
 * @returns The header value.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatWwwAuthenticate } from "./auth.ts";
 * assert.equal(formatWwwAuthenticate("basic", "ipcam", "n"), 'Basic realm="ipcam"');
 * assert.equal(
 *   formatWwwAuthenticate("digest-md5", "ipcam", "abc"),
 *   'Digest realm="ipcam", nonce="abc", algorithm="MD5"',
 * );
 * ```
 */
export function formatWwwAuthenticate(
  method: AuthMethod,
  realm: string,
  nonce: string,
  stale?: boolean,
): string {
  if (method === "basic") return `Basic realm="${quote(realm)}"`;
  const algorithm = method === "digest-sha256" ? "SHA-256" : "MD5";
  let out = `Digest realm="${quote(realm)}", nonce="${quote(nonce)}", algorithm="${algorithm}"`;
  if (stale === true) out += ", stale=true";
  return out;
}

/**
 * Verifies credentials against the expected user and password (SPEC §7.1).
 *
 * - Basic: user and password must match.
 * - Digest: username, realm and nonce must match; `uri` must equal the request URL, its
 *   path+query, or for SETUP the base of a `…/trackID=N` URL with or without trailing `/`
 *   (VLC, HappyTime); response = H(H(user:realm:pass):nonce:H(METHOD:uri)), or with `qop=auth`
 *   H(HA1:nonce:nc:cnonce:auth:HA2) (RFC 2617 §3.2.2.1, RFC 7616 §3.4.1). H is MD5 or SHA-256.
 * - The scheme must be in `allowed`; an expected user `""` never verifies.
 *
 * @param auth The parsed header, its raw value, or `undefined` when absent.
 * @param opts What to check against.
 * @returns `true` when the credentials are valid.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { verifyAuthorization } from "./auth.ts";
 * const opts = {
 *   method: "ANNOUNCE",
 *   url: "rtsp://h/live",
 *   user: "myuser",
 *   pass: "mypass",
 *   realm: "ipcam",
 *   nonce: "n",
 *   allowed: ["basic", "digest-md5"] as const,
 * };
 * assert.equal(verifyAuthorization("Basic bXl1c2VyOm15cGFzcw==", opts), true);
 * assert.equal(verifyAuthorization(undefined, opts), false);
 * ```
 */
export function verifyAuthorization(
  auth: AuthorizationHeader | string | undefined,
  opts: VerifyAuthorizationOptions,
): boolean {
  if (opts.user === "" || auth === undefined) return false;
  let header: AuthorizationHeader;
  if (typeof auth === "string") {
    try {
      header = parseAuthorization(auth);
    } catch {
      return false;
    }
  } else {
    header = auth;
  }
  // Every check runs, and secrets are compared in constant time, so neither the answer nor its
  // timing tells whether the user, the password or another part was wrong.
  let ok = true;
  if (header.scheme === "basic") {
    ok = timingSafeEqual(header.user, opts.user) && ok;
    ok = timingSafeEqual(header.pass, opts.pass) && ok;
    return opts.allowed.includes("basic") && ok;
  }
  const sha = header.algorithm === "SHA-256";
  ok = opts.allowed.includes(sha ? "digest-sha256" : "digest-md5") && ok;
  ok = timingSafeEqual(header.username, opts.user) && ok;
  ok = header.realm === opts.realm && ok;
  ok = timingSafeEqual(header.nonce, opts.nonce) && ok;
  ok = uriMatches(header.uri, opts.method, opts.url) && ok;
  const hash = sha ? sha256Hex : md5Hex;
  const ha1 = hash(`${opts.user}:${opts.realm}:${opts.pass}`);
  const ha2 = hash(`${opts.method}:${header.uri}`);
  let expected: string;
  if (header.qop === undefined) {
    expected = hash(`${ha1}:${opts.nonce}:${ha2}`);
  } else {
    ok = header.qop.toLowerCase() === "auth" && header.nc !== undefined &&
      header.cnonce !== undefined && ok;
    expected = hash(`${ha1}:${opts.nonce}:${header.nc}:${header.cnonce}:${header.qop}:${ha2}`);
  }
  return timingSafeEqual(header.response.toLowerCase(), expected) && ok;
}

/**
 * Compares two strings in time that depends only on their lengths, never on the position of the
 * first difference, so that comparing a secret does not leak how much of a guess was right.
 *
 * @param a A string.
 * @param b Another string.
 * @returns `true` when `a` and `b` hold the same UTF-16 code units.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { timingSafeEqual } from "./auth.ts";
 * assert.equal(timingSafeEqual("mypass", "mypass"), true);
 * assert.equal(timingSafeEqual("mypass", "mypasx"), false);
 * assert.equal(timingSafeEqual("mypass", "mypass2"), false);
 * ```
 */
export function timingSafeEqual(a: string, b: string): boolean {
  const n = Math.max(a.length, b.length);
  let diff = a.length ^ b.length;
  // Out of range, charCodeAt gives NaN, which `| 0` turns into 0: no branch on the contents.
  for (let i = 0; i < n; i++) diff |= (a.charCodeAt(i) | 0) ^ (b.charCodeAt(i) | 0);
  return diff === 0;
}

function uriMatches(uri: string, method: string, url: string): boolean {
  const candidates = [url];
  if (method === "SETUP") {
    // Interop: VLC and HappyTime sign SETUP with the base URL instead of the track URL.
    const at = url.lastIndexOf("/trackID=");
    if (at >= 0) {
      const base = url.slice(0, at);
      candidates.push(base, base + "/");
    }
  }
  for (const candidate of candidates) {
    if (uri === candidate) return true;
    if (uri.startsWith("/") || uri === "") {
      const relative = candidate.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?]*/i, "");
      if (uri === relative || (relative === "" && uri === "/")) return true;
    }
  }
  return false;
}

function parseBasic(encoded: string): BasicAuthorization {
  let bytes: Uint8Array;
  try {
    bytes = decodeBase64(encoded);
  } catch {
    throw invalid("bad base64 in Basic credentials");
  }
  if (encoded === "") throw invalid("empty Basic credentials");
  const parts = decoder.decode(bytes).split(":");
  if (parts.length !== 2) throw invalid("Basic credentials must hold exactly one colon");
  return { scheme: "basic", user: parts[0], pass: parts[1] };
}

function parseDigest(text: string): DigestAuthorization {
  const params = new Map<string, string>();
  let i = 0;
  while (i < text.length) {
    while (i < text.length && (text[i] === "," || /\s/.test(text[i]))) i++;
    if (i >= text.length) break;
    const keyStart = i;
    while (i < text.length && /[!#$%&'*+\-.^_`|~0-9A-Za-z]/.test(text[i])) i++;
    const key = text.slice(keyStart, i).toLowerCase();
    while (i < text.length && /[ \t]/.test(text[i])) i++;
    if (key === "" || text[i] !== "=") throw invalid("malformed Digest parameter");
    i++;
    while (i < text.length && /[ \t]/.test(text[i])) i++;
    let value = "";
    if (text[i] === '"') {
      i++;
      let closed = false;
      while (i < text.length) {
        const c = text[i++];
        if (c === "\\" && i < text.length) {
          value += text[i++];
        } else if (c === '"') {
          closed = true;
          break;
        } else {
          value += c;
        }
      }
      if (!closed) throw invalid("unterminated quoted string");
    } else {
      const start = i;
      while (i < text.length && text[i] !== ",") i++;
      value = text.slice(start, i).trim();
    }
    while (i < text.length && /[ \t]/.test(text[i])) i++;
    if (i < text.length && text[i] !== ",") throw invalid("malformed Digest parameter list");
    params.set(key, value);
  }
  const need = (key: string): string => {
    const value = params.get(key);
    if (value === undefined) throw invalid(`missing Digest parameter ${key}`);
    return value;
  };
  const out: DigestAuthorization = {
    scheme: "digest",
    username: need("username"),
    realm: need("realm"),
    nonce: need("nonce"),
    uri: need("uri"),
    response: need("response"),
  };
  const algorithm = params.get("algorithm");
  if (algorithm !== undefined) {
    const upper = algorithm.toUpperCase();
    if (upper !== "MD5" && upper !== "SHA-256") {
      throw invalid(`unsupported algorithm "${algorithm.slice(0, 32)}"`);
    }
    out.algorithm = upper;
  }
  for (const key of ["qop", "nc", "cnonce", "opaque"] as const) {
    const value = params.get(key);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

function quote(text: string): string {
  return text.replace(/["\\]/g, "\\$&");
}

function invalid(reason: string): ParseError {
  return new ParseError("INVALID_AUTHORIZATION", `Cannot parse Authorization header: ${reason}`, {
    fatal: false,
  });
}
