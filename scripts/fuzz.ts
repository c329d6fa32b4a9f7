/**
 * Fuzzes an in-process RTSP server over real sockets (see scripts/fuzz/fuzzer.ts), then an
 * RTSPS server with RTP/SAVP sessions (scripts/fuzz/savp.ts):
 *
 * ```sh
 * deno run -A scripts/fuzz.ts [--seed 1] [--iterations 5000] [--seconds 60] [--concurrency 16]
 *   [--savp-rounds 200] [--savp-seconds 30]
 * bun scripts/fuzz.ts ...        node --import tsx scripts/fuzz.ts ...
 * ```
 *
 * Prints the counts, then exits 1 on any unhandled error, unanswered health check or counter
 * that did not move as the inputs say.
 *
 * @module
 */
import process from "node:process";
import { runFuzz } from "./fuzz/fuzzer.ts";
import { runSavpFuzz } from "./fuzz/savp.ts";

function arg(name: string, fallback: number): number {
  const argv = process.argv;
  const i = argv.indexOf(`--${name}`);
  const eq = argv.find((a) => a.startsWith(`--${name}=`));
  const v = eq !== undefined ? eq.slice(name.length + 3) : i >= 0 ? argv[i + 1] : undefined;
  const n = v === undefined ? fallback : Number(v);
  if (!Number.isFinite(n) || n < 0) throw new RangeError(`Invalid --${name}: ${v}`);
  return n;
}

const report = await runFuzz({
  seed: arg("seed", 1),
  iterations: arg("iterations", 5000),
  seconds: arg("seconds", 60),
  concurrency: Math.max(1, arg("concurrency", 16)),
  log: process.argv.includes("--verbose") ? (line) => console.log(line) : undefined,
});
console.log(JSON.stringify(report, null, 2));
if (report.internalErrors.length > 0) {
  console.log(`note: ${report.internalErrors.length} request(s) answered 500 (see internalErrors)`);
}
const savp = await runSavpFuzz({
  seed: arg("seed", 1),
  rounds: arg("savp-rounds", 200),
  seconds: arg("savp-seconds", 30),
  log: process.argv.includes("--verbose") ? (line) => console.log(line) : undefined,
});
console.log(JSON.stringify(savp, null, 2));
const failures = report.failures.length + savp.failures.length;
if (failures > 0) {
  console.error(`FAIL: ${failures} failure(s)`);
  process.exit(1);
}
console.log(
  `OK: ${report.iterations} cases in ${report.seconds.toFixed(1)} s and ${savp.rounds} SAVP ` +
    `rounds in ${savp.seconds.toFixed(1)} s, seed ${report.seed}`,
);
process.exit(0);
