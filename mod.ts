/**
 * rtspkit: an RTSP server library for Deno, Bun and Node.
 *
 * The server picks the socket adapter of the runtime it runs on; adapters are published as
 * their own subpaths (`./deno`, `./node`, `./bun`) and are never exported from here.
 *
 * @example Start a server and close it
 * ```ts
 * import assert from "node:assert/strict";
 * import { Server } from "./mod.ts";
 * const server = new Server({ rtspAddress: "127.0.0.1:0" });
 * await server.start();
 * assert.ok(server.address().port > 0);
 * await server.close();
 * ```
 *
 * @module
 */
export * from "./src/bytes/mod.ts";
export * from "./src/errors.ts";
export * from "./src/net/mod.ts";
export * from "./src/rtsp/mod.ts";
export * from "./src/rtp/mod.ts";
export * from "./src/sdp/mod.ts";
export * from "./src/formats/mod.ts";
export * from "./src/mpegts/mod.ts";
export * from "./src/srtp/mod.ts";
export * from "./src/mikey/mod.ts";
export * from "./src/server/mod.ts";
