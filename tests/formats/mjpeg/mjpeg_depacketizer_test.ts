import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { RtpPacket } from "../../../src/rtp/mod.ts";
import { rtpPacketAt } from "../_rtp.ts";
import { MjpegDepacketizer } from "../../../src/formats/mjpeg/mjpeg_depacketizer.ts";
import { quantTablesFromQ } from "../../../src/formats/mjpeg/_jpeg_tables.ts";
import { bytes, MJPEG_CASES, ramp } from "./_cases.ts";
import { loadRtp, scanData, testdata } from "./_captures.ts";
import { decodeJpeg, skipWithoutFfmpeg } from "./_tools.ts";
import { itReorders } from "../_reordering.ts";

/**
 * Fragments of a 16x16 type 1 frame with Q 50: 300 bytes of scan data in three packets,
 * numbered from `timestamp / 1000` (so frames 3000 apart follow each other without a gap).
 */
function threeFragments(timestamp: number, q = 50): RtpPacket[] {
  const scan = ramp(300, 0);
  return [0, 100, 200].map((offset, i) =>
    rtpPacketAt(
      timestamp / 1000 + i,
      timestamp,
      i === 2,
      bytes([0, 0, offset >> 8, offset & 0xff], [1, q, 2, 2], scan.subarray(offset, offset + 100)),
    )
  );
}

/** The DQT segment of a JPEG image (its body, without marker and length). */
function dqtBody(jpeg: Uint8Array): Uint8Array {
  for (let o = 2; o + 4 <= jpeg.byteLength;) {
    const length = (jpeg[o + 2]! << 8) | jpeg[o + 3]!;
    if (jpeg[o + 1] === 0xdb) return jpeg.subarray(o + 4, o + 2 + length);
    o += 2 + length;
  }
  throw new Error("No DQT");
}

describe("MjpegDepacketizer", () => {
  for (const c of MJPEG_CASES) {
    it(`depacketize() decodes: ${c.name}`, () => {
      const d = new MjpegDepacketizer();
      const frames = c.payloads.flatMap((payload, i) =>
        d.depacketize(rtpPacketAt(100 + i, 1234, i === c.payloads.length - 1, payload))
      );
      assert.deepEqual(frames, [{
        timestamp: 1234,
        frame: c.jpeg,
        width: c.width,
        height: c.height,
      }]);
    });

    it(`depacketize() decodes in reverse order: ${c.name}`, () => {
      const d = new MjpegDepacketizer();
      // A first frame sets where the sequence is: 97 to 99.
      const first = threeFragments(0).map((p, i) => ({ ...p, sequenceNumber: 97 + i }));
      assert.equal(first.flatMap((p) => d.depacketize(p)).length, 1);
      const frames = c.payloads.map((payload, i) =>
        rtpPacketAt(100 + i, 1234, i === c.payloads.length - 1, payload)
      ).reverse().flatMap((p) => d.depacketize(p));
      assert.deepEqual(frames.map((f) => f.frame), [c.jpeg]);
      assert.equal(d.droppedFrames, 0);
    });
  }

  it("depacketize() computes the tables of Q 1-99 by RFC 2435 Appendix A (libjpeg quality)", () => {
    // GStreamer's jpegenc quality=50 uses libjpeg's scaling of the Annex K tables, which
    // Appendix A reproduces: its in-band tables are those of Q=50.
    const first = loadRtp("gst_rtpjpegpay_420.bin")[0]!;
    assert.deepEqual(first.payload.subarray(12, 12 + 128), quantTablesFromQ(50));
    assert.deepEqual([...quantTablesFromQ(50).subarray(0, 4)], [16, 11, 12, 14]); // zigzag order
    assert.deepEqual([...quantTablesFromQ(1).subarray(0, 2)], [255, 255]);
    assert.deepEqual([...quantTablesFromQ(99).subarray(0, 2)], [1, 1]);
    const d = new MjpegDepacketizer();
    const [frame] = threeFragments(0, 80).flatMap((p) => d.depacketize(p));
    assert.deepEqual(
      dqtBody(frame!.frame),
      bytes(0x00, quantTablesFromQ(80).subarray(0, 64), 0x01, quantTablesFromQ(80).subarray(64)),
    );
  });

  it("depacketize() uses a single in-band table for both components (ffmpeg)", () => {
    const table = ramp(64, 1);
    const payload = bytes([0, 0, 0, 0], [1, 255, 1, 1], [0, 0, 0, 64], table, [1, 2, 3]);
    const [frame] = new MjpegDepacketizer().depacketize(rtpPacketAt(1, 0, true, payload));
    assert.deepEqual(dqtBody(frame!.frame), bytes(0x00, table));
    const sof = frame!.frame.indexOf(0xc0, 2 + 4 + 65);
    assert.deepEqual([...frame!.frame.subarray(sof + 9, sof + 18)], [
      1,
      0x22,
      0,
      2,
      0x11,
      0,
      3,
      0x11,
      0,
    ]);
  });

  it("depacketize() reuses the tables of Q 128-254 when a later frame sends length 0", () => {
    const d = new MjpegDepacketizer();
    const tables = ramp(128, 3);
    const withTables = bytes([0, 0, 0, 0], [0, 200, 1, 1], [0, 0, 0, 128], tables, [9]);
    const without = bytes([0, 0, 0, 0], [0, 200, 1, 1], [0, 0, 0, 0], [9]);
    const [a] = d.depacketize(rtpPacketAt(1, 0, true, withTables));
    const [b] = d.depacketize(rtpPacketAt(2, 3000, true, without));
    assert.deepEqual(b!.frame, a!.frame);
    assert.equal(d.droppedFrames, 0);
  });

  it("depacketize() drops a frame of Q 128-254 with length 0 when no table was cached", () => {
    const d = new MjpegDepacketizer();
    assert.deepEqual(
      d.depacketize(
        rtpPacketAt(1, 0, true, bytes([0, 0, 0, 0], [0, 200, 1, 1], [0, 0, 0, 0], [9])),
      ),
      [],
    );
    assert.equal(d.invalidPackets, 1);
    assert.equal(d.droppedFrames, 0); // counted once the next frame starts
    d.depacketize(rtpPacketAt(2, 3000, true, bytes([0, 0, 0, 0], [0, 50, 1, 1], [9])));
    assert.equal(d.droppedFrames, 1);
  });

  it("depacketize() keeps an EOI the data already ends with", () => {
    const payload = bytes([0, 0, 0, 0], [1, 50, 1, 1], [7, 0xff, 0xd9]);
    const [frame] = new MjpegDepacketizer().depacketize(rtpPacketAt(1, 0, true, payload));
    assert.deepEqual([...frame!.frame.subarray(-4)], [0x00, 7, 0xff, 0xd9]);
  });

  it("depacketize() drops a frame that lost a fragment, counts it once and recovers", () => {
    const d = new MjpegDepacketizer();
    const pkts = threeFragments(0);
    assert.deepEqual(d.depacketize(pkts[0]!), []);
    assert.deepEqual(d.depacketize(pkts[2]!), []);
    assert.equal(d.droppedFrames, 0);
    const next = threeFragments(3000).flatMap((p) => d.depacketize(p));
    assert.equal(next.length, 1);
    assert.equal(d.droppedFrames, 1);
  });

  it("depacketize() drops a frame whose first fragment (and tables) was lost", () => {
    const d = new MjpegDepacketizer();
    const pkts = threeFragments(0);
    d.depacketize(pkts[1]!);
    d.depacketize(pkts[2]!);
    assert.equal(threeFragments(3000).flatMap((p) => d.depacketize(p)).length, 1);
    assert.equal(d.droppedFrames, 1);
  });

  it("depacketize() ignores duplicates and late packets of a finished frame", () => {
    const d = new MjpegDepacketizer();
    const pkts = threeFragments(9000);
    assert.equal(d.depacketize(pkts[0]!).length, 0);
    assert.equal(d.depacketize(pkts[0]!).length, 0);
    assert.equal(d.depacketize(pkts[1]!).length, 0);
    assert.equal(d.depacketize(pkts[2]!).length, 1);
    assert.equal(d.depacketize(pkts[2]!).length, 0);
    assert.equal(d.depacketize(threeFragments(6000)[1]!).length, 0); // an earlier frame: late
    assert.equal(d.droppedFrames, 0);
    assert.equal(threeFragments(12000).flatMap((p) => d.depacketize(p)).length, 1);
    assert.equal(d.droppedFrames, 0);
  });

  it("depacketize() starts a new frame on newer packets that keep the same timestamp", () => {
    const d = new MjpegDepacketizer();
    const first = threeFragments(0);
    const second = threeFragments(0).map((p) => ({ ...p, sequenceNumber: p.sequenceNumber + 3 }));
    assert.equal([...first, first[1]!, ...second].flatMap((p) => d.depacketize(p)).length, 2);
    assert.equal(d.droppedFrames, 0);
  });

  it("depacketize() ignores a late packet of an earlier frame while a frame is in progress", () => {
    const d = new MjpegDepacketizer();
    const now = threeFragments(6000);
    d.depacketize(now[0]!);
    assert.deepEqual(d.depacketize(threeFragments(3000)[2]!), []);
    assert.equal(now.slice(1).flatMap((p) => d.depacketize(p)).length, 1);
    assert.equal(d.droppedFrames, 0);
  });

  it("depacketize() drops a frame whose packets disagree on type, Q or size", () => {
    const d = new MjpegDepacketizer();
    const pkts = threeFragments(0);
    pkts[1] = { ...pkts[1]!, payload: pkts[1]!.payload.slice() };
    pkts[1].payload[6] = 3; // width
    assert.deepEqual(pkts.flatMap((p) => d.depacketize(p)), []);
    assert.equal(d.invalidPackets, 1);
  });

  it("depacketize() drops a frame whose fragments overlap", () => {
    const d = new MjpegDepacketizer();
    const pkts = threeFragments(0);
    const p1 = pkts[1]!.payload.slice();
    p1[3] = 90; // offset 90 instead of 100
    const out = [pkts[0]!, { ...pkts[1]!, payload: p1 }, pkts[2]!].flatMap((p) => d.depacketize(p));
    assert.deepEqual(out, []);
    d.depacketize(threeFragments(3000)[0]!);
    assert.equal(d.droppedFrames, 1);
  });

  const invalid: [string, number[]][] = [
    ["a payload shorter than the main header", [0, 0, 0, 0, 1, 50, 1]],
    ["type 2 (reserved)", [0, 0, 0, 0, 2, 50, 1, 1, 0]],
    ["type 128 (dynamic)", [0, 0, 0, 0, 128, 50, 1, 1, 0]],
    ["Q 0", [0, 0, 0, 0, 1, 0, 1, 1, 0]],
    ["Q 100 (reserved)", [0, 0, 0, 0, 1, 100, 1, 1, 0]],
    ["width 0", [0, 0, 0, 0, 1, 50, 0, 1, 0]],
    ["type 64 without the Restart Marker header", [0, 0, 0, 0, 64, 50, 1, 1, 0, 4]],
    ["Q 255 without the Quantization Table header", [0, 0, 0, 0, 1, 255, 1, 1, 0, 0]],
    ["Q 255 with table length 0", [0, 0, 0, 0, 1, 255, 1, 1, 0, 0, 0, 0, 5]],
    ["a table length longer than the payload", [0, 0, 0, 0, 1, 255, 1, 1, 0, 0, 0, 128, 5]],
    ["a table length of no whole table", [0, 0, 0, 0, 1, 255, 1, 1, 0, 0, 0, 3, 1, 2, 3]],
  ];
  for (const [name, payload] of invalid) {
    it(`depacketize() drops and counts ${name}`, () => {
      const d = new MjpegDepacketizer();
      assert.deepEqual(d.depacketize(rtpPacketAt(2, 0, true, new Uint8Array(payload))), []);
      assert.equal(d.invalidPackets, 1);
      assert.equal(threeFragments(3000).flatMap((p) => d.depacketize(p)).length, 1);
      assert.equal(d.droppedFrames, 1);
    });
  }

  it("depacketize() drops a frame over maxFrameBytes", () => {
    const d = new MjpegDepacketizer({ maxFrameBytes: 250 });
    assert.deepEqual(threeFragments(0).flatMap((p) => d.depacketize(p)), []);
    assert.equal(threeFragments(3000).slice(0, 1).flatMap((p) => d.depacketize(p)).length, 0);
    assert.equal(d.droppedFrames, 1);
  });

  it("depacketize() never throws on random payloads", () => {
    let seed = 11;
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 256;
    const d = new MjpegDepacketizer({ maxFrameBytes: 5000 });
    for (let i = 0; i < 5000; i++) {
      const payload = new Uint8Array(rand() % 40);
      for (let j = 0; j < payload.length; j++) payload[j] = rand() < 200 ? rand() % 4 : rand();
      d.depacketize(rtpPacketAt(i, rand() < 128 ? 0 : i * 100, rand() < 64, payload));
    }
  });

  it("reset() forgets the timestamp state", () => {
    const d = new MjpegDepacketizer();
    assert.equal(threeFragments(3000).flatMap((p) => d.depacketize(p)).length, 1);
    d.reset();
    assert.equal(threeFragments(3000).flatMap((p) => d.depacketize(p)).length, 1);
  });

  const captures: [string, number, number, number][] = [
    ["ffmpeg_rtp_jpeg_420.bin", 3, 1, 64],
    ["gst_rtpjpegpay_420.bin", 3, 1, 128],
    ["gst_rtpjpegpay_422.bin", 2, 0, 128],
    ["gst_rtpjpegpay_420_dri.bin", 1, 65, 128],
  ];
  for (const [name, count, type, tableBytes] of captures) {
    it(`depacketize() rebuilds each frame of ${name} (type ${type}, tables ${tableBytes})`, () => {
      const pkts = loadRtp(name);
      assert.equal(pkts[0]!.payload[4], type);
      const d = new MjpegDepacketizer();
      const frames = pkts.flatMap((p) => d.depacketize(p));
      assert.equal(frames.length, count);
      assert.equal(d.droppedFrames, 0);
      assert.equal(d.invalidPackets, 0);
      for (const f of frames) {
        assert.equal(f.width, 320);
        assert.equal(f.height, 240);
        assert.deepEqual([...f.frame.subarray(-2)], [0xff, 0xd9]);
      }
    });
  }

  it("depacketize() rebuilds from ffmpeg's RTP the scan data of the JPEG ffmpeg writes", () => {
    // The first frame of testsrc is the same at any rate, so ffmpeg codes it the same way.
    const d = new MjpegDepacketizer();
    const [first] = loadRtp("ffmpeg_rtp_jpeg_420.bin").flatMap((p) => d.depacketize(p));
    assert.deepEqual(scanData(first!.frame), scanData(testdata("ffmpeg_testsrc_420_1.jpg")));
  });

  it("depacketize() drops the frame of a capture that lost a packet and keeps the others", () => {
    const pkts = loadRtp("gst_rtpjpegpay_420.bin");
    pkts.splice(2, 1);
    const d = new MjpegDepacketizer();
    assert.equal(pkts.flatMap((p) => d.depacketize(p)).length, 2);
    assert.equal(d.droppedFrames, 1);
  });

  it("depacketize() rebuilds images ffmpeg decodes at 320x240 (captures)", {
    skip: skipWithoutFfmpeg,
  }, () => {
    const reference = decodeJpeg(testdata("ffmpeg_testsrc_420_1.jpg"));
    assert.equal(reference.errors, "");
    for (const [name, count] of captures) {
      const d = new MjpegDepacketizer();
      const frames = loadRtp(name).flatMap((p) => d.depacketize(p));
      assert.equal(frames.length, count);
      for (const f of frames) {
        const { yuv, errors } = decodeJpeg(f.frame);
        assert.equal(errors, "", name);
        assert.equal(yuv.byteLength, 320 * 240 * 3 / 2, name);
      }
      if (name === "ffmpeg_rtp_jpeg_420.bin") {
        assert.deepEqual(decodeJpeg(frames[0]!.frame).yuv, reference.yuv);
      }
    }
  });

  itReorders({
    create: () => new MjpegDepacketizer(),
    counts: (d) => ({ dropped: d.droppedFrames, invalid: d.invalidPackets }),
    // Type 1, Q 50, 16x16 pixels; 4 bytes of scan data a packet, at their fragment offset.
    payload: (i, _count, tag) => [0, 0, (4 * i) >> 8, (4 * i) & 0xff, 1, 50, 2, 2, tag, i, 2, 3],
    reset: (d) => d.reset(),
    keepsFrameAfterLoss: true,
  });
});
