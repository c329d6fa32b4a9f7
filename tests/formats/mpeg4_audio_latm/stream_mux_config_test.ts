import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { decodeHex, encodeHex } from "../../../src/bytes/hex.ts";
import {
  channelCountOf,
  encodeStreamMuxConfig,
  parseStreamMuxConfig,
  type StreamMuxConfig,
} from "../../../src/formats/mpeg4_audio_latm/stream_mux_config.ts";

interface Case {
  name: string;
  hex: string;
  config: StreamMuxConfig;
}

const DEFAULTS = { subFrames: 1, bufferFullness: 0xff, otherDataBits: 0 };

/**
 * Configs and their fields, bit by bit (ISO/IEC 14496-3 §1.7.3): audioMuxVersion 0,
 * allStreamsSameTimeFraming 1, numSubFrames, numProgram 0, numLayer 0, then the
 * AudioSpecificConfig (5-bit object type, 4-bit frequency index, 4-bit channel configuration,
 * frameLengthFlag, dependsOnCoreCoder, extensionFlag), frameLengthType 0, latmBufferFullness,
 * otherDataPresent and crcCheckPresent.
 */
const CASES: Case[] = [
  {
    name: "RFC 6416 §7.3 example: AAC LC, 24 kHz, two channels",
    hex: "400026203fc0",
    config: {
      audioObjectType: 2,
      sampleRate: 24000,
      channelConfiguration: 2,
      frameLength: 1024,
      ...DEFAULTS,
    },
  },
  {
    name: "ffmpeg's -rtpflags latm config: AAC LC, 48 kHz, two channels",
    hex: "400023203fc0",
    config: {
      audioObjectType: 2,
      sampleRate: 48000,
      channelConfiguration: 2,
      frameLength: 1024,
      ...DEFAULTS,
    },
  },
  {
    // 0 1 000000 0000 000 | 00010 0100 0001 1 0 0 | 000 00000000 | 0 0 (+ padding)
    name: "AAC LC, 44.1 kHz, mono, 960-sample frames, latmBufferFullness 0",
    hex: "400024180000",
    config: {
      audioObjectType: 2,
      sampleRate: 44100,
      channelConfiguration: 1,
      frameLength: 960,
      subFrames: 1,
      bufferFullness: 0,
      otherDataBits: 0,
    },
  },
  {
    // ... | 00010 1111 000000000010011100010000 0010 0 0 0 | 000 11111111 0 0
    name: "an explicit 24-bit sampling frequency (index 15): 10000 Hz",
    hex: "40002f002710203fc0",
    config: {
      audioObjectType: 2,
      sampleRate: 10000,
      channelConfiguration: 2,
      frameLength: 1024,
      ...DEFAULTS,
    },
  },
  {
    // 0 1 000011 ... | ... | 000 11111111 1 (0 00010000) 1 10100101: numSubFrames 3,
    // otherDataLenBits 16 (one byte, escape 0), crcCheckSum 0xA5.
    name: "four subframes, 16 bits of other data and a CRC",
    hex: "430023203fe10d28",
    config: {
      audioObjectType: 2,
      sampleRate: 48000,
      channelConfiguration: 2,
      frameLength: 1024,
      subFrames: 4,
      bufferFullness: 0xff,
      otherDataBits: 16,
      crcCheckSum: 0xa5,
    },
  },
];

describe("StreamMuxConfig", () => {
  for (const c of CASES) {
    it(`parseStreamMuxConfig() reads ${c.name}`, () => {
      assert.deepEqual(parseStreamMuxConfig(decodeHex(c.hex)), c.config);
    });
    it(`encodeStreamMuxConfig() writes ${c.name}`, () => {
      assert.equal(encodeHex(encodeStreamMuxConfig(c.config)), c.hex);
    });
  }

  it("parseStreamMuxConfig() refuses the shapes it does not read", () => {
    for (
      const [hex, message] of [
        ["c00023203fc0", /audioMuxVersion 1/], // audioMuxVersion 1
        ["000023203fc0", /allStreamsSameTimeFraming 0/],
        ["40102320", /more than one program/], // numProgram 1
        ["40022320", /more than one layer/], // numLayer 1
        ["40005320", /audio object type 5/], // SBR, explicit
        ["4001f000", /audio object type 32/], // escape to type 32+
        ["40002d20", /invalid sampling frequency index 13/],
        ["40002300", /channel configuration 0/],
        ["40002390", /invalid channel configuration 9/],
        ["4000232040", /frameLengthType 1/],
      ] as const
    ) {
      assert.throws(() => parseStreamMuxConfig(decodeHex(hex)), {
        name: "TypeError",
        message,
      }, hex);
    }
  });

  it("parseStreamMuxConfig() throws a RangeError on a config cut short", () => {
    for (const hex of ["", "40", "400023", "4000232003"]) {
      assert.throws(() => parseStreamMuxConfig(decodeHex(hex)), RangeError, hex);
    }
  });

  it("encodeStreamMuxConfig() refuses out-of-range fields", () => {
    const base = CASES[1]!.config;
    for (
      const bad of [
        { audioObjectType: 5 },
        { sampleRate: 0 },
        { sampleRate: 2 ** 24 },
        { channelConfiguration: 0 },
        { channelConfiguration: 8 },
        { frameLength: 2048 },
        { subFrames: 65 },
        { bufferFullness: 256 },
        { otherDataBits: -1 },
        { crcCheckSum: 300 },
      ]
    ) {
      assert.throws(
        () => encodeStreamMuxConfig({ ...base, ...bad } as StreamMuxConfig),
        RangeError,
        JSON.stringify(bad),
      );
    }
  });

  it("channelCountOf() gives eight channels for configuration 7", () => {
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7].map(channelCountOf), [1, 2, 3, 4, 5, 6, 8]);
  });
});
