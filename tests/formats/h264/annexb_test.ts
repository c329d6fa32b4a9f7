import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { joinAnnexB, splitAnnexB } from "../../../src/formats/h264/annexb.ts";
import { ParseError } from "../../../src/errors.ts";

const CASES: { name: string; stream: number[]; nalUnits: number[][] }[] = [
  {
    name: "4-byte start codes",
    stream: [0, 0, 0, 1, 0x67, 1, 0, 0, 0, 1, 0x68, 2],
    nalUnits: [[0x67, 1], [0x68, 2]],
  },
  {
    name: "3-byte start codes",
    stream: [0, 0, 1, 0x67, 1, 0, 0, 1, 0x68, 2],
    nalUnits: [[0x67, 1], [0x68, 2]],
  },
  { name: "trailing zero bytes", stream: [0, 0, 1, 0x65, 0, 3, 0, 0, 0], nalUnits: [[0x65, 0, 3]] },
  { name: "leading zero bytes", stream: [0, 0, 0, 0, 0, 1, 0x09, 0xf0], nalUnits: [[0x09, 0xf0]] },
  { name: "empty NAL units", stream: [0, 0, 1, 0, 0, 1, 0x41, 0, 0, 0, 1], nalUnits: [[0x41]] },
  {
    name: "emulation-prevented bytes",
    stream: [0, 0, 1, 0x41, 0, 0, 3, 1, 0, 0, 2],
    nalUnits: [[0x41, 0, 0, 3, 1, 0, 0, 2]],
  },
];

describe("annexb", () => {
  for (const c of CASES) {
    it(`splitAnnexB() splits ${c.name}`, () => {
      assert.deepEqual(splitAnnexB(new Uint8Array(c.stream)).map((n) => [...n]), c.nalUnits);
    });
  }

  it("splitAnnexB() returns views, not copies", () => {
    const stream = new Uint8Array([0, 0, 1, 0x41, 7]);
    assert.equal(splitAnnexB(stream)[0]!.buffer, stream.buffer);
  });

  for (const bad of [[], [0, 0], [0x41, 0, 0, 1], [0, 1, 0x41], [0, 0, 0]]) {
    it(`splitAnnexB() throws ParseError without an initial start code: [${bad}]`, () => {
      assert.throws(() => splitAnnexB(new Uint8Array(bad)), ParseError);
    });
  }

  it("joinAnnexB() then splitAnnexB() round-trips", () => {
    const nalUnits = [[0x67, 0x42, 0x1f], [0x68, 1], [0x65, 0, 0, 3, 0, 9]];
    const joined = joinAnnexB(nalUnits.map((n) => new Uint8Array(n)));
    assert.deepEqual([...joined.subarray(0, 9)], [0, 0, 0, 1, 0x67, 0x42, 0x1f, 0, 0]);
    assert.deepEqual(splitAnnexB(joined).map((n) => [...n]), nalUnits);
  });
});
