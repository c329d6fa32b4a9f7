// A short run of scripts/fuzz.ts (a few seconds, fixed seed) on the runtime running this file.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { runFuzz } from "../../scripts/fuzz/fuzzer.ts";
import { runSavpFuzz } from "../../scripts/fuzz/savp.ts";

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

  it(
    "hostile KeyMgmt headers and SRTP/SRTCP garbage (TCP, UDP) never stop an RTSPS server answering, and are counted",
    {
      timeout: 60_000,
    },
    async () => {
      const report = await runSavpFuzz({ seed: 20240601, rounds: 10, seconds: 4 });
      assert.deepEqual(report.failures, [], JSON.stringify(report, null, 2));
      assert.deepEqual(report.internalErrors, []);
      assert.ok(report.rounds > 0);
      assert.equal(report.healthChecks, report.rounds + 1);
      // Refused keys and accepted ones; damaged packets counted, genuine ones delivered.
      assert.ok((report.responses["400"] ?? 0) > 0 && (report.responses["200"] ?? 0) > 0);
      assert.ok(Object.keys(report.keyMgmtCases).length >= 5, JSON.stringify(report.keyMgmtCases));
      assert.ok(report.damagedSent > 0 && report.decodeErrors > 0);
      assert.ok(report.decodeErrors <= report.damagedSent);
      assert.ok(report.packetsReceived > 0 && report.packetsReceived <= report.genuineSent);
    },
  );
});
