import type { NetAdapter } from "../net/types.ts";

/**
 * Picks the socket adapter of the runtime this code runs on, by feature detection:
 * `globalThis.Deno` → Deno native, `globalThis.Bun` → Bun native, else node:net/node:dgram.
 * Only the chosen adapter's module is loaded (dynamic `import()`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { detectNetAdapter } from "./auto.ts";
 * const adapter = await detectNetAdapter();
 * assert.ok(["deno", "bun", "node"].includes(adapter.name));
 * ```
 *
 * @returns The adapter for the current runtime.
 */
export async function detectNetAdapter(): Promise<NetAdapter> {
  const runtime = globalThis as { Deno?: unknown; Bun?: unknown };
  if (runtime.Deno !== undefined) {
    const { createDenoAdapter } = await import("./deno/mod.ts");
    return createDenoAdapter();
  }
  if (runtime.Bun !== undefined) {
    const { createBunAdapter } = await import("./bun/mod.ts");
    return createBunAdapter();
  }
  const { createNodeAdapter } = await import("./node/mod.ts");
  return createNodeAdapter();
}
