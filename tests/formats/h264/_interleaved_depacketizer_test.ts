import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { RtpPacket } from "../../../src/rtp/mod.ts";
import { rtpPacket } from "../_rtp.ts";
import { H264Depacketizer } from "../../../src/formats/h264/h264_depacketizer.ts";
import { bytes } from "./_cases.ts";
import { INTERLEAVED_CASES, mtap16, nal, stapB, u16 } from "./_interleaved_cases.ts";
import { itReordersDonFragments } from "../_don_reordering.ts";

function packet(sequenceNumber: number, timestamp: number, payload: Uint8Array): RtpPacket {
  return rtpPacket(sequenceNumber, false, payload, timestamp);
}

function interleaved(depth = 0, options: { maxAccessUnitBytes?: number } = {}): H264Depacketizer {
  return new H264Depacketizer({ packetizationMode: 2, interleavingDepth: depth, ...options });
}

const idr = nal(0x65, 10, 1);
const p1 = nal(0x41, 10, 2);
const p2 = nal(0x41, 10, 3);

describe("H264Depacketizer in interleaved mode (packetization-mode 2)", () => {
  for (const c of INTERLEAVED_CASES) {
    it(`depacketize() and flush() decode: ${c.name}`, () => {
      const d = interleaved(c.depth);
      const units = c.packets.flatMap((p) =>
        d.depacketize(packet(p.sequenceNumber, p.timestamp, p.payload))
      );
      units.push(...d.flush());
      assert.deepEqual(units, c.accessUnits);
      assert.equal(d.droppedAccessUnits, 0);
      assert.equal(d.invalidPackets, 0);
    });
  }

  it("depacketize() lets an access unit out once depth + 1 VCL NAL units are buffered", () => {
    const d = interleaved(1);
    assert.deepEqual(d.depacketize(packet(1, 0, stapB(0, idr))), []);
    assert.deepEqual(d.depacketize(packet(2, 3000, stapB(1, p1))), []); // IDR leaves, AU open
    assert.deepEqual(d.depacketize(packet(3, 6000, stapB(2, p2))), [
      { timestamp: 0, nalUnits: [idr] },
    ]);
    assert.deepEqual(d.flush(), [
      { timestamp: 3000, nalUnits: [p1] },
      { timestamp: 6000, nalUnits: [p2] },
    ]);
  });

  it("depacketize() keeps NAL units of equal DON in transmission order", () => {
    const d = interleaved(0);
    const slice2 = nal(0x65, 8, 9);
    d.depacketize(packet(1, 0, mtap16(5, [0, 0, idr], [0, 0, slice2])));
    assert.deepEqual(d.flush(), [{ timestamp: 0, nalUnits: [idr, slice2] }]);
  });

  it("depacketize() drops the access units buffered when a packet is lost, then recovers", () => {
    const d = interleaved(2);
    d.depacketize(packet(1, 0, stapB(0, idr)));
    d.depacketize(packet(2, 3000, stapB(1, p1)));
    // Sequence number 3 is lost.
    d.depacketize(packet(4, 9000, stapB(3, p2)));
    d.depacketize(packet(5, 12000, stapB(4, nal(0x41, 5))));
    d.depacketize(packet(6, 15000, stapB(5, nal(0x41, 6))));
    const out = d.flush();
    assert.deepEqual(out.map((u) => u.timestamp), [12000, 15000]);
    assert.equal(d.droppedAccessUnits, 3);
  });

  it("depacketize() drops a fragmented NAL unit that lost an FU-A and its access unit", () => {
    const d = interleaved(0);
    d.depacketize(packet(1, 0, bytes(0x7d, 0x85, u16(0), 1, 2)));
    d.depacketize(packet(3, 0, bytes(0x7c, 0x45, 5, 6))); // 2 lost: FU-A without its start
    d.depacketize(packet(4, 3000, stapB(1, p1)));
    assert.deepEqual(d.flush(), [{ timestamp: 3000, nalUnits: [p1] }]);
    assert.equal(d.invalidPackets, 1);
  });

  it("depacketize() drops an FU cut short by another packet", () => {
    const d = interleaved(0);
    d.depacketize(packet(1, 0, bytes(0x7d, 0x85, u16(0), 1, 2)));
    d.depacketize(packet(2, 0, stapB(1, p1)));
    d.depacketize(packet(3, 3000, stapB(2, p2)));
    assert.deepEqual(d.flush(), [{ timestamp: 3000, nalUnits: [p2] }]);
  });

  it("depacketize() drops a NAL unit whose DON has already gone out, with its access unit", () => {
    const d = interleaved(0);
    d.depacketize(packet(1, 0, stapB(5, idr)));
    const out = d.depacketize(packet(2, 3000, stapB(6, p1)));
    assert.deepEqual(out, [{ timestamp: 0, nalUnits: [idr] }]);
    d.depacketize(packet(3, 3000, stapB(4, nal(0x41, 4)))); // DON 4 < 6: late, breaks AU 3000
    d.depacketize(packet(4, 6000, stapB(7, p2)));
    assert.deepEqual(d.flush(), [{ timestamp: 6000, nalUnits: [p2] }]);
    assert.equal(d.droppedAccessUnits, 1);
  });

  it("depacketize() lets units out early when the buffer goes over maxAccessUnitBytes", () => {
    const d = interleaved(100, { maxAccessUnitBytes: 25 });
    assert.deepEqual(d.depacketize(packet(1, 0, stapB(0, idr))), []);
    assert.deepEqual(d.depacketize(packet(2, 3000, stapB(1, p1))), []);
    assert.deepEqual(d.depacketize(packet(3, 6000, stapB(2, p2))), []); // 30 bytes: IDR leaves
    assert.deepEqual(d.depacketize(packet(4, 9000, stapB(3, nal(0x41, 10)))), [
      { timestamp: 0, nalUnits: [idr] },
    ]);
  });

  // RFC 6184 §5.7.2: each multi-time aggregation unit has "16 bits of unsigned size
  // information of the following NAL unit", then DOND and the TS offset (Figures 10 and 11):
  // the size counts the NAL unit alone, not the 3 (MTAP16) or 4 (MTAP24) bytes before it.
  const figures: {
    name: string;
    timestamp: number;
    payload: Uint8Array;
    accessUnits: { timestamp: number; nalUnits: Uint8Array[] }[];
  }[] = [
    {
      name: "MTAP16 NAL unit size as the NAL unit alone (RFC 6184 §5.7.2 Figure 12)",
      timestamp: 90000,
      payload: bytes(
        0x7a, // MTAP16 NAL HDR: F 0, NRI 3, type 26
        u16(16), // decoding order number base: 16
        u16(3), // NALU 1 size: 3
        0, // NALU 1 DOND: 0 (DON 16)
        u16(0), // NALU 1 TS offset: 0
        [0x65, 0xaa, 0xbb], // NALU 1: IDR slice
        u16(2), // NALU 2 size: 2
        1, // NALU 2 DOND: 1 (DON 17)
        u16(3000), // NALU 2 TS offset: 3000
        [0x41, 0xcc], // NALU 2: non-IDR slice
      ),
      accessUnits: [
        { timestamp: 90000, nalUnits: [bytes(0x65, 0xaa, 0xbb)] },
        { timestamp: 93000, nalUnits: [bytes(0x41, 0xcc)] },
      ],
    },
    {
      name: "MTAP24 NAL unit size as the NAL unit alone (RFC 6184 §5.7.2 Figure 13)",
      timestamp: 1000,
      payload: bytes(
        0x7b, // MTAP24 NAL HDR: F 0, NRI 3, type 27
        [0xff, 0xff], // decoding order number base: 65535
        u16(2), // NALU 1 size: 2
        0, // NALU 1 DOND: 0 (DON 65535)
        [0x00, 0x00, 0x00], // NALU 1 TS offset: 0
        [0x65, 0xaa], // NALU 1
        u16(3), // NALU 2 size: 3
        1, // NALU 2 DOND: 1 (DON 0 after the wrap)
        [0x01, 0x00, 0x00], // NALU 2 TS offset: 65536
        [0x41, 0xcc, 0xdd], // NALU 2
      ),
      accessUnits: [
        { timestamp: 1000, nalUnits: [bytes(0x65, 0xaa)] },
        { timestamp: 66536, nalUnits: [bytes(0x41, 0xcc, 0xdd)] },
      ],
    },
  ];
  for (const c of figures) {
    it(`depacketize() reads the ${c.name}`, () => {
      const d = interleaved(0);
      const out = d.depacketize(packet(1, c.timestamp, c.payload));
      out.push(...d.flush());
      assert.deepEqual(out, c.accessUnits);
      assert.equal(d.invalidPackets, 0);
    });
  }

  for (const [name, extra, header] of [["MTAP16", 3, 0x7a], ["MTAP24", 4, 0x7b]] as const) {
    it(`depacketize() rejects an ${name} whose size also counts DOND and TS offset (RFC 6184 §5.7.2)`, () => {
      // One NAL unit of 3 bytes, its size field written as 3 + the DOND and TS offset bytes.
      const payload = bytes(header, u16(0), u16(3 + extra), new Array(extra).fill(0), 0x65, 1, 2);
      const d = interleaved(0);
      assert.deepEqual(d.depacketize(packet(1, 0, payload)), []);
      assert.equal(d.invalidPackets, 1);
      assert.deepEqual(d.flush(), []);
    });
  }

  const invalid: [string, number[]][] = [
    ["a single NAL unit packet (§6.4)", [0x65, 1, 2]],
    ["an STAP-A (§6.4)", [0x78, 0, 1, 0x65]],
    ["an FU-A with the start bit (no DON)", [0x7c, 0x85, 1, 2]],
    ["an FU-B without the start bit", [0x7d, 0x05, 0, 0, 1]],
    ["an FU-B with start and end bits", [0x7d, 0xc5, 0, 0, 1]],
    ["an FU-A without an FU-B", [0x7c, 0x45, 1]],
    ["an STAP-B with no unit", [0x79, 0, 0]],
    ["an STAP-B unit of size 0", [0x79, 0, 0, 0, 0]],
    ["an STAP-B unit longer than the payload", [0x79, 0, 0, 0, 5, 0x65]],
    ["an MTAP16 cut inside its TS offset", [0x7a, 0, 0, 0, 1, 0, 0]],
    ["an MTAP24 unit longer than the payload", [0x7b, 0, 0, 0, 9, 0, 0, 0, 0, 0x65]],
    ["NAL type 30", [0x1e, 0, 0]],
    ["a payload of 2 bytes", [0x79, 0]],
  ];
  for (const [name, payload] of invalid) {
    it(`depacketize() drops and counts ${name}`, () => {
      const d = interleaved(0);
      d.depacketize(packet(1, 0, stapB(0, idr)));
      assert.deepEqual(d.depacketize(packet(2, 0, new Uint8Array(payload))), []);
      assert.equal(d.invalidPackets, 1);
      d.depacketize(packet(3, 3000, stapB(1, p1)));
      assert.deepEqual(d.flush(), [{ timestamp: 3000, nalUnits: [p1] }]);
      assert.equal(d.droppedAccessUnits, 1);
    });
  }

  it("depacketize() accepts FU-B and FU-A fragments with an empty FU payload (§5.8)", () => {
    const d = interleaved(0);
    d.depacketize(packet(1, 0, bytes(0x7d, 0x85, u16(9))));
    d.depacketize(packet(2, 0, bytes(0x7c, 0x05, 1, 2)));
    d.depacketize(packet(3, 0, bytes(0x7c, 0x45)));
    assert.deepEqual(d.flush(), [{ timestamp: 0, nalUnits: [new Uint8Array([0x65, 1, 2])] }]);
  });

  it("depacketize() drops an FU-B whose FU-As never end, empty ones included", () => {
    // Regression (parsers fuzz): the pieces of an FU were kept without limit when empty.
    const d = interleaved(0);
    d.depacketize(packet(0, 0, bytes(0x7d, 0x85, u16(9), 1)));
    for (let i = 1; i <= 20000; i++) d.depacketize(packet(i, 0, bytes(0x7c, 0x05)));
    // The FU-A that goes over the 16384 fragments, then every FU-A without its FU-B.
    assert.equal(d.invalidPackets, 20000 - 16384 + 1);
    assert.deepEqual(d.flush(), []);
  });

  it("depacketize() starts over when the DON jumps far back (a sender restart)", () => {
    const d = interleaved(0);
    d.depacketize(packet(1, 0, stapB(30000, idr)));
    const out = d.depacketize(packet(2, 3000, stapB(5, p1)));
    assert.deepEqual(out, [{ timestamp: 0, nalUnits: [idr] }]);
    assert.deepEqual(d.flush(), [{ timestamp: 3000, nalUnits: [p1] }]);
    assert.equal(d.droppedAccessUnits, 0);
  });

  it("depacketize() ignores duplicate packets", () => {
    const d = interleaved(0);
    d.depacketize(packet(1, 0, stapB(0, idr)));
    d.depacketize(packet(1, 0, stapB(0, idr)));
    assert.deepEqual(d.flush(), [{ timestamp: 0, nalUnits: [idr] }]);
  });

  it("depacketize() never throws on random payloads", () => {
    let seed = 3;
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 256;
    const d = interleaved(3, { maxAccessUnitBytes: 5000 });
    for (let i = 0; i < 5000; i++) {
      const payload = new Uint8Array(rand() % 40);
      for (let j = 0; j < payload.length; j++) payload[j] = rand();
      if (payload.length > 0 && rand() < 200) payload[0] = 0x79 + (rand() % 5); // 25-29
      d.depacketize(packet(rand() < 240 ? i : rand(), rand() < 128 ? 0 : i * 10, payload));
    }
    d.flush();
  });

  it("reset() forgets buffered units and the DON state", () => {
    const d = interleaved(5);
    d.depacketize(packet(1, 0, stapB(100, idr)));
    d.reset();
    d.depacketize(packet(50, 3000, stapB(3, p1)));
    assert.deepEqual(d.flush(), [{ timestamp: 3000, nalUnits: [p1] }]);
  });

  it("constructor throws RangeError for an invalid interleavingDepth", () => {
    assert.throws(() => interleaved(-1), RangeError);
    assert.throws(() => interleaved(1.5), RangeError);
  });

  itReordersDonFragments({
    create: () => interleaved(0),
    unit: (don, tag) => {
      const nalu = nal(0x41, 3, tag);
      return { payload: stapB(don, nalu), nalu };
    },
    // FU-B with the DON, then two FU-As, of an IDR slice (§5.8).
    fragments: (don, tag) => ({
      payloads: [
        bytes(0x7d, 0x85, u16(don), tag, 1),
        bytes(0x7c, 0x05, tag, 2),
        bytes(0x7c, 0x45, tag, 3),
      ],
      nalu: bytes(0x65, tag, 1, tag, 2, tag, 3),
    }),
  });

  it("flush() outputs the access unit in progress in non-interleaved mode", () => {
    const d = new H264Depacketizer();
    assert.deepEqual(d.depacketize(packet(1, 0, new Uint8Array([0x41, 1]))), []);
    assert.deepEqual(d.flush(), [{ timestamp: 0, nalUnits: [new Uint8Array([0x41, 1])] }]);
  });
});
