import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { joinAv1Bitstream, splitAv1Bitstream } from "../../../src/formats/av1/av1_bitstream.ts";
import { ParseError } from "../../../src/errors.ts";
import { AV1_FILE, loadBitstream } from "./_captures.ts";

describe("av1_bitstream", () => {
  it(`splitAv1Bitstream() then joinAv1Bitstream() gives back ${AV1_FILE}`, () => {
    const bitstream = loadBitstream();
    const obus = splitAv1Bitstream(bitstream);
    assert.equal(obus.filter((o) => ((o[0]! >> 3) & 0x0f) === 2).length, 30);
    assert.deepEqual(joinAv1Bitstream(obus), bitstream);
  });

  it("splitAv1Bitstream() returns views with their headers and obu_size fields", () => {
    const bytes = new Uint8Array([0x12, 0x00, 0x36, 0x40, 0x02, 0xaa, 0xbb, 0x30, 0xcc]);
    const obus = splitAv1Bitstream(bytes);
    assert.deepEqual(obus.map((o) => [...o]), [[0x12, 0x00], [0x36, 0x40, 0x02, 0xaa, 0xbb], [
      0x30,
      0xcc,
    ]]);
    assert.equal(obus[1]!.buffer, bytes.buffer);
  });

  for (
    const [name, bytes] of [
      ["a truncated obu_size", [0x32]],
      ["an obu_size past the end", [0x32, 0x03, 0xaa]],
      ["a truncated extension header", [0x36]],
      ["the forbidden bit", [0x92, 0x00]],
    ] as [string, number[]][]
  ) {
    it(`splitAv1Bitstream() throws ParseError for ${name}`, () => {
      assert.throws(() => splitAv1Bitstream(new Uint8Array(bytes)), ParseError);
    });
  }

  it("joinAv1Bitstream() adds obu_has_size_field and obu_size, also past 127 bytes", () => {
    const big = new Uint8Array(201).fill(7);
    big[0] = 0x34; // frame OBU with extension header, no size field
    big[1] = 0x28;
    const joined = joinAv1Bitstream([new Uint8Array([0x08, 1, 2]), big]);
    assert.deepEqual([...joined.subarray(0, 8)], [0x0a, 0x02, 1, 2, 0x36, 0x28, 0xc7, 0x01]);
    assert.deepEqual(joined.subarray(8), big.subarray(2));
  });

  it("joinAv1Bitstream() throws RangeError for an empty OBU", () => {
    assert.throws(() => joinAv1Bitstream([new Uint8Array(0)]), RangeError);
  });
});
