import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { OpusPacketizer } from "../../../src/formats/opus/opus_packetizer.ts";
import { OpusDepacketizer } from "../../../src/formats/opus/opus_depacketizer.ts";
import { OPUS_CASES } from "./_cases.ts";

describe("OpusPacketizer", () => {
  for (const c of OPUS_CASES) {
    it(`packetize() encodes: ${c.name}`, () => {
      const p = new OpusPacketizer({ payloadType: 111, ssrc: 2, initialSequenceNumber: 65535 });
      const packets = p.packetize(c.packet, c.timestamp);
      assert.equal(packets.length, 1);
      assert.equal(packets[0]!.payload, c.packet);
      assert.deepEqual([packets[0]!.timestamp, packets[0]!.sequenceNumber, packets[0]!.marker], [
        c.timestamp,
        65535,
        false,
      ]);
      assert.equal(p.sequenceNumber, 0);
    });
  }

  it("packetize() throws RangeError for an empty or too large packet", () => {
    const p = new OpusPacketizer({ payloadType: 111 });
    assert.throws(() => p.packetize(new Uint8Array(0), 0), RangeError);
    assert.throws(() => p.packetize(new Uint8Array(1461), 0), RangeError);
  });

  it("packetize() then depacketize() round-trips", () => {
    const p = new OpusPacketizer({ payloadType: 111 });
    const d = new OpusDepacketizer();
    for (const c of OPUS_CASES) {
      assert.deepEqual(p.packetize(c.packet, c.timestamp).flatMap((x) => d.depacketize(x)), [{
        timestamp: c.timestamp,
        packet: c.packet,
      }]);
    }
  });
});
