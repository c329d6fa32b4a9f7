import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { H265Packetizer } from "../../../src/formats/h265/h265_packetizer.ts";
import { H265Depacketizer } from "../../../src/formats/h265/h265_depacketizer.ts";
import { assertPacketized } from "../_rtp.ts";
import { bytes, H265_CASES, H265_DONL_CASES } from "./_cases.ts";

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

  for (const c of H265_DONL_CASES) {
    it(`packetize() with maxDonDiff > 0 encodes: ${c.name}`, () => {
      const p = new H265Packetizer({
        payloadType: 96,
        initialSequenceNumber: 1,
        maxPacketSize: c.maxPacketSize,
        maxDonDiff: 2,
      });
      assertPacketized(p.packetize(c.nalUnits, 4000), c.payloads);
    });
  }

  it("packetize() with maxDonDiff > 0 numbers NAL units across access units, wrapping at 65536", () => {
    const p = new H265Packetizer({ payloadType: 96, maxDonDiff: 1 });
    const dons: number[] = [];
    for (let au = 0; au < 65538; au++) {
      const [x] = p.packetize([bytes(0x02, 0x01, 7)], au);
      dons.push((x!.payload[2]! << 8) | x!.payload[3]!);
    }
    assert.deepEqual(dons.slice(0, 3), [0, 1, 2]);
    assert.deepEqual(dons.slice(-3), [65535, 0, 1]);
  });

  it("packetize() does not use up DONs when it throws", () => {
    const p = new H265Packetizer({ payloadType: 96, maxDonDiff: 1 });
    assert.throws(() => p.packetize([bytes(0x02, 0x01, 7), bytes(0x02, 0x01)], 0), RangeError);
    const [x] = p.packetize([bytes(0x02, 0x01, 7)], 0);
    assert.deepEqual(x!.payload, bytes(0x02, 0x01, 0, 0, 7));
  });

  it("constructor throws RangeError for maxDonDiff outside 0-32767 or no room for DONL", () => {
    for (const maxDonDiff of [-1, 1.5, 32768]) {
      assert.throws(() => new H265Packetizer({ payloadType: 96, maxDonDiff }), RangeError);
    }
    assert.throws(
      () => new H265Packetizer({ payloadType: 96, maxDonDiff: 1, maxPacketSize: 17 }),
      RangeError,
    );
    new H265Packetizer({ payloadType: 96, maxDonDiff: 1, maxPacketSize: 18 });
  });

  it("packetize() throws RangeError for a NAL unit without payload", () => {
    assert.throws(
      () => new H265Packetizer({ payloadType: 96 }).packetize([new Uint8Array([0x02, 0x01])], 0),
      RangeError,
    );
  });

  // Without DONL an access unit comes out with its last packet; with DONL (sprop-max-don-diff 3)
  // it waits in the de-packetization buffer, and flush() gives the last ones.
  for (const [mode, seed, maxDonDiff] of [["", 11, 0], [" with DONL", 12, 3]] as const) {
    it(`packetize() then depacketize()${mode} round-trips random access units`, () => {
      let state: number = seed;
      const rand = () => (state = (state * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
      for (const maxPacketSize of [30, 1472]) {
        const p = new H265Packetizer({ payloadType: 96, maxPacketSize, maxDonDiff });
        const d = new H265Depacketizer({ maxDonDiff });
        const sent: { timestamp: number; nalUnits: Uint8Array[] }[] = [];
        const received: { timestamp: number; nalUnits: Uint8Array[] }[] = [];
        for (let au = 0; au < 40; au++) {
          const nalUnits = Array.from({ length: 1 + Math.floor(rand() * 5) }, () => {
            const n = new Uint8Array(3 + Math.floor(rand() * (rand() < 0.3 ? 4000 : 50)));
            for (let i = 0; i < n.length; i++) n[i] = Math.floor(rand() * 256);
            n[0] = (Math.floor(rand() * 41) << 1) | (n[0]! & 1);
            return n;
          });
          sent.push({ timestamp: au * 3000, nalUnits });
          received.push(...p.packetize(nalUnits, au * 3000).flatMap((x) => d.depacketize(x)));
          if (maxDonDiff === 0) assert.deepEqual(received, sent);
        }
        received.push(...d.flush());
        assert.deepEqual(received, sent);
        assert.equal(d.droppedAccessUnits + d.invalidPackets, 0);
      }
    });
  }
});
