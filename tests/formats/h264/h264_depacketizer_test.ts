import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { RtpPacket } from "../../../src/rtp/mod.ts";
import { rtpPacketAt } from "../_rtp.ts";
import { H264Depacketizer } from "../../../src/formats/h264/h264_depacketizer.ts";
import { H264Packetizer } from "../../../src/formats/h264/h264_packetizer.ts";
import { H264_CASES } from "./_cases.ts";
import { itReorders } from "../_reordering.ts";

function fragmented(seq: number, ts: number): RtpPacket[] {
  const nalu = new Uint8Array(4000).fill(9);
  nalu[0] = 0x65;
  return new H264Packetizer({ payloadType: 96, initialSequenceNumber: seq }).packetize([nalu], ts);
}

describe("H264Depacketizer", () => {
  for (const c of H264_CASES) {
    it(`depacketize() decodes: ${c.name}`, () => {
      const depacketizer = new H264Depacketizer();
      const units = c.payloads.flatMap((payload, i) =>
        depacketizer.depacketize(rtpPacketAt(100 + i, 1234, i === c.payloads.length - 1, payload))
      );
      assert.deepEqual(units, [{ timestamp: 1234, nalUnits: c.nalUnits }]);
    });
  }

  it("depacketize() returns STAP-A and single NAL units as views of the payload", () => {
    const payload = new Uint8Array([0x18, 0, 2, 0x06, 1, 0, 1, 0x09]);
    const [unit] = new H264Depacketizer().depacketize(rtpPacketAt(1, 0, true, payload));
    assert.equal(unit!.nalUnits[0]!.buffer, payload.buffer);
    assert.equal(unit!.nalUnits[1]!.byteOffset, payload.byteOffset + 7);
  });

  it("depacketize() ends an access unit without marker when the timestamp changes", () => {
    const d = new H264Depacketizer();
    assert.deepEqual(d.depacketize(rtpPacketAt(1, 100, false, [0x67, 1])), []);
    assert.deepEqual(d.depacketize(rtpPacketAt(2, 200, true, [0x41, 2])), [
      { timestamp: 100, nalUnits: [new Uint8Array([0x67, 1])] },
      { timestamp: 200, nalUnits: [new Uint8Array([0x41, 2])] },
    ]);
  });

  it("depacketize() drops an access unit that lost an FU-A fragment and recovers", () => {
    const d = new H264Depacketizer();
    const pkts = fragmented(10, 0);
    assert.equal(pkts.length, 3);
    assert.deepEqual(d.depacketize(pkts[0]!), []);
    // 11 missing: 12 waits for it until a packet of another timestamp comes.
    assert.deepEqual(d.depacketize(pkts[2]!), []);
    assert.equal(d.droppedAccessUnits, 0);
    const next = d.depacketize(rtpPacketAt(13, 3000, true, [0x41, 7]));
    assert.deepEqual(next, [{ timestamp: 3000, nalUnits: [new Uint8Array([0x41, 7])] }]);
    assert.equal(d.droppedAccessUnits, 1);
    assert.deepEqual(d.depacketize(pkts[1]!), []); // too late now
  });

  it("depacketize() ignores duplicates and puts a late packet back in place across the wrap", () => {
    const d = new H264Depacketizer();
    const pkts = fragmented(65534, 0); // wraps: 65534, 65535, 0
    assert.deepEqual(d.depacketize(pkts[0]!), []);
    assert.deepEqual(d.depacketize(pkts[0]!), []); // a duplicate
    assert.deepEqual(d.depacketize(pkts[2]!), []); // waits for 65535
    const [unit] = d.depacketize(pkts[1]!);
    assert.equal(unit!.nalUnits[0]!.byteLength, 4000);
    assert.deepEqual(d.depacketize(pkts[1]!), []); // a duplicate of a packet handed on
    assert.equal(d.droppedAccessUnits, 0);
    assert.equal(d.depacketize(rtpPacketAt(1, 3000, true, [0x41])).length, 1);
  });

  it("depacketize() drops an access unit whose FU-A has no start fragment", () => {
    const d = new H264Depacketizer();
    assert.deepEqual(d.depacketize(rtpPacketAt(1, 0, true, [0x7c, 0x45, 1, 2])), []);
    assert.equal(d.droppedAccessUnits, 1);
    assert.equal(d.invalidPackets, 1);
  });

  it("depacketize() drops an access unit whose FU-A never ends before the marker", () => {
    const d = new H264Depacketizer();
    d.depacketize(rtpPacketAt(1, 0, false, [0x7c, 0x85, 1, 2]));
    assert.deepEqual(d.depacketize(rtpPacketAt(2, 0, true, [0x7c, 0x05, 3])), []);
    assert.equal(d.droppedAccessUnits, 1);
  });

  const invalid: [string, number[]][] = [
    ["an empty payload", []],
    ["NAL type 0", [0x00, 1]],
    ["NAL type 30", [0x1e, 1]],
    ["STAP-B", [0x19, 0, 0, 0, 1, 0x41]],
    ["MTAP16", [0x1a, 0, 0]],
    ["FU-B", [0x1d, 0x85, 0, 0, 1]],
    ["a STAP-A with no unit", [0x18]],
    ["a STAP-A with a truncated size", [0x18, 0]],
    ["a STAP-A unit longer than the payload", [0x18, 0, 5, 0x41]],
    ["a STAP-A unit of size 0", [0x18, 0, 0]],
    ["an FU-A of one byte", [0x7c]],
  ];
  for (const [name, payload] of invalid) {
    it(`depacketize() drops and counts ${name}`, () => {
      const d = new H264Depacketizer();
      assert.deepEqual(d.depacketize(rtpPacketAt(1, 0, true, payload)), []);
      assert.equal(d.invalidPackets, 1);
      assert.equal(d.droppedAccessUnits, 1);
      assert.equal(d.depacketize(rtpPacketAt(2, 1, true, [0x41, 1])).length, 1);
    });
  }

  it("depacketize() accepts FU-A fragments with an empty FU payload (RFC 6184 §5.8)", () => {
    const d = new H264Depacketizer();
    assert.deepEqual(d.depacketize(rtpPacketAt(1, 0, false, [0x7c, 0x85])), []);
    assert.deepEqual(d.depacketize(rtpPacketAt(2, 0, false, [0x7c, 0x05, 1, 2])), []);
    assert.deepEqual(d.depacketize(rtpPacketAt(3, 0, true, [0x7c, 0x45])), [
      { timestamp: 0, nalUnits: [new Uint8Array([0x65, 1, 2])] },
    ]);
  });

  it("depacketize() drops an access unit over maxAccessUnitBytes and frees it", () => {
    const d = new H264Depacketizer({ maxAccessUnitBytes: 1000 });
    const pkts = fragmented(0, 0);
    assert.deepEqual(pkts.flatMap((p) => d.depacketize(p)), []);
    assert.equal(d.droppedAccessUnits, 1);
  });

  it("depacketize() drops an access unit over maxNalUnitsPerAccessUnit", () => {
    const d = new H264Depacketizer({ maxNalUnitsPerAccessUnit: 2 });
    assert.deepEqual(d.depacketize(rtpPacketAt(1, 0, true, [0x18, 0, 1, 6, 0, 1, 6, 0, 1, 6])), []);
    assert.equal(d.droppedAccessUnits, 1);
  });

  it("depacketize() never throws on random payloads", () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 256;
    const d = new H264Depacketizer({ maxAccessUnitBytes: 5000 });
    for (let i = 0; i < 5000; i++) {
      const payload = new Uint8Array(rand() % 40);
      for (let j = 0; j < payload.length; j++) payload[j] = rand();
      d.depacketize(
        rtpPacketAt(rand() < 240 ? i : rand(), rand() < 128 ? 0 : i, rand() < 64, payload),
      );
    }
  });

  it("reset() forgets the sequence state", () => {
    const d = new H264Depacketizer();
    d.depacketize(rtpPacketAt(10, 0, true, [0x41]));
    d.reset();
    assert.equal(d.depacketize(rtpPacketAt(5, 1, true, [0x41])).length, 1);
    assert.equal(d.droppedAccessUnits, 0);
  });

  itReorders({
    create: () => new H264Depacketizer(),
    counts: (d) => ({ dropped: d.droppedAccessUnits, invalid: d.invalidPackets }),
    // One IDR slice: a single NAL unit packet, or FU-A fragments (RFC 6184 §5.8).
    payload: (i, count, tag) =>
      count === 1
        ? [0x65, tag]
        : [0x7c, (i === 0 ? 0x80 : 0) | (i === count - 1 ? 0x40 : 0) | 5, tag, i],
    reset: (d) => d.reset(),
    keepsFrameAfterLoss: false,
    flush: (d) => d.flush(),
  });
});
