import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Mp2tPacketizer } from "../../../src/formats/mp2t/mp2t_packetizer.ts";
import { MP2T_CASES, tsPackets } from "./_cases.ts";

describe("Mp2tPacketizer", () => {
  for (const c of MP2T_CASES) {
    it(`packetize() encodes: ${c.name}`, () => {
      const p = new Mp2tPacketizer({
        ssrc: 3,
        initialSequenceNumber: 65534,
        maxPacketSize: c.maxPacketSize,
      });
      const packets = p.packetize(c.ts, 4294967295);
      assert.deepEqual(
        packets.map((x) => x.payload),
        c.payloads.map(([first, n]) => c.ts.subarray(first * 188, (first + n) * 188)),
      );
      assert.deepEqual(
        packets.map((x) => [x.payloadType, x.ssrc, x.sequenceNumber, x.timestamp, x.marker]),
        packets.map((_, i) => [33, 3, (65534 + i) & 0xffff, 4294967295, false]),
      );
    });
  }

  it("packetize() gives no packet for no bytes", () => {
    assert.deepEqual(new Mp2tPacketizer().packetize(new Uint8Array(0), 0), []);
  });

  it("packetize() throws RangeError for bytes that are not whole TS packets", () => {
    const p = new Mp2tPacketizer();
    assert.throws(() => p.packetize(tsPackets(2).subarray(0, 375), 0), RangeError);
    assert.throws(() => p.packetize(new Uint8Array(189), 0), RangeError);
  });

  it("packetize() throws TypeError for a TS packet without the 0x47 sync byte", () => {
    const ts = tsPackets(3);
    ts[2 * 188] = 0x48;
    assert.throws(() => new Mp2tPacketizer().packetize(ts, 0), TypeError);
  });

  it("takes payloadType from the options, and refuses a maxPacketSize below one TS packet", () => {
    const [pkt] = new Mp2tPacketizer({ payloadType: 96 }).packetize(tsPackets(1), 0);
    assert.equal(pkt!.payloadType, 96);
    assert.throws(() => new Mp2tPacketizer({ maxPacketSize: 12 + 187 }), RangeError);
  });
});
