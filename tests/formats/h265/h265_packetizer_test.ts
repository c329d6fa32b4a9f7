import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { H265Packetizer } from "../../../src/formats/h265/h265_packetizer.ts";
import { H265Depacketizer } from "../../../src/formats/h265/h265_depacketizer.ts";
import { H265_CASES } from "./_cases.ts";

describe("H265Packetizer", () => {
  for (const c of H265_CASES) {
    it(`packetize() encodes: ${c.name}`, () => {
      const p = new H265Packetizer({
        payloadType: 96,
        ssrc: 5,
        initialSequenceNumber: 65535,
        maxPacketSize: c.maxPacketSize,
      });
      const packets = p.packetize(c.nalUnits, 4000);
      assert.deepEqual(packets.map((x) => x.payload), c.payloads);
      assert.deepEqual(
        packets.map((x) => x.marker),
        c.payloads.map((_, i) => i === c.payloads.length - 1),
      );
      assert.deepEqual(
        packets.map((x) => x.sequenceNumber),
        c.payloads.map((_, i) => (65535 + i) & 0xffff),
      );
      for (const x of packets) {
        assert.deepEqual([x.ssrc, x.timestamp, x.payloadType], [5, 4000, 96]);
      }
    });
  }

  it("packetize() throws RangeError for a NAL unit without payload", () => {
    assert.throws(
      () => new H265Packetizer({ payloadType: 96 }).packetize([new Uint8Array([0x02, 0x01])], 0),
      RangeError,
    );
  });

  it("packetize() then depacketize() round-trips random access units", () => {
    let seed = 11;
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (const maxPacketSize of [30, 1472]) {
      const p = new H265Packetizer({ payloadType: 96, maxPacketSize });
      const d = new H265Depacketizer();
      for (let au = 0; au < 40; au++) {
        const nalUnits = Array.from({ length: 1 + Math.floor(rand() * 5) }, () => {
          const n = new Uint8Array(3 + Math.floor(rand() * (rand() < 0.3 ? 4000 : 50)));
          for (let i = 0; i < n.length; i++) n[i] = Math.floor(rand() * 256);
          n[0] = (Math.floor(rand() * 41) << 1) | (n[0]! & 1);
          return n;
        });
        const units = p.packetize(nalUnits, au * 3000).flatMap((x) => d.depacketize(x));
        assert.deepEqual(units, [{ timestamp: au * 3000, nalUnits }]);
      }
      assert.equal(d.droppedAccessUnits, 0);
    }
  });
});
