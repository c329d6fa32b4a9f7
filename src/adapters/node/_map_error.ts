import { NetError } from "../../errors.ts";
import { netErrorCodeOf } from "../_map_errno.ts";

/**
 * Turns a Node error (`code` such as `EADDRINUSE`) into a NetError.
 *
 * @internal
 * @param error What node:net, node:tls or node:dgram threw or emitted.
 * @param context What was being done, for the message ("Cannot listen on 127.0.0.1:554").
 * @returns The NetError, with the original as `cause`.
 */
export function mapNodeError(error: unknown, context: string): NetError {
  if (error instanceof NetError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return new NetError(
    netErrorCodeOf([typeof code === "string" ? code : undefined]),
    `${context}: ${message}`,
    { cause: error },
  );
}

/**
 * Re-wraps a Node Buffer as a plain Uint8Array view of the same memory (no copy), so that
 * `slice()` copies as everywhere else.
 *
 * @internal
 */
export function toPlainView(buf: Uint8Array): Uint8Array {
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}
