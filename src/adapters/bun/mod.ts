/**
 * The socket adapter over Bun's native network API (`rtspkit/bun`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bunAdapter } from "./mod.ts";
 * assert.equal(bunAdapter.name, "bun");
 * ```
 *
 * @module
 */
export { bunAdapter, createBunAdapter } from "./bun_adapter.ts";
