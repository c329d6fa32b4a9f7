import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Mpeg4AudioPacketizer } from "../../../src/formats/mpeg4_audio/mpeg4_audio_packetizer.ts";
import { Mpeg4AudioDepacketizer } from "../../../src/formats/mpeg4_audio/mpeg4_audio_depacketizer.ts";
import { MPEG4_AUDIO_CASES } from "./_cases.ts";

describe("Mpeg4AudioPacketizer", () => {
  for (const c of MPEG4_AUDIO_CASES) {
    it(`packetize() encodes: ${c.name}`, () => {
      const p = new Mpeg4AudioPacketizer({
        payloadType: 97,
        ssrc: 3,
        initialSequenceNumber: 9,
        maxPacketSize: c.maxPacketSize,
      });
      const packets = p.packetize(c.accessUnits, 1000);
      assert.deepEqual(
        packets.map((x) => ({ timestamp: x.timestamp, marker: x.marker, payload: x.payload })),
        c.packets,
      );
      assert.deepEqual(packets.map((x) => x.sequenceNumber), c.packets.map((_, i) => 9 + i));
    });
  }

  it("packetize() throws RangeError for an AU larger than sizeLength allows", () => {
    assert.throws(
      () => new Mpeg4AudioPacketizer({ payloadType: 97 }).packetize([new Uint8Array(8192)], 0),
      RangeError,
    );
  });

  it("packetize() supports AAC-lbr headers (sizeLength 6, indexLength 2)", () => {
    const p = new Mpeg4AudioPacketizer({ payloadType: 97, sizeLength: 6, indexLength: 2 });
    const [pkt] = p.packetize([new Uint8Array([9, 9])], 0);
    assert.deepEqual([...pkt!.payload], [0x00, 0x08, 0x08, 9, 9]);
    const d = new Mpeg4AudioDepacketizer({ sizeLength: 6, indexLength: 2, indexDeltaLength: 2 });
    assert.deepEqual(d.depacketize(pkt!), [{ timestamp: 0, data: new Uint8Array([9, 9]) }]);
  });

  it("packetize() then depacketize() round-trips random access units", () => {
    let seed = 5;
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (const maxPacketSize of [40, 1472]) {
      const p = new Mpeg4AudioPacketizer({ payloadType: 97, maxPacketSize });
      const d = new Mpeg4AudioDepacketizer();
      let ts = 0xfffff000;
      for (let round = 0; round < 30; round++) {
        const aus = Array.from(
          { length: 1 + Math.floor(rand() * 4) },
          () =>
            Uint8Array.from(
              { length: 1 + Math.floor(rand() * (rand() < 0.2 ? 3000 : 100)) },
              () => Math.floor(rand() * 256),
            ),
        );
        const units = p.packetize(aus, ts).flatMap((x) => d.depacketize(x));
        assert.deepEqual(units, aus.map((data, i) => ({ timestamp: (ts + i * 1024) >>> 0, data })));
        ts = (ts + aus.length * 1024) >>> 0;
      }
      assert.equal(d.droppedAccessUnits, 0);
    }
  });
});
