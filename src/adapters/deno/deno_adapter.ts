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
  };
}

/** The Deno native adapter. */
export const denoAdapter: NetAdapter = createDenoAdapter();
