import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { NalAccessUnit } from "../../src/formats/_access_unit_assembler.ts";
import { Deinterleaver, type DeinterleaverOptions } from "../../src/formats/_deinterleaver.ts";

/** NAL units of one byte: its value is the DON, and every unit counts as VCL. */
function unit(don: number, timestamp = don * 3000) {
  return { don, timestamp, nalu: new Uint8Array([don & 0xff]) };
}

function make(options: Partial<DeinterleaverOptions>): Deinterleaver {
  return new Deinterleaver({
    isVcl: () => true,
    restartGap: 1000,
    maxAccessUnitBytes: 1 << 20,
    maxNalUnitsPerAccessUnit: 256,
    ...options,
  });
}

/** Inserts the DONs one by one and returns the DONs that left the buffer after each. */
function run(d: Deinterleaver, dons: number[]): number[][] {
  return dons.map((don) => {
    const out: NalAccessUnit[] = [];
    d.insert(unit(don), out);
    d.drain(out);
    return out.flatMap((u) => u.nalUnits.map((n) => n[0]!));
  });
}

describe("Deinterleaver", () => {
  it("drain() lets units out once releaseAtVclUnits VCL units are buffered (RFC 6184 §7.2.2)", () => {
    // An access unit comes out when a unit of the next one leaves.
    assert.deepEqual(run(make({ releaseAtVclUnits: 2 }), [1, 0, 3, 2]), [[], [], [0], [1]]);
  });

  it("drain() lets units out while the DONs span releaseAtDonSpan (RFC 7798 §6)", () => {
    assert.deepEqual(run(make({ releaseAtDonSpan: 2 }), [0, 2, 1, 3, 4]), [[], [], [], [0], [1]]);
  });

  it("drain() lets units out while more than releaseAboveNalUnits are buffered (RFC 7798 §6)", () => {
    assert.deepEqual(run(make({ releaseAboveNalUnits: 1 }), [1, 0, 2, 3]), [[], [], [0], [1]]);
  });

  it("drain() lets units out over maxNalUnitsPerAccessUnit when no release condition is set", () => {
    const d = make({ maxNalUnitsPerAccessUnit: 2 });
    assert.deepEqual(run(d, [0, 1, 2, 3]), [[], [], [], [0]]);
  });

  it("insert() drops a unit whose place has gone out and breaks its access unit", () => {
    const d = make({ releaseAtDonSpan: 1 });
    const out: NalAccessUnit[] = [];
    for (const u of [unit(5), unit(6), unit(4, 6 * 3000), unit(7), unit(8)]) {
      d.insert(u, out);
      d.drain(out);
    }
    d.flush(out);
    assert.deepEqual(out.map((u) => u.timestamp), [15000, 21000, 24000]);
    assert.equal(d.droppedAccessUnits, 1);
  });

  it("insert() starts over on a DON far behind the newest one, before any unit went out", () => {
    const d = make({ releaseAtDonSpan: 5000 });
    const out: NalAccessUnit[] = [];
    d.insert(unit(30000), out);
    d.insert(unit(5), out);
    d.flush(out);
    assert.deepEqual(out.map((u) => u.nalUnits[0]![0]), [30000 & 0xff, 5]);
  });
});
