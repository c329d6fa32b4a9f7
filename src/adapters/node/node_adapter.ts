import { setImmediate } from "node:timers";
import { listMulticastInterfaces } from "../_multicast_interfaces.ts";
import type { NetAdapter } from "../../net/types.ts";
import { connectNodeTcp, listenNodeTcp } from "./node_tcp.ts";
import { bindNodeUdp } from "./node_udp.ts";

/**
 * Runs `callback` in the check phase of this loop turn, right after the poll phase has delivered
 * every read: unlike a zero-delay timer (at least 1 ms, and run in the timers phase of a later
 * turn), it adds no delay to the writes it gathers.
 */
function scheduleAfterIo(callback: () => void): void {
  setImmediate(callback);
}

/**
 * Creates the socket adapter over node:net, node:tls and node:dgram. Works on Node, and also on
 * Deno and Bun through their Node compatibility layers.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createNodeAdapter } from "./node_adapter.ts";
 * assert.equal(createNodeAdapter().name, "node");
 * ```
 *
 * @returns A NetAdapter.
 */
export function createNodeAdapter(): NetAdapter {
  return {
    name: "node",
    supportsMulticast: true,
    multicastInterfaces: listMulticastInterfaces,
    listenTcp: listenNodeTcp,
    connectTcp: connectNodeTcp,
    bindUdp: bindNodeUdp,
    scheduleAfterIo,
  };
}

/** The node:net / node:dgram adapter. */
export const nodeAdapter: NetAdapter = createNodeAdapter();
