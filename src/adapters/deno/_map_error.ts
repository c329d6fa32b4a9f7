import { NetError } from "../../errors.ts";
import { netErrorCodeOf } from "../_map_errno.ts";

/**
 * Turns a Deno error (`Deno.errors.AddrInUse`, with `code` `EADDRINUSE` where set) into a NetError.
 *
 * @internal
 * @param error What the Deno API threw or rejected with.
 * @param context What was being done, for the message.
 * @returns The NetError, with the original as `cause`.
 */
export function mapDenoError(error: unknown, context: string): NetError {
  if (error instanceof NetError) return error;
  const { code, name } = (error ?? {}) as { code?: unknown; name?: unknown };
  const message = error instanceof Error ? error.message : String(error);
  return new NetError(
    netErrorCodeOf([
      typeof code === "string" ? code : undefined,
      typeof name === "string" ? name : undefined,
    ]),
    `${context}: ${message}`,
    { cause: error },
  );
}

/** Whether a read error only means the peer went away without a TLS close_notify. */
export function isEofError(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === "UnexpectedEof";
}
