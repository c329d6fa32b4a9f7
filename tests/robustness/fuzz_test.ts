// A short run of scripts/fuzz.ts (a few seconds, fixed seed) on the runtime running this file.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { runFuzz } from "../../scripts/fuzz/fuzzer.ts";

describe("fuzzer (short)", () => {
  it("random and mutated requests, frames, RTP/RTCP and SDP never stop the server answering", {
    timeout: 60_000,
  }, async () => {
    const report = await runFuzz({ seed: 20240601, iterations: 400, seconds: 4, concurrency: 8 });
    assert.deepEqual(report.failures, [], JSON.stringify(report, null, 2));
    assert.ok(report.iterations > 0);
    assert.equal(report.healthChecks, report.batches + 1);
    // Every kind of input was thrown at least once.
    assert.ok(Object.keys(report.cases).length >= 6, JSON.stringify(report.cases));
    assert.ok(report.datagramsSent > 0 && report.bytesSent > 0);
    assert.ok((report.responses["200"] ?? 0) > 0 && (report.responses["400"] ?? 0) > 0);
  });
});
