/**
 * Soak test: publishers and readers connect and leave in a loop against an in-process server;
 * prints the heap after GC, RSS, open fds and handles, and the server's connections, sessions and
 * stream readers per cycle; fails when connections, sessions or readers are left behind after a
 * cycle, or after warm-up the heap keeps growing, RSS grows past the limit or fds/handles grow.
 * A short version runs in the test suite: tests/robustness/soak_test.ts.
 *
 * ```sh
 * deno run -A scripts/soak.ts [--seconds 60] [--readers 4] [--warmup 30] [--max-growth-mib 48]
 *   [--max-heap-slope-kib 10]
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
  warmupCycles: arg("warmup", 30),
  maxGrowthMiB: arg("max-growth-mib", 48),
  maxHeapSlopeKiB: arg("max-heap-slope-kib", 10),
  log: (line) => console.log(line),
});
const first = report.samples[0];
const last = report.samples[report.samples.length - 1];
console.log(
  `cycles ${report.cycles}, packets relayed ${report.packetsRelayed}, frames read ${report.framesRead}; ` +
    `heap ${first.heapMiB} -> ${last.heapMiB} MiB${report.gc ? " (after GC)" : ""}, ` +
    `RSS ${first.rssMiB} -> ${last.rssMiB} MiB, fds ${first.fds ?? "?"} -> ${last.fds ?? "?"}, ` +
    `handles ${first.handles ?? "?"} -> ${last.handles ?? "?"}`,
);
if (report.failures.length > 0) {
  console.error(`FAIL:\n${report.failures.join("\n")}`);
  process.exit(1);
}
console.log("OK");
process.exit(0);
