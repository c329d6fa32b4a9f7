import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { H264Packetizer } from "../../../src/formats/h264/h264_packetizer.ts";
import { H264Depacketizer } from "../../../src/formats/h264/h264_depacketizer.ts";
import { H264_CASES } from "./_cases.ts";

describe("H264Packetizer", () => {
  for (const c of H264_CASES) {
    it(`packetize() encodes: ${c.name}`, () => {
      const packetizer = new H264Packetizer({
        payloadType: 96,
        ssrc: 0x9dbb7812,
        initialSequenceNumber: 0x44ed,
        maxPacketSize: c.maxPacketSize,
      });
      const packets = packetizer.packetize(c.nalUnits, 0x88776655);
      assert.deepEqual(packets.map((p) => p.payload), c.payloads);
      packets.forEach((p, i) => {
        assert.equal(p.marker, i === packets.length - 1);
        assert.equal(p.payloadType, 96);
        assert.equal(p.ssrc, 0x9dbb7812);
        assert.equal(p.timestamp, 0x88776655);
        assert.equal(p.sequenceNumber, (0x44ed + i) & 0xffff);
        assert.deepEqual(p.csrc, []);
        assert.equal(p.paddingSize, 0);
        assert.ok(p.payload.byteLength <= (c.maxPacketSize ?? 1472) - 12);
      });
    });
  }

  it("packetize() returns a view of the caller's bytes for a single NAL unit packet", () => {
    const nalu = new Uint8Array([0x41, 1, 2, 3]);
    const [pkt] = new H264Packetizer({ payloadType: 96 }).packetize([nalu], 0);
    assert.equal(pkt!.payload.buffer, nalu.buffer);
    assert.equal(pkt!.payload.byteOffset, nalu.byteOffset);
  });

  it("packetize() wraps the sequence number at 65535", () => {
    const packetizer = new H264Packetizer({ payloadType: 96, initialSequenceNumber: 65535 });
    const packets = packetizer.packetize([new Uint8Array(3000).fill(0x65, 0, 1)], 0);
    assert.deepEqual(packets.map((p) => p.sequenceNumber), [65535, 0, 1]);
    assert.equal(packetizer.sequenceNumber, 2);
  });

  it("packetize() picks a random SSRC and initial sequence number when not given", () => {
    const seen = new Set<number>();
    for (let i = 0; i < 8; i++) {
      const p = new H264Packetizer({ payloadType: 96 });
      assert.ok(p.ssrc >= 0 && p.ssrc <= 0xffffffff);
      assert.ok(p.sequenceNumber >= 0 && p.sequenceNumber <= 0xffff);
      seen.add(p.ssrc);
    }
    assert.ok(seen.size > 1);
  });

  it("packetize() returns no packets for an empty access unit", () => {
    const packetizer = new H264Packetizer({ payloadType: 96, initialSequenceNumber: 5 });
    assert.deepEqual(packetizer.packetize([], 0), []);
    assert.equal(packetizer.sequenceNumber, 5);
  });

  it("packetize() throws RangeError for an empty NAL unit", () => {
    assert.throws(
      () => new H264Packetizer({ payloadType: 96 }).packetize([new Uint8Array(0)], 0),
      RangeError,
    );
  });

  it("constructor throws RangeError when maxPacketSize leaves no room for FU-A data", () => {
    assert.throws(() => new H264Packetizer({ payloadType: 96, maxPacketSize: 14 }), RangeError);
  });

  it("packetize() then depacketize() round-trips random access units", () => {
    let seed = 1;
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (const maxPacketSize of [40, 200, 1472]) {
      const packetizer = new H264Packetizer({ payloadType: 96, maxPacketSize });
      const depacketizer = new H264Depacketizer();
      for (let au = 0; au < 50; au++) {
        const nalUnits: Uint8Array[] = [];
        const count = 1 + Math.floor(rand() * 6);
        for (let n = 0; n < count; n++) {
          const size = 1 + Math.floor(rand() * (rand() < 0.3 ? 5000 : 60));
          const nalu = new Uint8Array(size);
          for (let i = 0; i < size; i++) nalu[i] = Math.floor(rand() * 256);
          nalu[0] = (nalu[0]! & 0x60) | (1 + Math.floor(rand() * 23));
          nalUnits.push(nalu);
        }
        const timestamp = (au * 3000 + 0xfffff000) >>> 0;
        const packets = packetizer.packetize(nalUnits, timestamp);
        for (const p of packets) assert.ok(p.payload.byteLength <= maxPacketSize - 12);
        const units = packets.flatMap((p) => depacketizer.depacketize(p));
        assert.deepEqual(units, [{ timestamp, nalUnits }]);
      }
      assert.equal(depacketizer.droppedAccessUnits, 0);
    }
  });
});
