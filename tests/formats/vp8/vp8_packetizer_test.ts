import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Vp8Packetizer } from "../../../src/formats/vp8/vp8_packetizer.ts";
import { Vp8Depacketizer } from "../../../src/formats/vp8/vp8_depacketizer.ts";
import { assertPacketized } from "../_rtp.ts";
import { VP8_CASES } from "./_cases.ts";

describe("Vp8Packetizer", () => {
  for (const c of VP8_CASES) {
    it(`packetize() encodes: ${c.name}`, () => {
      const packets = new Vp8Packetizer({
        payloadType: 96,
        initialSequenceNumber: 1,
        maxPacketSize: c.maxPacketSize,
      }).packetize(c.frame, 90);
      assertPacketized(packets, c.payloads);
    });
  }

  it("packetize() throws RangeError for an empty frame", () => {
    assert.throws(
      () => new Vp8Packetizer({ payloadType: 96 }).packetize(new Uint8Array(0), 0),
      RangeError,
    );
  });

  it("packetize() then depacketize() round-trips", () => {
    const p = new Vp8Packetizer({ payloadType: 96, maxPacketSize: 100 });
    const d = new Vp8Depacketizer();
    for (let n = 1; n < 1000; n += 97) {
      const frame = Uint8Array.from({ length: n }, (_, i) => (i * 7) & 0xff);
      assert.deepEqual(p.packetize(frame, n).flatMap((x) => d.depacketize(x)), [{
        timestamp: n,
        frame,
      }]);
    }
    assert.equal(d.droppedFrames, 0);
  });
});
