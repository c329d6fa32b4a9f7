import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Av1Packetizer } from "../../../src/formats/av1/av1_packetizer.ts";
import { Av1Depacketizer } from "../../../src/formats/av1/av1_depacketizer.ts";
import { joinAv1Bitstream } from "../../../src/formats/av1/av1_bitstream.ts";
import { assertPacketized } from "../_rtp.ts";
import { AV1_CASES } from "./_cases.ts";
import { AV1_FILE, loadTemporalUnits } from "./_captures.ts";

describe("Av1Packetizer", () => {
  for (const c of AV1_CASES) {
    it(`packetize() encodes: ${c.name}`, () => {
      const packets = new Av1Packetizer({
        payloadType: 96,
        initialSequenceNumber: 1,
        maxPacketSize: c.maxPacketSize,
      }).packetize(c.obus, 90);
      assertPacketized(packets, c.payloads);
    });
  }

  it("packetize() returns no packet for a temporal unit of only a temporal delimiter", () => {
    const p = new Av1Packetizer({ payloadType: 96 });
    assert.deepEqual(p.packetize([new Uint8Array([0x12, 0x00])], 0), []);
  });

  for (
    const [name, obus] of [
      ["no OBU", []],
      ["an empty OBU", [new Uint8Array(0)]],
      ["an OBU with the forbidden bit", [new Uint8Array([0xb0, 1])]],
      ["an obu_size past the end", [new Uint8Array([0x32, 0x05, 1])]],
    ] as [string, Uint8Array[]][]
  ) {
    it(`packetize() throws RangeError for ${name}`, () => {
      assert.throws(() => new Av1Packetizer({ payloadType: 96 }).packetize(obus, 0), RangeError);
    });
  }

  it("packetize() keeps every packet within maxPacketSize, down to the smallest", () => {
    const units = loadTemporalUnits();
    for (const maxPacketSize of [14, 15, 20, 100, 1200]) {
      const p = new Av1Packetizer({ payloadType: 96, maxPacketSize });
      for (const unit of units.slice(0, 5)) {
        for (const pkt of p.packetize(unit, 0)) {
          assert.ok(12 + pkt.payload.byteLength <= maxPacketSize);
        }
      }
    }
  });

  it("packetize() sets N on the first packet of the key frames of the libaom capture", () => {
    const p = new Av1Packetizer({ payloadType: 96, maxPacketSize: 500 });
    const n = loadTemporalUnits().map((unit) =>
      p.packetize(unit, 0).map((x) => (x.payload[0]! & 0x08) !== 0)
    );
    // -g 15: key frames with a sequence header in temporal units 0 and 15.
    assert.deepEqual(n.flatMap((flags, i) => flags[0] ? [i] : []), [0, 15]);
    assert.ok(n.every((flags) => flags.slice(1).every((x) => !x)));
  });

  it(`packetize() then depacketize() round-trips the libaom OBUs of ${AV1_FILE}`, () => {
    const units = loadTemporalUnits();
    for (const maxPacketSize of [14, 100, 1472]) {
      const p = new Av1Packetizer({ payloadType: 96, maxPacketSize });
      const d = new Av1Depacketizer();
      const out = units.flatMap((unit, i) =>
        p.packetize(unit, i * 3600).flatMap((x) => d.depacketize(x))
      );
      assert.equal(out.length, units.length);
      assert.deepEqual(out.map((x) => x.timestamp), units.map((_, i) => i * 3600));
      // Received without temporal delimiters and without obu_size: the same bitstream once
      // both are restored.
      const td = new Uint8Array([0x12, 0x00]);
      assert.deepEqual(
        out.map((x) => joinAv1Bitstream([td, ...x.obus])),
        units.map((unit) => joinAv1Bitstream(unit)),
      );
      assert.equal(d.droppedTemporalUnits, 0);
    }
  });
});
