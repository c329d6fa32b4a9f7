import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { rtpPacket } from "../_rtp.ts";
import { Av1Depacketizer } from "../../../src/formats/av1/av1_depacketizer.ts";
import { Av1Packetizer } from "../../../src/formats/av1/av1_packetizer.ts";
import { AV1_CASES, type Av1Case } from "./_cases.ts";
import { loadTemporalUnits } from "./_captures.ts";
import { itReorders, permutations } from "../_reordering.ts";

function feed(d: Av1Depacketizer, payloads: Uint8Array[], first = 0, timestamp = 90) {
  return payloads.flatMap((p, i) =>
    d.depacketize(rtpPacket(first + i, i === payloads.length - 1, p, timestamp))
  );
}

function named(prefix: string): Av1Case {
  return AV1_CASES.find((c) => c.name.startsWith(prefix))!;
}

const EXAMPLE = named("§5.1 example");
const THREE_PACKETS = named("§4.4 an OBU fragmented over three packets");
const FRAGMENTED = named("§4.4 a sequence header aggregated"); // four packets

describe("Av1Depacketizer", () => {
  for (const c of AV1_CASES) {
    it(`depacketize() decodes: ${c.name}`, () => {
      const d = new Av1Depacketizer();
      assert.deepEqual(feed(d, c.payloads), [{ timestamp: 90, obus: c.received }]);
      assert.equal(d.droppedTemporalUnits + d.invalidPackets, 0);
    });
  }

  it("depacketize() returns OBUs that are views of the payload when not fragmented", () => {
    const payload = EXAMPLE.payloads[0]!;
    const [unit] = new Av1Depacketizer().depacketize(rtpPacket(0, true, payload));
    assert.equal(unit!.obus[0]!.buffer, payload.buffer);
  });

  it("depacketize() ignores temporal delimiter and tile list OBUs a sender left in", () => {
    const payload = new Uint8Array([0x30, 1, 0x10, 3, 0x40, 0x01, 0x02, 0x28, 0x01, 0x02]);
    assert.deepEqual(new Av1Depacketizer().depacketize(rtpPacket(0, true, payload)), [{
      timestamp: 90,
      obus: [new Uint8Array([0x28, 0x01, 0x02])],
    }]);
  });

  it("depacketize() keeps an OBU that has obu_has_size_field as sent", () => {
    const obu = new Uint8Array([0x32, 0x02, 0xaa, 0xbb]);
    assert.deepEqual(
      new Av1Depacketizer().depacketize(rtpPacket(0, true, new Uint8Array([0x10, ...obu]))),
      [{ timestamp: 90, obus: [obu] }],
    );
  });

  it("depacketize() ends a temporal unit without marker when the timestamp changes (§4.2)", () => {
    const d = new Av1Depacketizer();
    const [a, b] = EXAMPLE.payloads;
    assert.deepEqual(d.depacketize(rtpPacket(0, false, a!)), []);
    assert.deepEqual(d.depacketize(rtpPacket(1, false, b!)), []);
    const out = d.depacketize(rtpPacket(2, true, new Uint8Array([0x10, 0x28, 0x01, 0x02]), 180));
    assert.deepEqual(out, [
      { timestamp: 90, obus: EXAMPLE.received },
      { timestamp: 180, obus: [new Uint8Array([0x28, 0x01, 0x02])] },
    ]);
  });

  for (const order of permutations([0, 1, 2, 3])) {
    it(`depacketize() puts a temporal unit's packets back in sequence order: arrival ${order}`, () => {
      const d = new Av1Depacketizer();
      // A first temporal unit sets where the sequence is.
      feed(d, EXAMPLE.payloads, 0, 0);
      const p = FRAGMENTED.payloads;
      const out = order.flatMap((i) =>
        d.depacketize(rtpPacket(EXAMPLE.payloads.length + i, i === 3, p[i]!))
      );
      assert.deepEqual(out, [{ timestamp: 90, obus: FRAGMENTED.received }]);
      assert.equal(d.droppedTemporalUnits + d.invalidPackets, 0);
    });
  }

  it("depacketize() rebuilds every temporal unit of a stream whose packets come in swapped pairs", () => {
    const units = loadTemporalUnits();
    const packetizer = new Av1Packetizer({ payloadType: 96, maxPacketSize: 300 });
    const packets = units.flatMap((unit, i) => packetizer.packetize(unit, 3000 * i));
    // Packets 1 and 2 trade places, 3 and 4, ... (the first sets where the sequence is).
    const swapped = packets.map((p, i) => i === 0 ? p : packets[((i - 1) ^ 1) + 1] ?? p);
    const d = new Av1Depacketizer();
    const out = swapped.flatMap((p) => d.depacketize(p));
    const inOrder = new Av1Depacketizer();
    assert.deepEqual(out, packets.flatMap((p) => inOrder.depacketize(p)));
    assert.equal(out.length, units.length);
    assert.equal(d.droppedTemporalUnits + d.invalidPackets, 0);
  });

  it("depacketize() drops a temporal unit whose first packets were lost", () => {
    const d = new Av1Depacketizer();
    feed(d, THREE_PACKETS.payloads, 0, 90);
    const p = FRAGMENTED.payloads;
    // 3 and 4 lost: 5 and 6 wait for them until a packet of another timestamp comes.
    assert.deepEqual(feed(d, p.slice(2), 5, 180), []);
    assert.equal(d.droppedTemporalUnits, 0);
    assert.deepEqual(feed(d, EXAMPLE.payloads, 7, 270), [{
      timestamp: 270,
      obus: EXAMPLE.received,
    }]);
    assert.equal(d.droppedTemporalUnits, 1);
    assert.equal(d.invalidPackets, 0);
  });

  it("depacketize() ignores a duplicated packet", () => {
    const d = new Av1Depacketizer();
    const p = FRAGMENTED.payloads;
    const out = [0, 1, 1, 2, 3].flatMap((i) => d.depacketize(rtpPacket(i, i === 3, p[i]!)));
    assert.deepEqual(out, [{ timestamp: 90, obus: FRAGMENTED.received }]);
  });

  const invalid: [string, number[]][] = [
    ["an empty payload", []],
    ["an aggregation header alone", [0x10]],
    ["W=2 with one element", [0x20, 0x02, 0x28, 0x01]],
    ["a length past the end", [0x00, 0x05, 0x28, 0x01]],
    ["a zero length", [0x00, 0x00, 0x02, 0x28, 0x01]],
    ["a truncated leb128 length", [0x00, 0x80]],
    ["a leb128 length of nine bytes", [0x00, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]],
    ["Z=1 with no fragment before", [0x90, 0x28, 0x01]],
    ["an OBU with the forbidden bit", [0x10, 0xa8, 0x01]],
  ];
  for (const [name, bytes] of invalid) {
    it(`depacketize() drops and counts ${name}`, () => {
      const d = new Av1Depacketizer();
      assert.deepEqual(d.depacketize(rtpPacket(0, true, new Uint8Array(bytes))), []);
      assert.equal(d.invalidPackets, 1);
      assert.equal(d.droppedTemporalUnits, 1);
    });
  }

  it("depacketize() drops a fragment that the next packet does not continue (Z=0)", () => {
    const d = new Av1Depacketizer();
    d.depacketize(rtpPacket(0, false, FRAGMENTED.payloads[0]!));
    assert.deepEqual(d.depacketize(rtpPacket(1, true, new Uint8Array([0x10, 0x28, 0x01]))), []);
    assert.equal(d.invalidPackets, 1);
  });

  it("depacketize() drops a temporal unit whose marker comes with an open fragment", () => {
    const d = new Av1Depacketizer();
    assert.deepEqual(d.depacketize(rtpPacket(0, true, FRAGMENTED.payloads[0]!)), []);
    assert.equal(d.droppedTemporalUnits, 1);
  });

  it("depacketize() drops a temporal unit over maxTemporalUnitBytes or maxObusPerTemporalUnit", () => {
    const big = new Av1Depacketizer({ maxTemporalUnitBytes: 200 });
    assert.deepEqual(feed(big, FRAGMENTED.payloads), []);
    assert.equal(big.droppedTemporalUnits, 1);
    const many = new Av1Depacketizer({ maxObusPerTemporalUnit: 4 });
    assert.deepEqual(feed(many, EXAMPLE.payloads), []);
    assert.equal(many.droppedTemporalUnits, 1);
  });

  it("reset() forgets the temporal unit in progress", () => {
    const d = new Av1Depacketizer();
    d.depacketize(rtpPacket(0, false, FRAGMENTED.payloads[0]!));
    d.reset();
    assert.deepEqual(feed(d, FRAGMENTED.payloads, 100), [{
      timestamp: 90,
      obus: FRAGMENTED.received,
    }]);
  });

  it("depacketize() never throws on random and truncated payloads", () => {
    const d = new Av1Depacketizer();
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
    for (let i = 0; i < 3000; i++) {
      const payload = Uint8Array.from({ length: i % 40 }, random);
      d.depacketize(rtpPacket(i, (i & 3) === 0, payload, i >> 2));
    }
    const packets = loadTemporalUnits().flatMap((unit, i) =>
      new Av1Packetizer({ payloadType: 96, maxPacketSize: 200 }).packetize(unit, i)
    );
    for (const [i, p] of packets.entries()) {
      d.depacketize({ ...p, sequenceNumber: 5000 + i, payload: p.payload.subarray(0, i % 7) });
    }
    assert.ok(d.invalidPackets > 0);
  });

  itReorders({
    create: () => new Av1Depacketizer(),
    counts: (d) => ({ dropped: d.droppedTemporalUnits, invalid: d.invalidPackets }),
    // One frame OBU (type 6): whole (W=1), or fragmented with Y on all but the last packet and Z
    // on all but the first (§4.4).
    payload: (i, count, tag) => [
      (i > 0 ? 0x80 : 0) | (i === count - 1 ? 0 : 0x40) | 0x10,
      ...(i === 0 ? [0x30, tag] : [i]),
    ],
    reset: (d) => d.reset(),
    keepsFrameAfterLoss: false,
  });
});
