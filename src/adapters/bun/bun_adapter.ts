import { NetError } from "../../errors.ts";
import { listMulticastInterfaces } from "../_multicast_interfaces.ts";
import type { NetAdapter, UdpBindOptions, UdpSocket } from "../../net/types.ts";
import { type BunApi, bunApi } from "./_bun_types.ts";
import { connectBunTcp, listenBunTcp } from "./bun_tcp.ts";
import { bindBunUdp } from "./bun_udp.ts";

function requireBun(): BunApi {
  const bun = bunApi();
  if (bun === undefined) {
    throw new NetError("UNSUPPORTED", "Cannot use the Bun adapter: not running on Bun");
  }
  return bun;
}

async function bindUdp(options: UdpBindOptions): Promise<UdpSocket> {
  if (options.reuseAddress || options.receiveBufferSize !== undefined) {
    // Bun.udpSocket has no documented SO_REUSEADDR or SO_RCVBUF option: use node:dgram
    // (Bun's own implementation) for the sockets that need them.
    const { bindNodeUdp } = await import("../node/node_udp.ts");
    return await bindNodeUdp(options);
  }
  return await bindBunUdp(requireBun(), options);
}

/** Bun's global `setImmediate`, typed here so the adapter type-checks without bun-types. */
const immediate = globalThis as unknown as { setImmediate(callback: () => void): unknown };

/**
 * Runs `callback` in the next event-loop turn's immediate queue, once the socket callbacks of
 * this turn have run: no timer delay, unlike `setTimeout(0)`.
 */
function scheduleAfterIo(callback: () => void): void {
  immediate.setImmediate(callback);
}

/**
 * Creates the socket adapter over Bun's native API: Bun.listen and Bun.connect with handler
 * objects, and Bun.udpSocket with `sendMany` for fan-out. UDP sockets that ask for
 * `reuseAddress` or `receiveBufferSize` use node:dgram, which Bun also provides.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createBunAdapter } from "./bun_adapter.ts";
 * assert.equal(createBunAdapter().name, "bun");
 * ```
 *
 * @returns A NetAdapter.
 */
export function createBunAdapter(): NetAdapter {
  return {
    name: "bun",
    supportsMulticast: true,
    multicastInterfaces: listMulticastInterfaces,
    listenTcp: async (options) => await listenBunTcp(requireBun(), options),
    connectTcp: async (options) => await connectBunTcp(requireBun(), options),
    bindUdp,
    scheduleAfterIo,
  };
}

/** The Bun native adapter. */
export const bunAdapter: NetAdapter = createBunAdapter();
