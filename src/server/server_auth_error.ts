/**
 * The authentication error a handler returns to request credentials (SPEC §7.1).
 *
 * When a handler answers 401 with this error, the server adds one `WWW-Authenticate` challenge
 * per enabled method and keeps the connection if the request carried no usable credentials;
 * if it carried wrong ones, it answers 401 without challenge and closes the connection.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ServerAuthError } from "./server_auth_error.ts";
 * assert.equal(new ServerAuthError().message, "Authentication failed");
 * ```
 */
export class ServerAuthError extends Error {
  /** @param message Defaults to "Authentication failed". */
  constructor(message = "Authentication failed") {
    super(message);
    this.name = "ServerAuthError";
  }
}
