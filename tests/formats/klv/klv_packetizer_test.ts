import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { KlvPacketizer } from "../../../src/formats/klv/klv_packetizer.ts";

describe("KlvPacketizer", () => {
  it("packetize() cuts a unit where packets are full, one timestamp, marker on the last", () => {
    const unit = Uint8Array.from({ length: 250 }, (_, i) => i);
    const p = new KlvPacketizer({ maxPacketSize: 12 + 100, ssrc: 3, initialSequenceNumber: 65535 });
    const packets = p.packetize(unit, 4294967295);
    assert.deepEqual(
      packets.map((x) => [x.sequenceNumber, x.timestamp, x.marker, x.payload.byteLength, x.ssrc]),
      [[65535, 4294967295, false, 100, 3], [0, 4294967295, false, 100, 3], [
        1,
        4294967295,
        true,
        50,
        3,
      ]],
    );
    assert.deepEqual(new Uint8Array(packets.flatMap((x) => [...x.payload])), unit);
    assert.equal(p.sequenceNumber, 2);
  });

  it("packetize() sends a unit that fits in one packet with the marker, payload type 96", () => {
    const [pkt, ...rest] = new KlvPacketizer().packetize(Uint8Array.of(6, 14, 43, 52), 0);
    assert.deepEqual(rest, []);
    assert.deepEqual([pkt!.marker, pkt!.payloadType, [...pkt!.payload]], [true, 96, [
      6,
      14,
      43,
      52,
    ]]);
  });

  it("packetize() refuses an empty unit and the constructor a packet without payload room", () => {
    assert.throws(() => new KlvPacketizer().packetize(new Uint8Array(0), 0), RangeError);
    assert.throws(() => new KlvPacketizer({ maxPacketSize: 12 }), RangeError);
  });
});
