import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { decodeAdts, encodeAdts } from "../../src/mpegts/adts.ts";
import { ParseError } from "../../src/errors.ts";

// One table for encoder and decoder: config, frame, ADTS header bytes (ISO/IEC 14496-3 §1.A.2).
const CASES = [
  {
    config: { objectType: 2, sampleRate: 48000, channelCount: 2 },
    frame: [1, 2, 3],
    header: [0xff, 0xf1, 0x4c, 0x80, 0x01, 0x5f, 0xfc],
  },
  {
    config: { objectType: 2, sampleRate: 44100, channelCount: 1 },
    frame: [9],
    header: [0xff, 0xf1, 0x50, 0x40, 0x01, 0x1f, 0xfc],
  },
  {
    config: { objectType: 1, sampleRate: 8000, channelCount: 7 },
    frame: [],
    header: [0xff, 0xf1, 0x2d, 0xc0, 0x00, 0xff, 0xfc],
  },
];

describe("adts", () => {
  for (const c of CASES) {
    const bytes = new Uint8Array([...c.header, ...c.frame]);
    it(`encodeAdts() writes ${c.config.sampleRate} Hz, ${c.config.channelCount} channels`, () => {
      assert.deepEqual(encodeAdts(c.config, [new Uint8Array(c.frame)]), bytes);
    });
    it(`decodeAdts() reads ${c.config.sampleRate} Hz, ${c.config.channelCount} channels`, () => {
      assert.deepEqual(decodeAdts(bytes), [{ ...c.config, data: new Uint8Array(c.frame) }]);
    });
  }

  it("decodeAdts() skips a CRC when protection_absent is 0", () => {
    const bytes = new Uint8Array([0xff, 0xf0, 0x4c, 0x80, 0x01, 0x7f, 0xfc, 0xaa, 0xbb, 7, 8]);
    assert.deepEqual(decodeAdts(bytes)[0]!.data, new Uint8Array([7, 8]));
  });

  const bad: [string, number[]][] = [
    ["a truncated header", [0xff, 0xf1, 0x4c]],
    ["a missing syncword", [0xfe, 0xf1, 0x4c, 0x80, 0x01, 0x5f, 0xfc]],
    ["a frame longer than the input", [0xff, 0xf1, 0x4c, 0x80, 0x02, 0x5f, 0xfc]],
    ["a reserved sampling index", [0xff, 0xf1, 0x7c, 0x80, 0x00, 0xff, 0xfc]],
  ];
  for (const [name, bytes] of bad) {
    it(`decodeAdts() throws ParseError for ${name}`, () => {
      assert.throws(() => decodeAdts(new Uint8Array(bytes)), ParseError);
    });
  }

  it("encodeAdts() throws RangeError for an unsupported sample rate", () => {
    assert.throws(
      () => encodeAdts({ objectType: 2, sampleRate: 47000, channelCount: 2 }, []),
      RangeError,
    );
  });
});
