/**
 * Soak test: publishers and readers connect and leave in a loop against an in-process server;
 * prints RSS, open fds and the server's connections/sessions per cycle; fails when RSS grows past
 * the limit after warm-up, fds grow, or connections/sessions are left behind.
 *
 * ```sh
 * deno run -A scripts/soak.ts [--seconds 60] [--readers 4] [--warmup 5] [--max-growth-mib 48]
 * bun scripts/soak.ts ...        node --import tsx scripts/soak.ts ...
 * ```
 *
 * @module
 */
import process from "node:process";
import { runSoak } from "./soak/soak.ts";

function arg(name: string, fallback: number): number {
  const argv = process.argv;
  const i = argv.indexOf(`--${name}`);
  const eq = argv.find((a) => a.startsWith(`--${name}=`));
  const v = eq !== undefined ? eq.slice(name.length + 3) : i >= 0 ? argv[i + 1] : undefined;
  const n = v === undefined ? fallback : Number(v);
  if (!Number.isFinite(n) || n < 0) throw new RangeError(`Invalid --${name}: ${v}`);
  return n;
}

const report = await runSoak({
  seconds: arg("seconds", 60),
  readers: arg("readers", 4),
  warmupCycles: arg("warmup", 5),
  maxGrowthMiB: arg("max-growth-mib", 48),
  log: (line) => console.log(line),
});
const first = report.samples[0];
const last = report.samples[report.samples.length - 1];
console.log(
  `cycles ${report.cycles}, packets relayed ${report.packetsRelayed}, frames read ${report.framesRead}; ` +
    `RSS ${first.rssMiB} -> ${last.rssMiB} MiB, fds ${first.fds ?? "?"} -> ${last.fds ?? "?"}`,
);
if (report.failures.length > 0) {
  console.error(`FAIL:\n${report.failures.join("\n")}`);
  process.exit(1);
}
console.log("OK");
process.exit(0);
