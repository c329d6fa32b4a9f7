import type { NetAddr } from "./types.ts";

/**
 * Formats an address as `host:port`, with brackets around IPv6 literals.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatNetAddr } from "./addr.ts";
 * assert.equal(formatNetAddr({ hostname: "::1", port: 554 }), "[::1]:554");
 * ```
 */
export function formatNetAddr(addr: NetAddr): string {
  return addr.hostname.includes(":")
    ? `[${addr.hostname}]:${addr.port}`
    : `${addr.hostname}:${addr.port}`;
}
