import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  readPcrBase,
  readPesTimestamp,
  writePcr,
  writePesTimestamp,
} from "../../src/mpegts/_timestamp.ts";
import { crc32Mpeg2 } from "../../src/mpegts/_crc32.ts";

describe("_timestamp", () => {
  // ISO/IEC 13818-1 §2.4.3.7: '0010' PTS[32..30] 1 PTS[29..15] 1 PTS[14..0] 1
  const CASES: [number, number[]][] = [
    [0, [0x21, 0x00, 0x01, 0x00, 0x01]],
    [126000, [0x21, 0x00, 0x07, 0xd8, 0x61]],
    [2 ** 33 - 1, [0x2f, 0xff, 0xff, 0xff, 0xff]],
    [2 ** 32, [0x29, 0x00, 0x01, 0x00, 0x01]],
  ];
  for (const [value, bytes] of CASES) {
    it(`writePesTimestamp()/readPesTimestamp() encode ${value}`, () => {
      const b = new Uint8Array(5);
      writePesTimestamp(b, 0, 2, value);
      assert.deepEqual([...b], bytes);
      assert.equal(readPesTimestamp(b, 0), value);
    });
    it(`writePcr()/readPcrBase() round-trip ${value}`, () => {
      const b = new Uint8Array(6);
      writePcr(b, 0, value);
      assert.equal(readPcrBase(b, 0), value);
    });
  }

  it("writePesTimestamp() wraps values to 33 bits", () => {
    const b = new Uint8Array(5);
    writePesTimestamp(b, 0, 2, 2 ** 33 + 5);
    assert.equal(readPesTimestamp(b, 0), 5);
    writePesTimestamp(b, 0, 2, -1);
    assert.equal(readPesTimestamp(b, 0), 2 ** 33 - 1);
  });

  it("crc32Mpeg2() matches the CRC-32/MPEG-2 check value", () => {
    assert.equal(crc32Mpeg2(new TextEncoder().encode("123456789"), 0, 9), 0x0376e6e7);
  });
});
