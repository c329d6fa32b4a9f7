import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { RtpPacket } from "../../src/rtp/mod.ts";
import { DEFAULT_MAX_FRAME_BYTES } from "../../src/formats/_packetizer_state.ts";
import { Av1Depacketizer } from "../../src/formats/av1/av1_depacketizer.ts";
import { H264Depacketizer } from "../../src/formats/h264/h264_depacketizer.ts";
import { H265Depacketizer } from "../../src/formats/h265/h265_depacketizer.ts";
import { MjpegDepacketizer } from "../../src/formats/mjpeg/mjpeg_depacketizer.ts";
import { Vp8Depacketizer } from "../../src/formats/vp8/vp8_depacketizer.ts";
import { Vp9Depacketizer } from "../../src/formats/vp9/vp9_depacketizer.ts";
import { concat } from "../../src/bytes/mod.ts";
import { bytes } from "./_bytes.ts";
import { rtpPacketAt } from "./_rtp.ts";

/** Bytes per packet: large pieces keep the 8 MiB frames to a few hundred packets. */
const PIECE = 60000;

/**
 * The packets of one frame whose payload data adds up to `dataBytes`, each payload being
 * `head(first, last)` followed by its piece of the data.
 */
function frame(
  dataBytes: number,
  head: (first: boolean, last: boolean) => Uint8Array,
): RtpPacket[] {
  const data = new Uint8Array(PIECE);
  const out: RtpPacket[] = [];
  for (let offset = 0, seq = 1; offset < dataBytes; offset += PIECE, seq++) {
    const n = Math.min(PIECE, dataBytes - offset);
    const last = offset + n === dataBytes;
    out.push(rtpPacketAt(seq, 3000, last, concat([head(offset === 0, last), data.subarray(0, n)])));
  }
  return out;
}

interface Target {
  name: string;
  /** Frames or access units out of a frame whose kept bytes are `size`. */
  decode: (size: number) => number;
}

function decodeAll(
  d: { depacketize(pkt: RtpPacket): unknown[]; flush?: () => unknown[] },
  packets: RtpPacket[],
): number {
  const n = packets.reduce((sum, p) => sum + d.depacketize(p).length, 0);
  return n + (d.flush?.().length ?? 0);
}

const TARGETS: Target[] = [
  {
    name: "H264Depacketizer",
    // FU-A (RFC 6184 §5.8): the NAL unit is the rebuilt 1-byte header and the data.
    decode: (size) =>
      decodeAll(
        new H264Depacketizer(),
        frame(size - 1, (s, e) => bytes(0x7c, (s ? 0x80 : 0) | (e ? 0x40 : 0) | 5)),
      ),
  },
  {
    name: "H264Depacketizer (interleaved)",
    // FU-B then FU-As (RFC 6184 §5.8).
    decode: (size) =>
      decodeAll(
        new H264Depacketizer({ packetizationMode: 2, interleavingDepth: 0 }),
        frame(size - 1, (s, e) => s ? bytes(0x7d, 0x85, 0, 0) : bytes(0x7c, (e ? 0x40 : 0) | 5)),
      ),
  },
  {
    name: "H265Depacketizer",
    // FU (RFC 7798 §4.4.3): the NAL unit is the rebuilt 2-byte header and the data.
    decode: (size) =>
      decodeAll(
        new H265Depacketizer(),
        frame(size - 2, (s, e) => bytes(0x62, 0x01, (s ? 0x80 : 0) | (e ? 0x40 : 0) | 19)),
      ),
  },
  {
    name: "Av1Depacketizer",
    // One OBU in fragments (AOM AV1 RTP §4.4): Z on all but the first, Y on all but the last.
    decode: (size) =>
      decodeAll(
        new Av1Depacketizer(),
        frame(
          size - 1,
          (s, e) => s ? bytes(0x50, 0x30) : bytes(0x80 | (e ? 0 : 0x40) | 0x10),
        ),
      ),
  },
  {
    name: "Vp8Depacketizer",
    decode: (size) => decodeAll(new Vp8Depacketizer(), frame(size, (s) => bytes(s ? 0x10 : 0))),
  },
  {
    name: "Vp9Depacketizer",
    decode: (size) =>
      decodeAll(new Vp9Depacketizer(), frame(size, (s, e) => bytes((s ? 8 : 0) | (e ? 4 : 0)))),
  },
  {
    name: "MjpegDepacketizer",
    // RFC 2435 §3.1: type-specific, 24-bit fragment offset, type 1, Q 50, 16x16 pixels.
    decode: (size) => {
      const d = new MjpegDepacketizer();
      const first = concat([
        bytes(0, 0, 0, 0, 1, 50, 2, 2),
        new Uint8Array(DEFAULT_MAX_FRAME_BYTES - 1),
      ]);
      const at = DEFAULT_MAX_FRAME_BYTES - 1;
      const lastData = new Uint8Array(size - at);
      const last = concat([bytes(0, at >> 16, (at >> 8) & 0xff, at & 0xff, 1, 50, 2, 2), lastData]);
      return decodeAll(d, [rtpPacketAt(1, 3000, false, first), rtpPacketAt(2, 3000, true, last)]);
    },
  },
];

describe("DEFAULT_MAX_FRAME_BYTES", () => {
  it("is 8 MiB", () => {
    assert.equal(DEFAULT_MAX_FRAME_BYTES, 8 * 1024 * 1024);
  });

  for (const t of TARGETS) {
    it(`bounds ${t.name} by default: a frame of that size decodes, one byte more is dropped`, () => {
      assert.equal(t.decode(DEFAULT_MAX_FRAME_BYTES), 1);
      assert.equal(t.decode(DEFAULT_MAX_FRAME_BYTES + 1), 0);
    });
  }
});
