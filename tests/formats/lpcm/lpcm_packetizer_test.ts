import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { LpcmPacketizer } from "../../../src/formats/lpcm/lpcm_packetizer.ts";
import { LpcmDepacketizer } from "../../../src/formats/lpcm/lpcm_depacketizer.ts";
import { LPCM_CASES } from "./_cases.ts";

describe("LpcmPacketizer", () => {
  for (const c of LPCM_CASES) {
    it(`packetize() encodes: ${c.name}`, () => {
      const p = new LpcmPacketizer({
        payloadType: 96,
        bitDepth: c.bitDepth,
        channelCount: c.channelCount,
        maxPacketSize: c.maxPacketSize,
      });
      const packets = p.packetize(c.samples, 100);
      assert.deepEqual(packets.map((x) => [x.timestamp, x.payload]), c.packets);
    });
  }

  it("constructor throws RangeError for a bit depth other than 8, 16, 24", () => {
    assert.throws(() => new LpcmPacketizer({ payloadType: 96, bitDepth: 12 as 16 }), RangeError);
  });

  it("packetize() throws RangeError for a partial sample frame", () => {
    assert.throws(
      () => new LpcmPacketizer({ payloadType: 96, bitDepth: 16 }).packetize(new Uint8Array(3), 0),
      RangeError,
    );
  });

  it("packetize() then depacketize() round-trips", () => {
    const samples = Uint8Array.from({ length: 6000 }, (_, i) => i & 0xff);
    const p = new LpcmPacketizer({ payloadType: 96, bitDepth: 24, channelCount: 2 });
    const d = new LpcmDepacketizer({ bitDepth: 24, channelCount: 2 });
    const out = p.packetize(samples, 0).flatMap((x) => d.depacketize(x));
    assert.deepEqual(new Uint8Array(out.flatMap((o) => [...o.samples])), samples);
    assert.deepEqual(out.map((o) => o.timestamp), [0, 243, 486, 729, 972]);
  });
});
