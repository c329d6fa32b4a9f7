import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Ac3Depacketizer } from "../../../src/formats/ac3/ac3_depacketizer.ts";
import { rtpPacketAt } from "../_rtp.ts";
import { itReorders } from "../_reordering.ts";
import { FRAMES_48K, smallFrame } from "./_frames.ts";

const frame = FRAMES_48K[0]!;

describe("Ac3Depacketizer", () => {
  const invalid: [string, number[]][] = [
    ["an empty payload", []],
    ["a payload header alone", [0, 1]],
    ["NF 0", [0, 0, ...frame]],
    ["NF 2 for one frame", [0, 2, ...frame]],
    ["a frame cut short", [0, 1, ...frame.subarray(0, 383)]],
    ["bytes after the last frame", [0, 1, ...frame, 0]],
    ["no sync word", [0, 1, 0, 0, ...frame.subarray(2)]],
  ];
  for (const [name, payload] of invalid) {
    it(`depacketize() counts as invalid and drops ${name}`, () => {
      const d = new Ac3Depacketizer();
      assert.deepEqual(d.depacketize(rtpPacketAt(0, 0, true, payload)), []);
      assert.equal(d.invalidPackets, 1);
    });
  }

  it("depacketize() ignores the MBZ bits of the payload header", () => {
    const out = new Ac3Depacketizer().depacketize(rtpPacketAt(0, 7, true, [0xfc, 1, ...frame]));
    assert.deepEqual(out, [{ timestamp: 7, frame }]);
  });

  it("depacketize() ignores a continuation fragment with no start", () => {
    const d = new Ac3Depacketizer();
    assert.deepEqual(d.depacketize(rtpPacketAt(0, 0, true, [3, 2, ...frame.subarray(240)])), []);
    assert.equal(d.droppedFrames + d.invalidPackets, 0);
  });

  it("depacketize() drops fragments that do not add up to the frame of their header", () => {
    const d = new Ac3Depacketizer();
    d.depacketize(rtpPacketAt(0, 0, false, [1, 2, ...frame.subarray(0, 240)]));
    assert.deepEqual(
      d.depacketize(rtpPacketAt(1, 0, true, [3, 2, ...frame.subarray(240, 380)])),
      [],
    );
    assert.equal(d.invalidPackets, 1);
  });

  it("depacketize() drops a fragmented frame cut by whole frames", () => {
    const d = new Ac3Depacketizer();
    d.depacketize(rtpPacketAt(0, 0, false, [1, 2, ...frame.subarray(0, 240)]));
    assert.deepEqual(d.depacketize(rtpPacketAt(1, 1536, true, [0, 1, ...frame])), [
      { timestamp: 1536, frame },
    ]);
    assert.deepEqual(d.depacketize(rtpPacketAt(2, 0, true, [3, 2, ...frame.subarray(240)])), []);
    assert.equal(d.droppedFrames, 1);
  });

  it("depacketize() drops a fragmented frame over the largest AC-3 frame", () => {
    const d = new Ac3Depacketizer();
    const start = [0x0b, 0x77, 0, 0, 0x25, ...new Uint8Array(2555)]; // 640 kbit/s, 2560 bytes
    d.depacketize(rtpPacketAt(0, 0, false, [1, 2, ...start]));
    assert.deepEqual(d.depacketize(rtpPacketAt(1, 0, true, [3, 2, ...new Uint8Array(1300)])), []);
    assert.equal(d.droppedFrames, 1);
  });

  itReorders({
    create: () => new Ac3Depacketizer(),
    counts: (d) => ({ dropped: d.droppedFrames, invalid: d.invalidPackets }),
    // A 384-byte frame: whole (FT 0) in one packet, else FT 1/2 then FT 3 fragments.
    payload: (i, count, tag) => {
      const f = smallFrame(tag, true);
      if (count === 1) return [0, 1, ...f];
      const at = (k: number) => Math.floor((k * f.byteLength) / count);
      const ft = i === 0 ? (at(1) >= 240 ? 1 : 2) : 3;
      return [ft, count, ...f.subarray(at(i), at(i + 1))];
    },
    reset: (d) => d.reset(),
    keepsFrameAfterLoss: true,
  });
});
