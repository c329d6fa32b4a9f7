import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { rtpPacket } from "../_rtp.ts";
import { Vp9Depacketizer } from "../../../src/formats/vp9/vp9_depacketizer.ts";
import { VP9_FRAME_CASES } from "./_cases.ts";
import { loadIvf, loadRtp } from "./_captures.ts";
import { itReorders } from "../_reordering.ts";

const IVF = loadIvf("ffmpeg_vp9.ivf");

describe("Vp9Depacketizer", () => {
  for (const c of VP9_FRAME_CASES) {
    it(`depacketize() decodes: ${c.name}`, () => {
      const d = new Vp9Depacketizer();
      const out = c.payloads.flatMap((p, i) =>
        d.depacketize(rtpPacket(i, i === c.payloads.length - 1, p))
      );
      assert.deepEqual(out, [{ timestamp: 90, frame: c.frame }]);
    });
  }

  for (const capture of ["ffmpeg_vp9_rtp.bin", "gst_vp9_rtp.bin"]) {
    it(`depacketize() rebuilds the IVF frames from ${capture}`, () => {
      const packets = loadRtp(capture);
      const d = new Vp9Depacketizer();
      const out = packets.flatMap((p) => d.depacketize(p));
      assert.equal(out.length, IVF.length);
      assert.deepEqual(out.map((x) => x.frame), IVF);
      const first = packets[0]!.timestamp;
      assert.deepEqual(out.map((x) => (x.timestamp - first) >>> 0), IVF.map((_, i) => i * 3600));
      assert.equal(d.droppedFrames, 0);
      assert.equal(d.invalidPackets, 0);
    });
  }

  it("depacketize() drops the frames that lost a packet and keeps the others", () => {
    const packets = loadRtp("gst_vp9_rtp.bin");
    // The first frame (a key frame) spans several packets: lose its second packet.
    const d = new Vp9Depacketizer();
    const out = packets.filter((_, i) => i !== 1).flatMap((p) => d.depacketize(p));
    assert.equal(d.droppedFrames, 1);
    assert.deepEqual(out.map((x) => x.frame), IVF.slice(1));
  });

  it("depacketize() ignores duplicated and late packets", () => {
    const packets = loadRtp("ffmpeg_vp9_rtp.bin");
    const d = new Vp9Depacketizer();
    const out: Uint8Array[] = [];
    for (let i = 0; i < packets.length; i++) {
      out.push(...d.depacketize(packets[i]!).map((x) => x.frame));
      if (i > 0) out.push(...d.depacketize(packets[i - 1]!).map((x) => x.frame));
    }
    assert.deepEqual(out, IVF);
  });

  it("depacketize() rebuilds every frame of a capture whose packets come in swapped pairs", () => {
    const packets = loadRtp("gst_vp9_rtp.bin");
    // Packets 1 and 2 trade places, 3 and 4, ... (the first sets where the sequence is).
    const swapped = packets.map((p, i) => i === 0 ? p : packets[((i - 1) ^ 1) + 1] ?? p);
    const d = new Vp9Depacketizer();
    assert.deepEqual(swapped.flatMap((p) => d.depacketize(p)).map((x) => x.frame), IVF);
    assert.equal(d.droppedFrames, 0);
  });

  it("depacketize() drops a frame whose timestamp changes midway", () => {
    const c = VP9_FRAME_CASES[1]!;
    const d = new Vp9Depacketizer();
    d.depacketize(rtpPacket(0, false, c.payloads[0]!));
    assert.deepEqual(d.depacketize(rtpPacket(1, false, c.payloads[1]!, 91)), []);
    assert.deepEqual(d.depacketize(rtpPacket(2, true, c.payloads[2]!, 91)), []);
    assert.equal(d.droppedFrames, 1);
  });

  it("depacketize() drops a frame over maxFrameBytes", () => {
    const c = VP9_FRAME_CASES[1]!;
    const d = new Vp9Depacketizer({ maxFrameBytes: 2000 });
    const out = c.payloads.flatMap((p, i) => d.depacketize(rtpPacket(i, i === 2, p)));
    assert.deepEqual(out, []);
    assert.equal(d.droppedFrames, 1);
  });

  it("depacketize() drops a frame of more than 16384 packets", () => {
    // Regression (parsers fuzz): 1-byte packets were kept up to maxFrameBytes, each view
    // holding its whole packet.
    const d = new Vp9Depacketizer();
    d.depacketize(rtpPacket(0, false, new Uint8Array([0x08, 1])));
    for (let i = 1; i <= 16384; i++) d.depacketize(rtpPacket(i, false, new Uint8Array([0, 1])));
    assert.equal(d.droppedFrames, 1);
    assert.deepEqual(d.depacketize(rtpPacket(16385, true, new Uint8Array([0x04, 1]))), []);
  });

  it("depacketize() ends a frame at the marker bit when E is missing", () => {
    const d = new Vp9Depacketizer();
    const out = d.depacketize(rtpPacket(0, true, new Uint8Array([0x08, 0xaa])));
    assert.deepEqual(out, [{ timestamp: 90, frame: new Uint8Array([0xaa]) }]);
  });

  for (const bad of [[], [0x80], [0x8c, 0x81], [0x0c], [0x58, 0x03, 0x03, 0x03, 0x02, 0xaa]]) {
    it(`depacketize() drops and counts the invalid payload [${bad}]`, () => {
      const d = new Vp9Depacketizer();
      assert.deepEqual(d.depacketize(rtpPacket(0, true, new Uint8Array(bad))), []);
      assert.equal(d.invalidPackets, 1);
    });
  }

  it("depacketize() never throws on truncated capture packets", () => {
    const d = new Vp9Depacketizer();
    for (const p of loadRtp("gst_vp9_rtp.bin")) {
      for (const n of [0, 1, 2, 3, 5, 11]) {
        d.depacketize({ ...p, payload: p.payload.subarray(0, n) });
      }
    }
    assert.ok(d.invalidPackets > 0);
  });

  itReorders({
    create: () => new Vp9Depacketizer(),
    counts: (d) => ({ dropped: d.droppedFrames, invalid: d.invalidPackets }),
    // B on the first packet of the frame, E on the last (RFC 9628 §4.2).
    payload: (i, count, tag) => [(i === 0 ? 0x08 : 0) | (i === count - 1 ? 0x04 : 0), tag],
    reset: (d) => d.reset(),
    keepsFrameAfterLoss: true,
  });
});
