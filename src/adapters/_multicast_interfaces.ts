import { networkInterfaces } from "node:os";

/**
 * IPv4 addresses of the host's non-loopback interfaces, the candidates for multicast (SPEC §4.3).
 * node:os has no interface flags, so every up non-internal IPv4 interface is listed and a
 * join or send that fails on one of them is ignored by the caller. Works on Node, Bun and Deno
 * (which needs `--allow-sys`; without it the list is empty and the default interface is used).
 */
export function listMulticastInterfaces(): string[] {
  let all: ReturnType<typeof networkInterfaces>;
  try {
    all = networkInterfaces();
  } catch {
    return [];
  }
  const addresses = new Set<string>();
  for (const entries of Object.values(all)) {
    for (const entry of entries ?? []) {
      if (entry.family === "IPv4" && !entry.internal) addresses.add(entry.address);
    }
  }
  return [...addresses];
}
