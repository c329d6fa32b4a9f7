import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { rtpPacket } from "../_rtp.ts";
import { Vp8Depacketizer } from "../../../src/formats/vp8/vp8_depacketizer.ts";
import { VP8_CASES } from "./_cases.ts";
import { itReorders } from "../_reordering.ts";

describe("Vp8Depacketizer", () => {
  for (const c of VP8_CASES) {
    it(`depacketize() decodes: ${c.name}`, () => {
      const d = new Vp8Depacketizer();
      const out = c.payloads.flatMap((p, i) =>
        d.depacketize(rtpPacket(i, i === c.payloads.length - 1, p))
      );
      assert.deepEqual(out, [{ timestamp: 90, frame: c.frame }]);
    });
  }

  const descriptors: [string, number[]][] = [
    ["RFC 7741 §4.2 a 7-bit PictureID", [0x90, 0x80, 0x05]],
    ["RFC 7741 §4.2 a 15-bit PictureID", [0x90, 0x80, 0x81, 0x23]],
    ["RFC 7741 §4.2 PictureID, TL0PICIDX, TID/KEYIDX", [0x90, 0xf0, 0x81, 0x23, 0x07, 0x40]],
  ];
  for (const [name, header] of descriptors) {
    it(`depacketize() skips the payload descriptor with ${name}`, () => {
      const out = new Vp8Depacketizer().depacketize(
        rtpPacket(0, true, new Uint8Array([...header, 0xaa, 0xbb])),
      );
      assert.deepEqual(out, [{ timestamp: 90, frame: new Uint8Array([0xaa, 0xbb]) }]);
    });
  }

  it("depacketize() drops a frame that lost a packet", () => {
    const c = VP8_CASES[1]!;
    const d = new Vp8Depacketizer();
    d.depacketize(rtpPacket(0, false, c.payloads[0]!));
    // 1 missing: 2 waits for it until a packet of another timestamp comes.
    assert.deepEqual(d.depacketize(rtpPacket(2, true, c.payloads[2]!)), []);
    assert.equal(d.droppedFrames, 0);
    assert.equal(d.depacketize(rtpPacket(3, true, c.payloads[0]!, 180)).length, 1);
    assert.equal(d.droppedFrames, 1);
  });

  for (const bad of [[], [0x90], [0x90, 0x80], [0x10]]) {
    it(`depacketize() drops and counts the invalid payload [${bad}]`, () => {
      const d = new Vp8Depacketizer();
      assert.deepEqual(d.depacketize(rtpPacket(0, true, new Uint8Array(bad))), []);
      assert.equal(d.invalidPackets, 1);
    });
  }

  itReorders({
    create: () => new Vp8Depacketizer(),
    counts: (d) => ({ dropped: d.droppedFrames, invalid: d.invalidPackets }),
    // S=1 and PID 0 on the first packet of the frame only (RFC 7741 §4.2).
    payload: (i, _count, tag) => [i === 0 ? 0x10 : 0, tag],
    reset: (d) => d.reset(),
    keepsFrameAfterLoss: true,
  });
});
