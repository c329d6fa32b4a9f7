import {
  type AuthorizationHeader,
  formatWwwAuthenticate,
  parseAuthorization,
  verifyAuthorization,
} from "../rtsp/auth.ts";
import type { RtspRequest, RtspResponse } from "../rtsp/message.ts";
import { randomHex, type ServerContext } from "./_server_context.ts";
import { singleHeader } from "./server_conn.ts";

/**
 * The authentication state of one connection (SPEC §7.1): its digest nonce and the nonce's age,
 * the request whose only fault was an expired nonce (answered with `stale=true`), and the
 * server-wide failed-login throttle.
 *
 * @internal
 */
export class ConnAuth {
  #ctx: ServerContext;
  #ip: string;
  #nonce: string | undefined;
  #nonceAt = 0;
  /** A request with correct digest credentials signed with an expired nonce. */
  #stale: RtspRequest | undefined;
  /** A request refused because its IP is locked out. */
  #lockedOut: RtspRequest | undefined;

  /**
   * @param ctx The server context.
   * @param ip The client IP, the key of the failed-login throttle.
   */
  constructor(ctx: ServerContext, ip: string) {
    this.#ctx = ctx;
    this.#ip = ip;
  }

  /** Same contract as `ServerConn.verifyCredentials`. */
  verify(request: RtspRequest, user: string, pass: string): boolean {
    const ctx = this.#ctx;
    const now = ctx.now();
    if (this.#nonce === undefined) this.#renew(now);
    const header = authorization(request);
    if (header === undefined) return false;
    if (ctx.loginThrottle.isLockedOut(this.#ip, now)) {
      this.#lockedOut = request;
      return false;
    }
    const ok = verifyAuthorization(header, {
      method: request.method,
      url: request.url,
      user,
      pass,
      realm: ctx.authRealm,
      nonce: this.#nonce!,
      allowed: ctx.authMethods,
    });
    if (ok && header.scheme === "digest" && this.#expired(now)) {
      // RFC 7616 §3.3: right credentials, old nonce: the client may retry with a fresh one.
      this.#stale = request;
      return false;
    }
    return ok;
  }

  /**
   * Applies a handler's authentication error to its 401 response.
   *
   * @returns `true` when the connection must close: the request carried wrong credentials
   * (the same bare 401 whatever part was wrong) or came from a locked-out IP.
   */
  challenge(request: RtspRequest, res: RtspResponse): boolean {
    const ctx = this.#ctx;
    const now = ctx.now();
    const stale = this.#stale === request;
    if (!stale && authorization(request) !== undefined) {
      if (this.#lockedOut === request) {
        ctx.counters.throttledLogins++;
      } else {
        ctx.counters.failedLogins++;
        ctx.loginThrottle.recordFailure(this.#ip, now);
      }
      return true;
    }
    if (this.#nonce === undefined || stale || this.#expired(now)) this.#renew(now);
    res.headers.delete("WWW-Authenticate");
    for (const m of ctx.authMethods) {
      res.headers.append(
        "WWW-Authenticate",
        formatWwwAuthenticate(m, ctx.authRealm, this.#nonce!, stale),
      );
    }
    return false;
  }

  #expired(now: number): boolean {
    return now - this.#nonceAt >= this.#ctx.authNonceLifetimeMs;
  }

  #renew(now: number): void {
    this.#nonce = randomHex(16);
    this.#nonceAt = now;
  }
}

/** The request's usable credentials: one parseable `Authorization` header with a user. */
function authorization(request: RtspRequest): AuthorizationHeader | undefined {
  const value = singleHeader(request, "Authorization");
  if (value === undefined) return undefined;
  let header: AuthorizationHeader;
  try {
    header = parseAuthorization(value);
  } catch {
    return undefined;
  }
  return (header.scheme === "basic" ? header.user : header.username) === "" ? undefined : header;
}
