import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ParseError } from "../../../src/errors.ts";
import { MjpegPacketizer } from "../../../src/formats/mjpeg/mjpeg_packetizer.ts";
import { MjpegDepacketizer } from "../../../src/formats/mjpeg/mjpeg_depacketizer.ts";
import { assertPacketized } from "../_rtp.ts";
import { bytes, MJPEG_CASES } from "./_cases.ts";
import { scanData, testdata } from "./_captures.ts";
import { decodeJpeg, depacketizeWithGst, skipWithoutFfmpeg, skipWithoutGst } from "./_tools.ts";

const FIXTURES = [
  "ffmpeg_testsrc_420_1.jpg",
  "ffmpeg_testsrc_420_2.jpg",
  "ffmpeg_testsrc_420_3.jpg",
  "ffmpeg_testsrc_420_dri.jpg",
];

function assertParseError(fn: () => unknown, code: string): void {
  assert.throws(fn, (e: unknown) => e instanceof ParseError && e.code === code);
}

describe("MjpegPacketizer", () => {
  for (const c of MJPEG_CASES) {
    it(`packetize() encodes: ${c.name}`, () => {
      const packets = new MjpegPacketizer({
        initialSequenceNumber: 1,
        maxPacketSize: c.maxPacketSize,
      }).packetize(c.jpeg, 90);
      assertPacketized(packets, c.payloads);
      assert.ok(packets.every((x) => x.payloadType === 26 && x.timestamp === 90));
    });
  }

  it("packetize() skips APPn, COM and fill bytes and accepts a JPEG without DHT", () => {
    const c = MJPEG_CASES[0]!;
    const dht = c.jpeg.indexOf(0xc4, 2) - 1;
    const sof = c.jpeg.indexOf(0xc0, 2) - 1;
    const withExtras = bytes(
      [0xff, 0xd8],
      [0xff, 0xe0, 0, 6, 0x4a, 0x46, 0x49, 0x46], // APP0 "JFIF"
      [0xff, 0xfe, 0, 3, 0x21], // COM
      0xff, // fill byte
      c.jpeg.subarray(2, sof),
      c.jpeg.subarray(sof, dht),
      c.jpeg.subarray(dht + 2 + 418),
    );
    const packets = new MjpegPacketizer({ initialSequenceNumber: 1 }).packetize(withExtras, 90);
    assert.deepEqual(packets.map((x) => x.payload), c.payloads);
  });

  it("packetize() respects maxPacketSize and starts each packet at its fragment offset", () => {
    const jpeg = testdata("ffmpeg_testsrc_420_1.jpg");
    const data = scanData(jpeg);
    for (const maxPacketSize of [300, 1000, 1472]) {
      const packets = new MjpegPacketizer({ maxPacketSize }).packetize(jpeg, 0);
      assert.ok(packets.every((p) => 12 + p.payload.byteLength <= maxPacketSize));
      let offset = 0;
      for (const [i, p] of packets.entries()) {
        const o = (p.payload[1]! << 16) | (p.payload[2]! << 8) | p.payload[3]!;
        assert.equal(o, offset);
        const header = i === 0 ? 8 + 4 + 128 : 8;
        assert.deepEqual(
          p.payload.subarray(header),
          data.subarray(o, o + p.payload.byteLength - header),
        );
        offset += p.payload.byteLength - header;
      }
      assert.equal(offset, data.byteLength);
    }
  });

  it("packetize() sends ffmpeg's single shared table as luminance and chrominance tables", () => {
    const jpeg = testdata("ffmpeg_testsrc_420_1.jpg");
    const [first] = new MjpegPacketizer().packetize(jpeg, 0);
    const tables = first!.payload.subarray(12, 12 + 128);
    assert.deepEqual([...first!.payload.subarray(4, 12)], [1, 255, 40, 30, 0, 0, 0, 128]);
    assert.deepEqual(tables.subarray(0, 64), tables.subarray(64));
  });

  it("packetize() sends a JPEG with DRI as type 65 with its restart interval", () => {
    const [first] = new MjpegPacketizer().packetize(testdata("ffmpeg_testsrc_420_dri.jpg"), 0);
    assert.deepEqual([...first!.payload.subarray(4, 12)], [65, 255, 40, 30, 0, 20, 0xff, 0xff]);
  });

  it("packetize() rejects ffmpeg's default JPEGs: 4:4:4 or optimized Huffman tables", () => {
    assertParseError(
      () => new MjpegPacketizer().packetize(testdata("ffmpeg_testsrc_444_optimal.jpg"), 0),
      "UNSUPPORTED_JPEG",
    );
    assertParseError(
      () => new MjpegPacketizer().packetize(testdata("ffmpeg_testsrc_420_optimal.jpg"), 0),
      "UNSUPPORTED_JPEG",
    );
  });

  const c0 = MJPEG_CASES[0]!.jpeg;
  const sos = c0.lastIndexOf(0xda) - 1;
  const sofAt = c0.indexOf(0xc0, 2) - 1;
  const edit = (at: number, value: number) => {
    const out = c0.slice();
    out[at] = value;
    return out;
  };
  const rejected: [string, Uint8Array, string][] = [
    ["an empty input", new Uint8Array(0), "INVALID_JPEG"],
    ["a missing SOI", c0.subarray(2), "INVALID_JPEG"],
    ["a JPEG truncated before SOS", c0.subarray(0, sos), "INVALID_JPEG"],
    ["a JPEG truncated inside a segment", c0.subarray(0, sofAt + 10), "INVALID_JPEG"],
    ["a segment length below 2", edit(5, 1), "INVALID_JPEG"],
    ["garbage between segments", edit(2, 0x00), "INVALID_JPEG"],
    ["a progressive JPEG (SOF2)", edit(sofAt + 1, 0xc2), "UNSUPPORTED_JPEG"],
    ["12-bit samples", edit(sofAt + 4, 12), "UNSUPPORTED_JPEG"],
    ["a luminance sampling of 1x1", edit(sofAt + 11, 0x11), "UNSUPPORTED_JPEG"],
    ["chrominance with two tables", edit(sofAt + 18, 0), "UNSUPPORTED_JPEG"],
    ["a non-standard Huffman table", edit(c0.indexOf(0xc4, 2) + 4, 1), "UNSUPPORTED_JPEG"],
    ["a scan of one component", edit(sos + 4, 1), "UNSUPPORTED_JPEG"],
  ];
  for (const [name, jpeg, code] of rejected) {
    it(`packetize() throws ParseError ${code} for ${name}`, () => {
      assertParseError(() => new MjpegPacketizer().packetize(jpeg, 0), code);
    });
  }

  it("packetize() throws ParseError for a JPEG wider than 2040 pixels", () => {
    const wide = c0.slice();
    wide[sofAt + 7] = 0x08; // width 0x0840 = 2112
    wide[sofAt + 8] = 0x40;
    assertParseError(() => new MjpegPacketizer().packetize(wide, 0), "UNSUPPORTED_JPEG");
  });

  it("constructor throws RangeError for a packet size below the largest headers", () => {
    assert.throws(() => new MjpegPacketizer({ maxPacketSize: 100 }), RangeError);
  });

  it("packetize() then depacketize() round-trips the case table and ffmpeg's JPEGs", () => {
    const p = new MjpegPacketizer({ maxPacketSize: 600 });
    const d = new MjpegDepacketizer();
    for (const [i, c] of MJPEG_CASES.entries()) {
      assert.deepEqual(p.packetize(c.jpeg, i).flatMap((x) => d.depacketize(x)), [
        { timestamp: i, frame: c.jpeg, width: c.width, height: c.height },
      ]);
    }
    for (const [i, name] of FIXTURES.entries()) {
      const jpeg = testdata(name);
      const [frame] = p.packetize(jpeg, 3000 * (i + 1)).flatMap((x) => d.depacketize(x));
      assert.deepEqual(scanData(frame!.frame), scanData(jpeg));
      // The rebuilt image is a fixed point of packetize/depacketize.
      const [again] = p.packetize(frame!.frame, 3000 * (i + 1) + 1).flatMap((x) =>
        d.depacketize(x)
      );
      assert.deepEqual(again!.frame, frame!.frame);
    }
    assert.equal(d.droppedFrames, 0);
  });

  it("packetize() then depacketize() gives images ffmpeg decodes to the same pixels", {
    skip: skipWithoutFfmpeg,
  }, () => {
    const p = new MjpegPacketizer();
    const d = new MjpegDepacketizer();
    for (const [i, name] of FIXTURES.entries()) {
      const jpeg = testdata(name);
      const [frame] = p.packetize(jpeg, i).flatMap((x) => d.depacketize(x));
      const original = decodeJpeg(jpeg);
      const rebuilt = decodeJpeg(frame!.frame);
      assert.equal(original.errors, "");
      assert.equal(rebuilt.errors, "", name);
      assert.equal(rebuilt.yuv.byteLength, 320 * 240 * 3 / 2);
      assert.deepEqual(rebuilt.yuv, original.yuv, name);
    }
  });

  it("packetize() makes packets GStreamer's rtpjpegdepay turns into the same pixels", {
    skip: skipWithoutGst,
  }, () => {
    const p = new MjpegPacketizer({ maxPacketSize: 1200 });
    const packets = FIXTURES.flatMap((name, i) => p.packetize(testdata(name), i * 3000));
    const images = depacketizeWithGst(packets);
    assert.equal(images.length, FIXTURES.length);
    for (const [i, name] of FIXTURES.entries()) {
      const theirs = decodeJpeg(images[i]!);
      assert.equal(theirs.errors, "", name);
      assert.deepEqual(theirs.yuv, decodeJpeg(testdata(name)).yuv, name);
    }
  });
});
