import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { MpegAudioDepacketizer } from "../../../src/formats/mpeg_audio/mpeg_audio_depacketizer.ts";
import { MpegAudioPacketizer } from "../../../src/formats/mpeg_audio/mpeg_audio_packetizer.ts";
import type { RtpPacket } from "../../../src/rtp/mod.ts";
import { rtpPacketAt } from "../_rtp.ts";
import { itReorders } from "../_reordering.ts";
import { MPEG_AUDIO_CASES } from "./_cases.ts";
import { frameOf, loadMpegAudio, loadProbe, MPEG_AUDIO_FILES, splitFrames } from "./_frames.ts";

function packet(sequenceNumber: number, timestamp: number, payload: Uint8Array): RtpPacket {
  return { ...rtpPacketAt(sequenceNumber, timestamp, false, payload), payloadType: 14 };
}

/** Sequence numbers run on across the calls of feed(), as one stream. */
let nextSequenceNumber = 0;

function feed(d: MpegAudioDepacketizer, payloads: Uint8Array[], timestamp = 0) {
  return payloads.flatMap((p) => d.depacketize(packet(nextSequenceNumber++, timestamp, p)));
}

/** MPEG-1 Layer III, 320 kbit/s, 32 kHz: 144 * 320000 / 32000 = 1440 bytes. */
const LARGE = [0xff, 0xfb, 0xe8, 0xc4];
const LARGE_BYTES = 1440;

function withHeader(fragOffset: number, data: Uint8Array | number[]): Uint8Array {
  const out = new Uint8Array(4 + data.length);
  out[2] = fragOffset >> 8;
  out[3] = fragOffset & 0xff;
  out.set(data, 4);
  return out;
}

describe("MpegAudioDepacketizer", () => {
  for (const c of MPEG_AUDIO_CASES) {
    it(`depacketize() decodes: ${c.name}`, () => {
      const d = new MpegAudioDepacketizer();
      const frames = c.packets.flatMap((p, i) => d.depacketize(packet(i, p.timestamp, p.payload)));
      assert.deepEqual(
        frames,
        c.frames.map((data, i) => ({ timestamp: c.frameTimestamps[i], data })),
      );
      assert.deepEqual([d.droppedFrames, d.invalidPackets], [0, 0]);
    });
  }

  for (const file of MPEG_AUDIO_FILES) {
    for (const maxPacketSize of [undefined, 200, 12 + 8]) {
      it(
        `packetize() then depacketize() gives back every frame of ${file} in packets of ${
          maxPacketSize ?? "default"
        } bytes`,
        () => {
          const frames = splitFrames(loadMpegAudio(file));
          assert.equal(frames.length, loadProbe(file).frameSizes.length);
          const p = new MpegAudioPacketizer({ maxPacketSize });
          const d = new MpegAudioDepacketizer();
          const out = p.packetize(frames, 4294960000).flatMap((x) => d.depacketize(x));
          assert.deepEqual(out.map((f) => f.data), frames);
          const { sampleRate } = loadProbe(file);
          const samples = sampleRate >= 32000 ? 1152 : 576; // Layer II, or Layer III below 32 kHz
          assert.deepEqual(
            out.map((f) => f.timestamp),
            frames.map((_, i) =>
              (4294960000 + Math.round((i * samples * 90000) / sampleRate)) >>> 0
            ),
          );
          assert.deepEqual([d.droppedFrames, d.invalidPackets], [0, 0]);
        },
      );
    }
  }

  it("depacketize() counts a payload of 4 bytes or less, or without a frame header, as invalid", () => {
    const d = new MpegAudioDepacketizer();
    assert.deepEqual(
      feed(d, [new Uint8Array(3), new Uint8Array(4), withHeader(0, [1, 2, 3, 4])]),
      [],
    );
    assert.equal(d.invalidPackets, 3);
  });

  it("depacketize() keeps the frames before garbage and counts the packet invalid", () => {
    const a = frameOf([0xff, 0xf3, 0x40, 0xc4], 104, 9);
    const d = new MpegAudioDepacketizer();
    const out = feed(d, [withHeader(0, [...a, 0, 0, 0, 0, 0])]);
    assert.deepEqual(out.map((f) => f.data), [a]);
    assert.equal(d.invalidPackets, 1);
  });

  it("depacketize() takes a free-format frame as the rest of the payload", () => {
    const free = frameOf([0xff, 0xfb, 0x00, 0x00], 300, 7);
    const d = new MpegAudioDepacketizer();
    assert.deepEqual(feed(d, [withHeader(0, free)], 5), [{ timestamp: 5, data: free }]);
  });

  it("depacketize() reassembles a frame cut short after aggregated ones", () => {
    const a = frameOf([0xff, 0xf3, 0x40, 0xc4], 104, 9);
    const large = frameOf(LARGE, LARGE_BYTES, 3);
    const d = new MpegAudioDepacketizer();
    const out = feed(d, [
      withHeader(0, [...a, ...large.subarray(0, 100)]),
      withHeader(100, large.subarray(100)),
    ]);
    assert.deepEqual(out.map((f) => [f.timestamp, f.data]), [[0, a], [2351, large]]);
  });

  it("depacketize() drops a fragment that overflows the frame or does not follow on", () => {
    const large = frameOf(LARGE, LARGE_BYTES, 3);
    const d = new MpegAudioDepacketizer();
    const overflow = feed(d, [
      withHeader(0, large.subarray(0, 1000)),
      withHeader(1000, new Uint8Array(441)),
    ]);
    assert.deepEqual([overflow, d.droppedFrames], [[], 1]);
    const gap = feed(d, [
      withHeader(0, large.subarray(0, 500)),
      withHeader(600, large.subarray(600)),
    ], 1);
    assert.deepEqual([gap, d.droppedFrames], [[], 2]);
    // The next whole frame comes through.
    assert.deepEqual(
      feed(d, [withHeader(0, large.subarray(0, 1000)), withHeader(1000, large.subarray(1000))], 2)
        .map((f) => f.data),
      [large],
    );
  });

  it("depacketize() counts continuations without their start once per frame", () => {
    const d = new MpegAudioDepacketizer();
    feed(d, [withHeader(100, [1]), withHeader(200, [1])], 7);
    assert.equal(d.droppedFrames, 1);
  });

  it("depacketize() drops a frame whose end was lost when the next frame starts", () => {
    const large = frameOf(LARGE, LARGE_BYTES, 3);
    const a = frameOf([0xff, 0xf3, 0x40, 0xc4], 104, 9);
    const d = new MpegAudioDepacketizer();
    const out = feed(d, [withHeader(0, large.subarray(0, 1000)), withHeader(0, a)]);
    assert.deepEqual([out.map((f) => f.data), d.droppedFrames], [[a], 1]);
  });

  itReorders({
    create: () => new MpegAudioDepacketizer(),
    counts: (d) => ({ dropped: d.droppedFrames, invalid: d.invalidPackets }),
    // One 1440-byte frame per timestamp: whole, or in `count` fragments at their Frag_offset.
    payload: (i, count, tag) => {
      const frame = frameOf(LARGE, LARGE_BYTES, tag);
      const start = Math.floor((i * LARGE_BYTES) / count);
      const end = Math.floor(((i + 1) * LARGE_BYTES) / count);
      return [...withHeader(start, frame.subarray(start, end))];
    },
    keepsFrameAfterLoss: true,
    reset: (d) => d.reset(),
    flush: (d) => d.flush(),
  });
});
