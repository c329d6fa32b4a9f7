import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { MpegTsWriter } from "../../src/mpegts/ts_writer.ts";
import { type MpegTsEvent, type MpegTsPesEvent, MpegTsReader } from "../../src/mpegts/ts_reader.ts";
import { decodeAdts } from "../../src/mpegts/adts.ts";
import { decodeOpusTs } from "../../src/mpegts/opus_ts.ts";
import { splitAnnexB } from "../../src/formats/h264/annexb.ts";
import { hasFfprobe, probe } from "./_ffprobe.ts";
import { loadTs } from "./_testdata.ts";

function read(bytes: Uint8Array): MpegTsEvent[] {
  const reader = new MpegTsReader();
  const events = [...reader.push(bytes), ...reader.flush()];
  assert.deepEqual(reader.stats, {
    packets: bytes.byteLength / 188,
    syncLosses: 0,
    continuityErrors: 0,
    sectionErrors: 0,
    droppedPes: 0,
  });
  return events;
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.byteLength;
  }
  return out;
}

/** Demuxes an ffmpeg file with MpegTsReader and muxes it again with MpegTsWriter. */
function remux(name: string): Uint8Array {
  const { bytes } = loadTs(name);
  const reader = new MpegTsReader();
  const events = [...reader.push(bytes), ...reader.flush()];
  const tracks = reader.tracks;
  const writer = new MpegTsWriter(
    tracks.map((t) => ({ codec: t.codec as "H264" | "AAC" | "H265" | "Opus", channelCount: 1 })),
  );
  const out: Uint8Array[] = [];
  for (const e of events) {
    if (e.kind !== "pes") continue;
    const index = tracks.findIndex((t) => t.pid === e.track.pid);
    const pts = e.pts!;
    switch (e.track.codec) {
      case "H264":
      case "H265": {
        const unit = {
          pts,
          dts: e.dts ?? pts,
          randomAccess: e.randomAccess,
          nalUnits: splitAnnexB(e.data),
        };
        out.push(
          e.track.codec === "H264" ? writer.writeH264(index, unit) : writer.writeH265(index, unit),
        );
        break;
      }
      case "AAC": {
        const frames = decodeAdts(e.data);
        out.push(
          writer.writeAac(index, { pts, config: frames[0]!, frames: frames.map((f) => f.data) }),
        );
        break;
      }
      case "Opus":
        out.push(writer.writeOpus(index, { pts, packets: decodeOpusTs(e.data) }));
        break;
    }
  }
  return concat(out);
}

describe("MpegTsWriter", () => {
  it("writeH264()/writeAac() output reads back with MpegTsReader", () => {
    const writer = new MpegTsWriter([{ codec: "H264" }, { codec: "AAC" }]);
    const sps = new Uint8Array([0x67, 0x42, 0xc0, 0x1e]);
    const idr = new Uint8Array(70000).fill(0x11);
    idr[0] = 0x65;
    const config = { objectType: 2, sampleRate: 44100, channelCount: 2 };
    const bytes = concat([
      writer.writeH264(0, { pts: 6000, dts: 3000, randomAccess: true, nalUnits: [sps, idr] }),
      writer.writeAac(1, {
        pts: 2900,
        config,
        frames: [new Uint8Array(200).fill(1), new Uint8Array(7).fill(2)],
      }),
      writer.writeH264(0, {
        pts: 8589934591,
        randomAccess: false,
        nalUnits: [new Uint8Array([0x09, 0xf0]), new Uint8Array([0x41, 5])],
      }),
    ]);
    assert.equal(bytes.byteLength % 188, 0);
    const events = read(bytes);
    assert.deepEqual(events[0], {
      kind: "tracks",
      tracks: [
        { pid: 256, streamType: 0x1b, codec: "H264", programNumber: 1 },
        { pid: 257, streamType: 0x0f, codec: "AAC", programNumber: 1 },
      ],
    });
    // Video PES have no length: each ends when the next one starts, so audio comes out first.
    const pes = events.filter((e): e is MpegTsPesEvent => e.kind === "pes");
    assert.deepEqual(pes.map((p) => p.track.codec), ["AAC", "H264", "H264"]);
    pes.unshift(pes.splice(1, 1)[0]!);
    assert.deepEqual([pes[0]!.pts, pes[0]!.dts, pes[0]!.randomAccess, pes[0]!.streamId], [
      6000,
      3000,
      true,
      0xe0,
    ]);
    assert.deepEqual(splitAnnexB(pes[0]!.data), [new Uint8Array([0x09, 0xf0]), sps, idr]);
    assert.deepEqual([pes[1]!.pts, pes[1]!.dts, pes[1]!.streamId], [2900, undefined, 0xc0]);
    assert.deepEqual(
      decodeAdts(pes[1]!.data).map((f) => [f.sampleRate, f.channelCount, f.data.byteLength]),
      [[44100, 2, 200], [44100, 2, 7]],
    );
    assert.deepEqual([pes[2]!.pts, pes[2]!.dts, pes[2]!.randomAccess], [
      8589934591,
      undefined,
      false,
    ]);
    assert.deepEqual(splitAnnexB(pes[2]!.data), [
      new Uint8Array([0x09, 0xf0]),
      new Uint8Array([0x41, 5]),
    ]);
  });

  it("writeOpus() and writeH265() output reads back with MpegTsReader", () => {
    const writer = new MpegTsWriter([{ codec: "H265", pid: 0x200 }, {
      codec: "Opus",
      channelCount: 2,
    }]);
    const vps = new Uint8Array([0x40, 0x01, 0x0c]);
    const bytes = concat([
      writer.writeH265(0, {
        pts: 0,
        randomAccess: true,
        nalUnits: [vps, new Uint8Array([0x26, 0x01, 0xaf])],
      }),
      writer.writeOpus(1, {
        pts: 100,
        packets: [new Uint8Array(600).fill(3), new Uint8Array([0xfc, 1])],
      }),
    ]);
    const events = read(bytes);
    assert.deepEqual(
      events[0]!.kind === "tracks" && events[0]!.tracks.map((t) => [t.pid, t.codec]),
      [[0x200, "H265"], [257, "Opus"]],
    );
    const pes = events.filter((e): e is MpegTsPesEvent => e.kind === "pes").reverse();
    assert.deepEqual(pes.map((p) => p.track.codec), ["H265", "Opus"]);
    assert.deepEqual(splitAnnexB(pes[0]!.data)[0], new Uint8Array([0x46, 0x01, 0x50]));
    assert.deepEqual(decodeOpusTs(pes[1]!.data).map((p) => p.byteLength), [600, 2]);
  });

  it("constructor throws RangeError without tracks or with duplicate PIDs", () => {
    assert.throws(() => new MpegTsWriter([]), RangeError);
    assert.throws(() => new MpegTsWriter([{ codec: "H264", pid: 0x1000 }]), RangeError);
    assert.throws(
      () =>
        new MpegTsWriter([{ codec: "H264" }]).writeAac(0, {
          pts: 0,
          config: { objectType: 2, sampleRate: 48000, channelCount: 1 },
          frames: [],
        }),
      RangeError,
    );
  });

  for (const name of ["ffmpeg_h264_aac", "ffmpeg_h265_opus"]) {
    it(`remuxed ${name} reads back in ffprobe without errors and with the same packets`, async (t) => {
      if (!hasFfprobe()) {
        t.skip("ffprobe not found on PATH: install ffmpeg to run this test");
        return;
      }
      const remuxed = remux(name);
      const [original, result] = await Promise.all([probe(loadTs(name).bytes), probe(remuxed)]);
      assert.equal(result.errors, "");
      assert.deepEqual(result.streams, original.streams);
      for (let s = 0; s < original.streams.length; s++) {
        const a = original.packets.filter((p) => p.streamIndex === s);
        const b = result.packets.filter((p) => p.streamIndex === s);
        assert.equal(b.length, a.length, `stream ${s} packet count`);
        assert.deepEqual(b.map((p) => [p.pts, p.dts, p.key]), a.map((p) => [p.pts, p.dts, p.key]));
      }
    });
  }
});
