import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { MpegVideoDepacketizer } from "../../../src/formats/mpeg_video/mpeg_video_depacketizer.ts";
import { MpegVideoPacketizer } from "../../../src/formats/mpeg_video/mpeg_video_packetizer.ts";
import { splitMpegVideoPictures } from "../../../src/formats/mpeg_video/mpeg_video_picture.ts";
import { rtpPacketAt } from "../_rtp.ts";
import { itReorders } from "../_reordering.ts";
import { loadMpegVideo, MPEG_VIDEO_FILES } from "./_pictures.ts";

describe("MpegVideoDepacketizer", () => {
  for (const file of MPEG_VIDEO_FILES) {
    // 4 bytes of data a packet: the first packet received must show a start code to start a picture.
    for (const maxPacketSize of [undefined, 300, 12 + 4 + 4]) {
      it(
        `packetize() then depacketize() gives back every picture of ${file} in packets of ${
          maxPacketSize ?? "default"
        } bytes`,
        () => {
          const pictures = splitMpegVideoPictures(loadMpegVideo(file));
          const p = new MpegVideoPacketizer({ maxPacketSize, initialSequenceNumber: 65000 });
          const d = new MpegVideoDepacketizer();
          const out = pictures.flatMap((pic, i) =>
            p.packetize(pic, (4294960000 + i * 3600) >>> 0).flatMap((x) => d.depacketize(x))
          );
          assert.deepEqual(out.map((x) => x.data), pictures);
          assert.deepEqual(
            out.map((x) => x.timestamp),
            pictures.map((_, i) => (4294960000 + i * 3600) >>> 0),
          );
          assert.deepEqual([d.droppedPictures, d.invalidPackets], [0, 0]);
        },
      );
    }
  }

  it("depacketize() strips the MPEG-2 header extension when T is set (RFC 2250 §3.4.1)", () => {
    const d = new MpegVideoDepacketizer();
    const out = d.depacketize(
      rtpPacketAt(0, 0, true, [0x04, 0, 0x19, 0, 1, 2, 3, 4, 0, 0, 1, 0, 9]),
    );
    assert.deepEqual(out.map((x) => [...x.data]), [[0, 0, 1, 0, 9]]);
  });

  it("depacketize() counts a payload no longer than its headers as invalid and drops the picture", () => {
    const d = new MpegVideoDepacketizer();
    assert.deepEqual(d.depacketize(rtpPacketAt(0, 0, false, [0, 0, 0x11, 0, 0, 0, 1, 0, 5])), []);
    assert.deepEqual(d.depacketize(rtpPacketAt(1, 0, false, [0, 0, 0, 0])), []);
    assert.deepEqual(d.depacketize(rtpPacketAt(2, 0, true, [0x04, 0, 0, 0, 1, 2, 3, 4])), []);
    assert.deepEqual([d.invalidPackets, d.droppedPictures], [2, 1]);
  });

  it("depacketize() drops a picture that outgrows maxPictureBytes", () => {
    const d = new MpegVideoDepacketizer({ maxPictureBytes: 6 });
    assert.deepEqual(d.depacketize(rtpPacketAt(0, 0, false, [0, 0, 0, 0, 0, 0, 1, 0, 5])), []);
    assert.deepEqual(d.depacketize(rtpPacketAt(1, 0, true, [0, 0, 0, 0, 6, 7])), []);
    assert.equal(d.droppedPictures, 1);
    assert.throws(() => new MpegVideoDepacketizer({ maxPictureBytes: 0 }), RangeError);
  });

  itReorders({
    create: () => new MpegVideoDepacketizer(),
    counts: (d) => ({ dropped: d.droppedPictures, invalid: d.invalidPackets }),
    // The first packet starts with a picture start code, the others with slices.
    payload: (i, _count, tag) =>
      i === 0 ? [0, 0, 0x10, 0, 0, 0, 1, 0, tag] : [0, 0, 0x18, 0, 0, 0, 1, i, tag],
    reset: (d) => d.reset(),
    flush: (d) => d.flush(),
    keepsFrameAfterLoss: true,
  });
});
