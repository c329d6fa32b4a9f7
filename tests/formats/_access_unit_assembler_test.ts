import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { RtpPacket } from "../../src/rtp/mod.ts";
import { rtpPacket } from "./_rtp.ts";
import { AccessUnitAssembler, MAX_FRAGMENTS } from "../../src/formats/_access_unit_assembler.ts";

function packet(sequenceNumber: number, timestamp: number, marker: boolean): RtpPacket {
  return rtpPacket(sequenceNumber, marker, new Uint8Array([sequenceNumber]), timestamp);
}

describe("AccessUnitAssembler", () => {
  it("push() groups NAL units by timestamp and marker", () => {
    const a = new AccessUnitAssembler();
    const nalu = new Uint8Array([1, 2]);
    assert.deepEqual(a.push(packet(1, 10, false), () => a.add(nalu)), []);
    assert.deepEqual(a.push(packet(2, 10, true), () => a.add(nalu)), [
      { timestamp: 10, nalUnits: [nalu, nalu] },
    ]);
  });

  it("push() puts packets back in sequence order before it reads them", () => {
    const a = new AccessUnitAssembler();
    const read = (payload: Uint8Array) => a.add(payload);
    assert.deepEqual(a.push(packet(1, 0, false), read), []);
    assert.deepEqual(a.push(packet(3, 0, true), read), []);
    assert.deepEqual(a.push(packet(2, 0, false), read), [
      { timestamp: 0, nalUnits: [new Uint8Array([1]), new Uint8Array([2]), new Uint8Array([3])] },
    ]);
  });

  it("flush() gives up a gap at the end of the stream and outputs an unbroken access unit", () => {
    const a = new AccessUnitAssembler();
    const read = (payload: Uint8Array) => a.add(payload);
    a.push(packet(1, 0, false), read);
    a.push(packet(3, 0, false), read); // 2 missing
    assert.deepEqual(a.flush(read), []);
    assert.equal(a.droppedAccessUnits, 1);
    a.push(packet(4, 9, false), read);
    assert.deepEqual(a.flush(read), [{ timestamp: 9, nalUnits: [new Uint8Array([4])] }]);
  });

  it("fragment() rebuilds a NAL unit from its header and fragments in one allocation", () => {
    const a = new AccessUnitAssembler();
    a.push(packet(1, 0, false), () => a.fragment(new Uint8Array([9]), new Uint8Array([1]), false));
    assert.equal(a.inFragment, true);
    const [unit] = a.push(
      packet(2, 0, true),
      () => a.fragment(undefined, new Uint8Array([2, 3]), true),
    );
    assert.deepEqual(unit, { timestamp: 0, nalUnits: [new Uint8Array([9, 1, 2, 3])] });
    assert.equal(a.inFragment, false);
  });

  it("fragment() refuses a continuation without start and a start inside a NAL unit", () => {
    const a = new AccessUnitAssembler();
    assert.equal(a.fragment(undefined, new Uint8Array([1]), false), false);
    assert.equal(a.fragment(new Uint8Array([9]), new Uint8Array([1]), false), true);
    assert.equal(a.fragment(new Uint8Array([9]), new Uint8Array([1]), false), false);
  });

  it("addAggregated() reads size-prefixed units and rejects bad sizes", () => {
    const a = new AccessUnitAssembler();
    assert.equal(a.addAggregated(new Uint8Array([0x18, 0, 1, 7, 0, 2, 8, 9]), 1, 1), true);
    assert.equal(a.addAggregated(new Uint8Array([0x18]), 1, 1), false);
    assert.equal(a.addAggregated(new Uint8Array([0x18, 0, 0]), 1, 1), false);
    assert.equal(a.addAggregated(new Uint8Array([0x18, 0, 3, 1]), 1, 1), false);
  });

  it("push() drops and counts an access unit that lost a packet or read an invalid payload", () => {
    const a = new AccessUnitAssembler();
    const nalu = new Uint8Array([1]);
    a.push(packet(1, 0, false), () => a.add(nalu));
    // 2 missing: 3 waits for it until a packet of another timestamp comes.
    assert.deepEqual(a.push(packet(3, 0, true), () => a.add(nalu)), []);
    assert.equal(a.droppedAccessUnits, 0);
    assert.deepEqual(a.push(packet(4, 1, true), () => false), []);
    assert.equal(a.invalidPackets, 1);
    assert.equal(a.droppedAccessUnits, 2);
  });

  it("add() refuses to go over maxAccessUnitBytes or maxNalUnitsPerAccessUnit", () => {
    const bytes = new AccessUnitAssembler({ maxAccessUnitBytes: 3 });
    assert.equal(bytes.add(new Uint8Array(2)), true);
    assert.equal(bytes.add(new Uint8Array(2)), false);
    const count = new AccessUnitAssembler({ maxNalUnitsPerAccessUnit: 1 });
    assert.equal(count.add(new Uint8Array(1)), true);
    assert.equal(count.add(new Uint8Array(1)), false);
  });

  it("fragment() refuses a NAL unit of more than MAX_FRAGMENTS fragments, empty ones included", () => {
    // Regression (parsers fuzz): empty fragments were kept without limit, and 1-byte ones up to
    // 8 MiB of views, each holding its whole packet.
    for (const data of [new Uint8Array(0), new Uint8Array([1])]) {
      const a = new AccessUnitAssembler();
      assert.equal(a.fragment(new Uint8Array([9]), new Uint8Array([1]), false), true);
      for (let i = 1; i < MAX_FRAGMENTS; i++) {
        assert.equal(a.fragment(undefined, data, false), true);
      }
      assert.equal(a.fragment(undefined, data, false), false);
    }
  });

  it("fragment() rebuilds a NAL unit with empty fragments in it", () => {
    const a = new AccessUnitAssembler();
    a.push(packet(1, 0, false), () => a.fragment(new Uint8Array([9]), new Uint8Array(0), false));
    a.push(packet(2, 0, false), () => a.fragment(undefined, new Uint8Array([1]), false));
    a.push(packet(3, 0, false), () => a.fragment(undefined, new Uint8Array(0), false));
    const out = a.push(packet(4, 0, true), () => a.fragment(undefined, new Uint8Array(0), true));
    assert.deepEqual(out, [{ timestamp: 0, nalUnits: [new Uint8Array([9, 1])] }]);
  });
});
