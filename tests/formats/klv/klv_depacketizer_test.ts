import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { KlvDepacketizer } from "../../../src/formats/klv/klv_depacketizer.ts";
import { KlvPacketizer } from "../../../src/formats/klv/klv_packetizer.ts";
import { rtpPacketAt } from "../_rtp.ts";
import { itReorders } from "../_reordering.ts";
import { klvItem } from "../../_helpers/klv_items.ts";

describe("KlvDepacketizer", () => {
  for (const maxPacketSize of [undefined, 12 + 100, 12 + 1]) {
    it(
      `packetize() then depacketize() gives back every unit in packets of ${
        maxPacketSize ?? "default"
      } bytes, marker on each unit's last packet`,
      () => {
        const units = [klvItem(0, 1), klvItem(127, 2), klvItem(200, 3), klvItem(3000, 4)];
        // A unit of two items of one time (RFC 6597 §4.1: a KLVunit is one or more items).
        units.push(new Uint8Array([...klvItem(10, 5), ...klvItem(20, 6)]));
        const p = new KlvPacketizer({ maxPacketSize, initialSequenceNumber: 65534 });
        const d = new KlvDepacketizer();
        const packets = units.flatMap((u, i) => p.packetize(u, (4294967000 + i * 3000) >>> 0));
        const max = (maxPacketSize ?? 1472) - 12;
        assert.deepEqual(
          packets.filter((x) => x.marker).length,
          units.length,
        );
        assert.ok(packets.every((x) => x.payload.byteLength <= max));
        const out = packets.flatMap((x) => d.depacketize(x));
        assert.deepEqual(out.map((x) => x.data), units);
        assert.deepEqual(
          out.map((x) => x.timestamp),
          units.map((_, i) => (4294967000 + i * 3000) >>> 0),
        );
        assert.deepEqual([d.droppedUnits, d.invalidPackets], [0, 0]);
      },
    );
  }

  it("depacketize() drops a unit that lost a packet and skips to the next marker", () => {
    const d = new KlvDepacketizer();
    const out = [
      [0, 0, false, [1, 2]],
      [2, 0, true, [5]], // 1 lost: waits, then the unit is dropped
      [3, 90, true, [7]],
      [4, 180, false, [8]],
      [6, 180, true, [9]], // 5 lost: 6 may end a unit 5 started; skipped
      [7, 270, true, [10]],
    ].flatMap(([seq, ts, marker, payload]) =>
      d.depacketize(
        rtpPacketAt(seq as number, ts as number, marker as boolean, payload as number[]),
      )
    );
    assert.deepEqual(out.map((x) => [x.timestamp, ...x.data]), [[90, 7], [270, 10]]);
    assert.deepEqual([d.droppedUnits, d.invalidPackets], [2, 0]);
  });

  it("depacketize() drops a unit whose timestamp changes before its marker", () => {
    const d = new KlvDepacketizer();
    const out = [
      ...d.depacketize(rtpPacketAt(0, 0, false, [1])),
      ...d.depacketize(rtpPacketAt(1, 90, true, [2])),
    ];
    assert.deepEqual(out, [{ timestamp: 90, data: Uint8Array.of(2) }]);
    assert.equal(d.droppedUnits, 1);
  });

  it("depacketize() drops a unit over maxUnitBytes and counts an empty payload as invalid", () => {
    const d = new KlvDepacketizer({ maxUnitBytes: 3 });
    assert.deepEqual(d.depacketize(rtpPacketAt(0, 0, false, [1, 2])), []);
    assert.deepEqual(d.depacketize(rtpPacketAt(1, 0, false, [3, 4])), []);
    assert.deepEqual(d.depacketize(rtpPacketAt(2, 0, true, [5])), []);
    assert.equal(d.droppedUnits, 1);
    assert.deepEqual(d.depacketize(rtpPacketAt(3, 9, true, [])), []);
    assert.equal(d.invalidPackets, 1);
    assert.deepEqual(d.depacketize(rtpPacketAt(4, 18, true, [6, 7, 8])), [
      { timestamp: 18, data: Uint8Array.of(6, 7, 8) },
    ]);
    assert.throws(() => new KlvDepacketizer({ maxUnitBytes: 0 }), RangeError);
  });

  itReorders({
    create: () => new KlvDepacketizer(),
    counts: (d) => ({ dropped: d.droppedUnits, invalid: d.invalidPackets }),
    payload: (i, count, tag) => [tag, i, count],
    reset: (d) => d.reset(),
    flush: (d) => d.flush(),
    keepsFrameAfterLoss: false,
  });
});
