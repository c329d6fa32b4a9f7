import { NetError } from "../../errors.ts";
import { listMulticastInterfaces } from "../_multicast_interfaces.ts";
import type { NetAdapter } from "../../net/types.ts";
import { type DenoApi, denoApi } from "./_deno_types.ts";
import { connectDenoTcp, listenDenoTcp } from "./deno_tcp.ts";
import { bindDenoUdp } from "./deno_udp.ts";

/** Options of {@linkcode createDenoAdapter}. */
export interface DenoAdapterOptions {
  /** UDP sends in flight per socket beyond which `send` drops. Default 8192. */
  maxPendingUdpSends?: number;
}

/** Deno's global `setImmediate` (Node-compatible; a global in recent Deno, absent in older). */
const immediate = globalThis as unknown as { setImmediate?(callback: () => void): unknown };

/**
 * Runs `callback` right after the I/O callbacks of this event-loop turn (Deno runs immediates
 * after the turn's completed operations, before the next poll): no timer delay, unlike
 * `setTimeout(0)`.
 */
function scheduleAfterIo(callback: () => void): void {
  immediate.setImmediate!(callback);
}

function requireDeno(): DenoApi {
  const deno = denoApi();
  if (deno === undefined) {
    throw new NetError("UNSUPPORTED", "Cannot use the Deno adapter: not running on Deno");
  }
  return deno;
}

/**
 * Creates the socket adapter over Deno's native API: Deno.listen, Deno.listenTls, Deno.connect,
 * Deno.connectTls and Deno.listenDatagram. UDP needs `--unstable-net` (or deno.json
 * `"unstable": ["net"]`); without it `bindUdp` rejects with NetError `UNSUPPORTED`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createDenoAdapter } from "./deno_adapter.ts";
 * assert.equal(createDenoAdapter().name, "deno");
 * ```
 *
 * @param options Tuning.
 * @returns A NetAdapter.
 */
export function createDenoAdapter(options: DenoAdapterOptions = {}): NetAdapter {
  const maxPendingUdpSends = options.maxPendingUdpSends ?? 8192;
  return {
    name: "deno",
    get supportsMulticast(): boolean {
      return typeof denoApi()?.listenDatagram === "function";
    },
    multicastInterfaces: listMulticastInterfaces,
    listenTcp: async (listenOptions) => await listenDenoTcp(requireDeno(), listenOptions),
    connectTcp: async (connectOptions) => await connectDenoTcp(requireDeno(), connectOptions),
    bindUdp: async (bindOptions) =>
      await bindDenoUdp(requireDeno(), bindOptions, maxPendingUdpSends),
    // Older Deno has no setImmediate: the core then falls back to a zero-delay timer.
    scheduleAfterIo: typeof immediate.setImmediate === "function" ? scheduleAfterIo : undefined,
  };
}

/** The Deno native adapter. */
export const denoAdapter: NetAdapter = createDenoAdapter();
