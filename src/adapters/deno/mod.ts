/**
 * The socket adapter over Deno's native network API (`rtspkit/deno`). UDP needs
 * `--unstable-net` or deno.json `"unstable": ["net"]`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { denoAdapter } from "./mod.ts";
 * assert.equal(denoAdapter.name, "deno");
 * ```
 *
 * @module
 */
export { createDenoAdapter, denoAdapter } from "./deno_adapter.ts";
export type { DenoAdapterOptions } from "./deno_adapter.ts";
