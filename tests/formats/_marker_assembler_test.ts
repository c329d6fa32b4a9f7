import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { MarkerAssembler } from "../../src/formats/_marker_assembler.ts";
import { rtpPacketAt } from "./_rtp.ts";

/** Feeds packets in order and collects the units handed on, as a depacketizer does. */
function feed(assembler: MarkerAssembler, packets: ReturnType<typeof rtpPacketAt>[]) {
  const units = [];
  for (const pkt of packets) {
    if (!assembler.accept(pkt)) continue;
    const unit = assembler.add(pkt);
    if (unit !== undefined) units.push(unit);
  }
  return units;
}

describe("MarkerAssembler", () => {
  it("joins the payloads of one timestamp up to the marker; one packet is handed on as is", () => {
    const a = new MarkerAssembler(100);
    const single = rtpPacketAt(3, 180, true, [9]);
    const units = feed(a, [
      rtpPacketAt(1, 90, false, [1, 2]),
      rtpPacketAt(2, 90, true, [3]),
      single,
    ]);
    assert.deepEqual(units, [
      { timestamp: 90, data: new Uint8Array([1, 2, 3]) },
      { timestamp: 180, data: new Uint8Array([9]) },
    ]);
    assert.equal(units[1]!.data, single.payload);
    assert.equal(a.dropped, 0);
  });

  it("after a gap drops the unit in progress and skips up to the next marker", () => {
    const a = new MarkerAssembler(100);
    const units = feed(a, [
      rtpPacketAt(1, 90, false, [1]),
      rtpPacketAt(3, 90, false, [2]), // 2 lost
      rtpPacketAt(4, 90, true, [3]),
      rtpPacketAt(5, 180, true, [4]),
    ]);
    assert.deepEqual(units, [{ timestamp: 180, data: new Uint8Array([4]) }]);
    assert.equal(a.dropped, 1);
  });

  it("drops a unit whose timestamp changes before its marker and starts anew", () => {
    const a = new MarkerAssembler(100);
    const units = feed(a, [rtpPacketAt(1, 90, false, [1]), rtpPacketAt(2, 180, true, [2])]);
    assert.deepEqual(units, [{ timestamp: 180, data: new Uint8Array([2]) }]);
    assert.equal(a.dropped, 1);
  });

  it("drops a unit over the byte bound and skips its remaining packets", () => {
    const a = new MarkerAssembler(3);
    const units = feed(a, [
      rtpPacketAt(1, 90, false, [1, 2]),
      rtpPacketAt(2, 90, false, [3, 4]),
      rtpPacketAt(3, 90, true, [5]),
      rtpPacketAt(4, 180, true, [6, 7, 8]),
    ]);
    assert.deepEqual(units, [{ timestamp: 180, data: new Uint8Array([6, 7, 8]) }]);
    assert.equal(a.dropped, 1);
  });

  it("discard on a marker packet skips nothing; reset forgets without counting", () => {
    const a = new MarkerAssembler(100);
    assert.deepEqual(feed(a, [rtpPacketAt(1, 90, false, [1])]), []);
    a.discard(rtpPacketAt(2, 90, true, []));
    assert.equal(a.dropped, 1);
    assert.deepEqual(feed(a, [rtpPacketAt(2, 90, false, [1])]), []);
    a.reset();
    assert.equal(a.dropped, 1);
    assert.deepEqual(feed(a, [rtpPacketAt(40, 270, true, [5])]), [
      { timestamp: 270, data: new Uint8Array([5]) },
    ]);
  });
});
