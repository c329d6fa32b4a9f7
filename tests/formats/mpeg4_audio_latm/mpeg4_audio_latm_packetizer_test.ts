import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  Mpeg4AudioLatmPacketizer,
  payloadLengthInfo,
} from "../../../src/formats/mpeg4_audio_latm/mpeg4_audio_latm_packetizer.ts";

const bytesOf = (length: number, seed = 0) =>
  Uint8Array.from({ length }, (_, i) => (i * 7 + seed) & 0xff);

describe("Mpeg4AudioLatmPacketizer", () => {
  it("payloadLengthInfo() writes a run of 0xFF then the remainder (ISO/IEC 14496-3 §1.7.3)", () => {
    const cases: [number, number[]][] = [
      [0, [0]],
      [1, [1]],
      [254, [254]],
      [255, [255, 0]],
      [256, [255, 1]],
      [600, [255, 255, 90]],
    ];
    for (const [length, expected] of cases) {
      assert.deepEqual([...payloadLengthInfo(length)], expected, String(length));
    }
  });

  it("packetize() puts each access unit in its own packet, marker set, 1024 ticks apart", () => {
    const p = new Mpeg4AudioLatmPacketizer({ ssrc: 7, initialSequenceNumber: 65535 });
    const units = [bytesOf(3), bytesOf(255, 1)];
    const packets = p.packetize(units, 4294967000);
    assert.deepEqual(
      packets.map((x) => [x.sequenceNumber, x.timestamp, x.marker, x.payloadType, x.ssrc]),
      [[65535, 4294967000, true, 96, 7], [0, (4294967000 + 1024) >>> 0, true, 96, 7]],
    );
    assert.deepEqual(packets[0]!.payload, Uint8Array.of(3, ...units[0]!));
    assert.deepEqual(packets[1]!.payload, Uint8Array.of(255, 0, ...units[1]!));
    assert.equal(p.sequenceNumber, 1);
  });

  it("packetize() cuts an element larger than a packet, marker on its last packet only", () => {
    const unit = bytesOf(700);
    const packets = new Mpeg4AudioLatmPacketizer({
      maxPacketSize: 12 + 300,
      ticksPerAccessUnit: 960,
    })
      .packetize([unit, bytesOf(1)], 10);
    // Element: 255 255 190 + 700 bytes = 703 bytes: 300 + 300 + 103; then the 2-byte one.
    assert.deepEqual(
      packets.map((x) => [x.payload.byteLength, x.marker, x.timestamp]),
      [[300, false, 10], [300, false, 10], [103, true, 10], [2, true, 970]],
    );
    const joined = new Uint8Array(703);
    let o = 0;
    for (const x of packets.slice(0, 3)) {
      joined.set(x.payload, o);
      o += x.payload.byteLength;
    }
    assert.deepEqual(joined, Uint8Array.of(255, 255, 190, ...unit));
  });

  it("the constructor refuses a packet size without room for a byte and bad ticks", () => {
    assert.throws(() => new Mpeg4AudioLatmPacketizer({ maxPacketSize: 12 }), RangeError);
    assert.throws(() => new Mpeg4AudioLatmPacketizer({ ticksPerAccessUnit: 0 }), RangeError);
    assert.throws(() => new Mpeg4AudioLatmPacketizer({ ticksPerAccessUnit: 1.5 }), RangeError);
  });
});
