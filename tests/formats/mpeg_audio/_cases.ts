/**
 * One case table for the MPEG audio packetizer and depacketizer tests (RFC 2250 §3.5): frames
 * and the payloads (4-byte MBZ + Frag_offset header, then frame bytes) and timestamps they
 * make.
 */
import { frameOf } from "./_frames.ts";

export interface MpegAudioCase {
  name: string;
  maxPacketSize?: number;
  frames: Uint8Array[];
  /** Timestamp of each frame (the first is 90000). */
  frameTimestamps: number[];
  packets: { timestamp: number; payload: Uint8Array }[];
}

/** MPEG-2 Layer III, 32 kbit/s, 22.05 kHz, mono: 104 bytes (105 padded), 576 samples. */
const MP3_LSF = [0xff, 0xf3, 0x40, 0xc4];
const MP3_LSF_PADDED = [0xff, 0xf3, 0x42, 0xc4];
/** MPEG-1 Layer II, 192 kbit/s, 48 kHz, mono: 576 bytes, 1152 samples (2160 ticks). */
const MP2 = [0xff, 0xfd, 0xa4, 0xc0];

const a = frameOf(MP3_LSF, 104, 1);
const b = frameOf(MP3_LSF_PADDED, 105, 2);
const c = frameOf(MP3_LSF, 104, 3);
const big = frameOf(MP2, 576, 4);
for (let i = 4; i < big.byteLength; i++) big[i] = i & 0xff;

function payload(fragOffset: number, ...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(4 + parts.reduce((n, p) => n + p.byteLength, 0));
  out[2] = fragOffset >> 8;
  out[3] = fragOffset & 0xff;
  let o = 4;
  for (const p of parts) {
    out.set(p, o);
    o += p.byteLength;
  }
  return out;
}

/** 576 samples at 22050 Hz in 90 kHz ticks: 2351.02. */
const LSF_TICKS = (576 * 90000) / 22050;

export const MPEG_AUDIO_CASES: MpegAudioCase[] = [
  {
    name: "one frame in one packet",
    frames: [a],
    frameTimestamps: [90000],
    packets: [{ timestamp: 90000, payload: payload(0, a) }],
  },
  {
    name: "three frames aggregated, timestamps advancing by 576 samples in 90 kHz ticks",
    frames: [a, b, c],
    frameTimestamps: [90000, 90000 + Math.round(LSF_TICKS), 90000 + Math.round(2 * LSF_TICKS)],
    packets: [{ timestamp: 90000, payload: payload(0, a, b, c) }],
  },
  {
    name: "aggregation up to maxPacketSize: two frames, then the third in a new packet",
    maxPacketSize: 12 + 4 + 104 + 105,
    frames: [a, b, c],
    frameTimestamps: [90000, 92351, 94702],
    packets: [
      { timestamp: 90000, payload: payload(0, a, b) },
      { timestamp: 94702, payload: payload(0, c) },
    ],
  },
  {
    name: "a frame larger than the payload fragmented by Frag_offset",
    maxPacketSize: 12 + 4 + 250,
    frames: [big],
    frameTimestamps: [90000],
    packets: [
      { timestamp: 90000, payload: payload(0, big.subarray(0, 250)) },
      { timestamp: 90000, payload: payload(250, big.subarray(250, 500)) },
      { timestamp: 90000, payload: payload(500, big.subarray(500)) },
    ],
  },
  {
    name: "small frames around a fragmented one: aggregated before, fragments alone, then on",
    maxPacketSize: 12 + 4 + 300,
    frames: [a, b, big, c],
    frameTimestamps: [90000, 92351, 94702, 96862],
    packets: [
      { timestamp: 90000, payload: payload(0, a, b) },
      { timestamp: 94702, payload: payload(0, big.subarray(0, 300)) },
      { timestamp: 94702, payload: payload(300, big.subarray(300)) },
      { timestamp: 96862, payload: payload(0, c) },
    ],
  },
];
