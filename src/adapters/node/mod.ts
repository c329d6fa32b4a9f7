/**
 * The socket adapter over node:net, node:tls and node:dgram (`rtspkit/node`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { nodeAdapter } from "./mod.ts";
 * assert.equal(nodeAdapter.name, "node");
 * ```
 *
 * @module
 */
export { createNodeAdapter, nodeAdapter } from "./node_adapter.ts";
