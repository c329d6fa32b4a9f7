import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  type MpegAudioHeader,
  parseMpegAudioHeader,
} from "../../../src/formats/mpeg_audio/mpeg_audio_header.ts";
import { loadMpegAudio, loadProbe, MPEG_AUDIO_FILES, splitFrames } from "./_frames.ts";

/**
 * Headers written field by field (ISO/IEC 11172-3 §2.4.2.3, 13818-3), with the length and
 * samples the standard gives: Layer I 12 * bitrate / rate slots of 4 bytes, Layer II and
 * MPEG-1 Layer III 144 * bitrate / rate bytes, MPEG-2/2.5 Layer III 72 * bitrate / rate.
 */
const CASES: { name: string; bytes: number[]; header: MpegAudioHeader }[] = [
  {
    // 1111 1111 | 111 11 01 1 | 1001 00 1 0 | 01 00 0 1 00
    name: "MPEG-1 Layer III 128 kbit/s 44.1 kHz, padded, joint stereo",
    bytes: [0xff, 0xfb, 0x92, 0x44],
    header: {
      version: 1,
      layer: 3,
      bitRate: 128000,
      sampleRate: 44100,
      padding: true,
      channelCount: 2,
      samplesPerFrame: 1152,
      frameLength: 418,
    },
  },
  {
    // 111 11 10 0 (CRC present) | 1010 01 0 0 | 11 (mono)
    name: "MPEG-1 Layer II 192 kbit/s 48 kHz, CRC, mono",
    bytes: [0xff, 0xfc, 0xa4, 0xc0],
    header: {
      version: 1,
      layer: 2,
      bitRate: 192000,
      sampleRate: 48000,
      padding: false,
      channelCount: 1,
      samplesPerFrame: 1152,
      frameLength: 576,
    },
  },
  {
    // 111 11 11 1 | 1110 10 1 0: 448 kbit/s 32 kHz padded: (12 * 448000 / 32000 + 1) * 4
    name: "MPEG-1 Layer I 448 kbit/s 32 kHz, padded",
    bytes: [0xff, 0xff, 0xea, 0x00],
    header: {
      version: 1,
      layer: 1,
      bitRate: 448000,
      sampleRate: 32000,
      padding: true,
      channelCount: 2,
      samplesPerFrame: 384,
      frameLength: 676,
    },
  },
  {
    // 111 10 01 1 | 0100 00 0 0 | 11: 72 * 32000 / 22050 = 104.49
    name: "MPEG-2 Layer III 32 kbit/s 22.05 kHz, mono",
    bytes: [0xff, 0xf3, 0x40, 0xc4],
    header: {
      version: 2,
      layer: 3,
      bitRate: 32000,
      sampleRate: 22050,
      padding: false,
      channelCount: 1,
      samplesPerFrame: 576,
      frameLength: 104,
    },
  },
  {
    // 111 00 10 1 | 1110 10 1 0: the largest frame there is, 144 * 160000 / 8000 + 1
    name: "MPEG-2.5 Layer II 160 kbit/s 8 kHz, padded",
    bytes: [0xff, 0xe5, 0xea, 0x00],
    header: {
      version: 2.5,
      layer: 2,
      bitRate: 160000,
      sampleRate: 8000,
      padding: true,
      channelCount: 2,
      samplesPerFrame: 1152,
      frameLength: 2881,
    },
  },
  {
    // 111 10 11 1 | 0001 01 0 0: MPEG-2 Layer I 32 kbit/s 24 kHz: 12 * 32000 / 24000 = 16 slots
    name: "MPEG-2 Layer I 32 kbit/s 24 kHz",
    bytes: [0xff, 0xf7, 0x14, 0x00],
    header: {
      version: 2,
      layer: 1,
      bitRate: 32000,
      sampleRate: 24000,
      padding: false,
      channelCount: 2,
      samplesPerFrame: 384,
      frameLength: 64,
    },
  },
  {
    name: "free format (bitrate_index 0): no length",
    bytes: [0xff, 0xfb, 0x00, 0x00],
    header: {
      version: 1,
      layer: 3,
      bitRate: 0,
      sampleRate: 44100,
      padding: false,
      channelCount: 2,
      samplesPerFrame: 1152,
      frameLength: 0,
    },
  },
];

const INVALID: { name: string; bytes: number[] }[] = [
  { name: "too short", bytes: [0xff, 0xfb, 0x92] },
  { name: "no sync word", bytes: [0xff, 0x1b, 0x92, 0x44] },
  { name: "reserved version 01", bytes: [0xff, 0xeb, 0x92, 0x44] },
  { name: "reserved layer 00", bytes: [0xff, 0xf9, 0x92, 0x44] },
  { name: "bitrate_index 1111", bytes: [0xff, 0xfb, 0xf2, 0x44] },
  { name: "sampling_frequency 11", bytes: [0xff, 0xfb, 0x9e, 0x44] },
];

describe("parseMpegAudioHeader()", () => {
  for (const c of CASES) {
    it(`parses ${c.name}`, () => {
      assert.deepEqual(parseMpegAudioHeader(new Uint8Array(c.bytes)), c.header);
    });
  }

  for (const c of INVALID) {
    it(`returns undefined for ${c.name}`, () => {
      assert.equal(parseMpegAudioHeader(new Uint8Array(c.bytes)), undefined);
    });
  }

  it("reads the header at an offset and not past the end", () => {
    const bytes = new Uint8Array([0, 0, 0xff, 0xfb, 0x92, 0x44]);
    assert.equal(parseMpegAudioHeader(bytes, 2)?.frameLength, 418);
    assert.equal(parseMpegAudioHeader(bytes, 3), undefined);
    assert.equal(parseMpegAudioHeader(bytes, -1), undefined);
  });

  for (const file of MPEG_AUDIO_FILES) {
    it(`gives the frame lengths, rate and channels ffprobe found in ${file}`, () => {
      const probe = loadProbe(file);
      const frames = splitFrames(loadMpegAudio(file));
      assert.deepEqual(frames.map((f) => f.byteLength), probe.frameSizes);
      for (const f of frames) {
        const header = parseMpegAudioHeader(f)!;
        assert.equal(header.sampleRate, probe.sampleRate);
        assert.equal(header.channelCount, probe.channels);
        assert.equal(header.layer, probe.codec === "mp2" ? 2 : 3);
      }
    });
  }
});
