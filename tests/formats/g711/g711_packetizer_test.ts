import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { G711Packetizer } from "../../../src/formats/g711/g711_packetizer.ts";
import { G711Depacketizer } from "../../../src/formats/g711/g711_depacketizer.ts";
import { G711_CASES } from "./_cases.ts";

describe("G711Packetizer", () => {
  for (const c of G711_CASES) {
    it(`packetize() encodes: ${c.name}`, () => {
      const p = new G711Packetizer({
        payloadType: 0,
        ssrc: 1,
        initialSequenceNumber: 0,
        maxPacketSize: c.maxPacketSize,
        channelCount: c.channelCount,
      });
      const packets = p.packetize(c.samples, 8000);
      assert.deepEqual(
        packets.map((x) => [x.timestamp, x.payload, x.marker]),
        c.packets.map(([ts, payload]) => [ts, payload, false]),
      );
      for (const x of packets) assert.equal(x.payload.buffer, c.samples.buffer); // views, no copy
    });
  }

  it("packetize() throws RangeError for samples that are not whole frames", () => {
    assert.throws(
      () => new G711Packetizer({ payloadType: 0, channelCount: 2 }).packetize(new Uint8Array(3), 0),
      RangeError,
    );
  });

  it("packetize() then depacketize() round-trips", () => {
    const samples = Uint8Array.from({ length: 5000 }, (_, i) => i & 0xff);
    const p = new G711Packetizer({ payloadType: 8 });
    const d = new G711Depacketizer();
    const out = p.packetize(samples, 0xffffff00).flatMap((x) => d.depacketize(x));
    assert.deepEqual(out.map((o) => o.timestamp), [
      0xffffff00,
      (0xffffff00 + 1460) >>> 0,
      (0xffffff00 + 2920) >>> 0,
      (0xffffff00 + 4380) >>> 0,
    ]);
    assert.deepEqual(new Uint8Array(out.flatMap((o) => [...o.samples])), samples);
  });
});
