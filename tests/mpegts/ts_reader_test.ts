import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { type MpegTsEvent, type MpegTsPesEvent, MpegTsReader } from "../../src/mpegts/ts_reader.ts";
import { decodeAdts } from "../../src/mpegts/adts.ts";
import { decodeOpusTs } from "../../src/mpegts/opus_ts.ts";
import { loadTs } from "./_testdata.ts";

function readAll(
  bytes: Uint8Array,
  chunkSize = bytes.byteLength,
  reader = new MpegTsReader(),
): MpegTsEvent[] {
  const events: MpegTsEvent[] = [];
  for (let i = 0; i < bytes.byteLength; i += chunkSize) {
    events.push(...reader.push(bytes.subarray(i, i + chunkSize)));
  }
  events.push(...reader.flush());
  return events;
}

function pesOf(events: MpegTsEvent[], codec: string): MpegTsPesEvent[] {
  return events.filter((e): e is MpegTsPesEvent => e.kind === "pes" && e.track.codec === codec);
}

describe("MpegTsReader", () => {
  const h264 = loadTs("ffmpeg_h264_aac");
  const h265 = loadTs("ffmpeg_h265_opus");

  it("push() announces the H264 and AAC tracks of an ffmpeg file", () => {
    const events = readAll(h264.bytes);
    assert.deepEqual(events.filter((e) => e.kind === "tracks"), [{
      kind: "tracks",
      tracks: [
        { pid: 256, streamType: 0x1b, codec: "H264", programNumber: 1 },
        { pid: 257, streamType: 0x0f, codec: "AAC", programNumber: 1 },
      ],
    }]);
  });

  for (const chunkSize of [1, 7, 187, 188, 189, 4096, Infinity]) {
    it(`push() yields ffprobe's H264 frames with their PTS/DTS (chunks of ${chunkSize} bytes)`, () => {
      const video = pesOf(readAll(h264.bytes, chunkSize), "H264");
      const expected = h264.expected.streams[0]!.packets;
      assert.equal(video.length, 50);
      assert.deepEqual(
        video.map((p) => [p.pts, p.dts ?? p.pts, p.randomAccess ? 1 : 0, p.data.byteLength]),
        expected,
      );
    });
  }

  it("push() yields AAC PES whose ADTS frames match ffprobe's packets", () => {
    const audio = pesOf(readAll(h264.bytes), "AAC");
    const stream = h264.expected.streams[1]!;
    const frames = audio.flatMap((p) =>
      decodeAdts(p.data).map((f, i) => {
        assert.equal(f.sampleRate, stream.sampleRate);
        assert.equal(f.channelCount, stream.channels);
        assert.equal(f.objectType, 2);
        return [p.pts! + Math.round((i * 1024 * 90000) / f.sampleRate), f.data.byteLength + 7];
      })
    );
    assert.deepEqual(frames, stream.packets.map(([pts, , , size]) => [pts, size]));
  });

  it("push() yields H265 frames and Opus packets of an ffmpeg file", () => {
    const events = readAll(h265.bytes, 1000);
    assert.deepEqual(
      events.filter((e) => e.kind === "tracks").flatMap((e) =>
        e.kind === "tracks" ? e.tracks.map((t) => t.codec) : []
      ),
      ["H265", "Opus"],
    );
    const video = pesOf(events, "H265");
    assert.deepEqual(
      video.map((p) => [p.pts, p.dts ?? p.pts, p.randomAccess ? 1 : 0]),
      h265.expected.streams[0]!.packets.map(([pts, dts, key]) => [pts, dts, key]),
    );
    const audio = pesOf(events, "Opus");
    const expectedOpus = h265.expected.streams[1]!.packets;
    assert.deepEqual(
      audio.flatMap((p) => decodeOpusTs(p.data).map((o) => o.byteLength)),
      expectedOpus.map((p) => p[3]),
    );
    const ptsSet = new Set(expectedOpus.map((p) => p[0]));
    for (const p of audio) assert.ok(ptsSet.has(p.pts!), `Opus PES PTS ${p.pts} is a packet PTS`);
  });

  it("push() skips garbage before the first sync byte and counts the loss", () => {
    const bytes = new Uint8Array(h264.bytes.byteLength + 5);
    bytes.set([1, 2, 0x47, 3, 4]);
    bytes.set(h264.bytes, 5);
    const reader = new MpegTsReader();
    assert.equal(pesOf(readAll(bytes, 500, reader), "H264").length, 50);
    assert.equal(reader.stats.syncLosses, 1);
  });

  it("push() drops the PES that lost a TS packet and counts it", () => {
    // Remove the 4th packet of the video PID (inside the first, long IDR PES).
    const packets: Uint8Array[] = [];
    let videoSeen = 0;
    for (let i = 0; i < h264.bytes.byteLength; i += 188) {
      const p = h264.bytes.subarray(i, i + 188);
      const pid = ((p[1]! & 0x1f) << 8) | p[2]!;
      if (pid === 256 && ++videoSeen === 4) continue;
      packets.push(p);
    }
    const joined = new Uint8Array(packets.length * 188);
    packets.forEach((p, i) => joined.set(p, i * 188));
    const reader = new MpegTsReader();
    const video = pesOf(readAll(joined, 188, reader), "H264");
    assert.equal(video.length, 49);
    assert.equal(video[0]!.pts, 136800);
    assert.equal(reader.stats.continuityErrors, 1);
    assert.equal(reader.stats.droppedPes, 1);
  });

  it("push() ignores a PAT with a bad CRC and counts it", () => {
    const bytes = h264.bytes.slice(0, 188 * 3);
    for (let i = 0; i < bytes.byteLength; i += 188) {
      if (bytes[i + 1] === 0x40 && bytes[i + 2] === 0) bytes[i + 5 + 12] ^= 0xff; // PAT CRC
    }
    const reader = new MpegTsReader();
    const events = readAll(bytes, bytes.byteLength, reader);
    assert.ok(reader.stats.sectionErrors >= 1);
    assert.equal(events.length, 0);
  });

  it("push() drops a PES over maxPesBytes", () => {
    const reader = new MpegTsReader({ maxPesBytes: 1000 });
    const video = pesOf(readAll(h264.bytes, 4096, reader), "H264");
    const small = h264.expected.streams[0]!.packets.filter(([, , , size]) => size + 19 <= 1000);
    assert.equal(video.length, small.length); // the IDR frames are dropped
    assert.ok(small.length < 50);
    assert.ok(reader.stats.droppedPes >= 1);
  });

  it("push() never throws on random bytes and bounded garbage", () => {
    let seed = 3;
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 256;
    const reader = new MpegTsReader();
    readAll(h264.bytes.subarray(0, 188 * 10), 188, reader);
    for (let i = 0; i < 200; i++) {
      const chunk = new Uint8Array(1 + rand() * 4);
      for (let j = 0; j < chunk.length; j++) {
        chunk[j] = j % 188 === 0 && rand() < 200 ? 0x47 : rand();
      }
      reader.push(chunk);
    }
    reader.flush();
  });
});
