import { NetError } from "../../errors.ts";
import { netErrorCodeOf } from "../_map_errno.ts";

/**
 * Turns a Bun error (`code` such as `EADDRINUSE`) into a NetError.
 *
 * @internal
 * @param error What the Bun API threw, rejected with or reported.
 * @param context What was being done, for the message.
 * @returns The NetError, with the original as `cause`.
 */
export function mapBunError(error: unknown, context: string): NetError {
  if (error instanceof NetError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return new NetError(
    netErrorCodeOf([typeof code === "string" ? code : undefined]),
    `${context}: ${message}`,
    { cause: error },
  );
}
