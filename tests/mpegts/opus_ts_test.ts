import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { decodeOpusTs, encodeOpusTs } from "../../src/mpegts/opus_ts.ts";
import { ParseError } from "../../src/errors.ts";

describe("opus_ts", () => {
  const CASES: { name: string; packets: number[]; bytes: number[] }[] = [
    { name: "a small packet", packets: [3], bytes: [0x7f, 0xe0, 3] },
    { name: "a 255-byte packet", packets: [255], bytes: [0x7f, 0xe0, 0xff, 0] },
    { name: "a 600-byte packet", packets: [600], bytes: [0x7f, 0xe0, 0xff, 0xff, 90] },
    { name: "two packets", packets: [1, 2], bytes: [0x7f, 0xe0, 1, 0x7f, 0xe0, 2] },
  ];
  for (const c of CASES) {
    const packets = c.packets.map((n) => new Uint8Array(n).fill(0xfc));
    let expected: number[] = [];
    let i = 0;
    for (let b = 0; b < c.bytes.length; b++) {
      expected.push(c.bytes[b]!);
      const last = b + 1 === c.bytes.length || c.bytes[b + 1] === 0x7f;
      if (last && c.bytes[b] !== 0xff) expected = [...expected, ...packets[i++]!];
    }
    it(`encodeOpusTs() writes ${c.name}`, () => {
      assert.deepEqual([...encodeOpusTs(packets)], expected);
    });
    it(`decodeOpusTs() reads ${c.name}`, () => {
      assert.deepEqual(decodeOpusTs(new Uint8Array(expected)), packets);
    });
  }

  it("decodeOpusTs() skips start and end trim", () => {
    const bytes = new Uint8Array([0x7f, 0xf8, 2, 0, 1, 0, 2, 0xaa, 0xbb]);
    assert.deepEqual(decodeOpusTs(bytes), [new Uint8Array([0xaa, 0xbb])]);
  });

  for (const bad of [[0x7e, 0xe0, 1, 0], [0x7f, 0xe0], [0x7f, 0xe0, 5, 1]]) {
    it(`decodeOpusTs() throws ParseError for [${bad}]`, () => {
      assert.throws(() => decodeOpusTs(new Uint8Array(bad)), ParseError);
    });
  }
});
