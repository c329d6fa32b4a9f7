import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { RtpPacket } from "../../../src/rtp/mod.ts";
import { rtpPacketAt } from "../_rtp.ts";
import { Mpeg4AudioDepacketizer } from "../../../src/formats/mpeg4_audio/mpeg4_audio_depacketizer.ts";
import { bytes, MPEG4_AUDIO_CASES } from "./_cases.ts";
import { itReorders } from "../_reordering.ts";

function packet(
  sequenceNumber: number,
  timestamp: number,
  marker: boolean,
  payload: Uint8Array,
): RtpPacket {
  return { ...rtpPacketAt(sequenceNumber, timestamp, marker, payload), payloadType: 97 };
}

describe("Mpeg4AudioDepacketizer", () => {
  for (const c of MPEG4_AUDIO_CASES) {
    it(`depacketize() decodes: ${c.name}`, () => {
      const d = new Mpeg4AudioDepacketizer();
      const units = c.packets.flatMap((p, i) =>
        d.depacketize(packet(i, p.timestamp, p.marker, p.payload))
      );
      assert.deepEqual(
        units,
        c.accessUnits.map((data, i) => ({ timestamp: 1000 + i * 1024, data })),
      );
    });
  }

  it("depacketize() drops a fragmented AU that lost its middle fragment", () => {
    const c = MPEG4_AUDIO_CASES[2]!;
    const d = new Mpeg4AudioDepacketizer();
    d.depacketize(packet(0, 1000, false, c.packets[0]!.payload));
    // 1 missing: 2 waits for it until a packet of another timestamp comes.
    assert.deepEqual(d.depacketize(packet(2, 1000, true, c.packets[2]!.payload)), []);
    assert.equal(d.droppedAccessUnits, 0);
    assert.equal(d.depacketize(packet(3, 5000, true, bytes(0, 16, 0, 8, 7))).length, 1);
    assert.equal(d.droppedAccessUnits, 1);
  });

  it("depacketize() drops a fragmented AU of more than 16384 fragments, empty ones included", () => {
    // Regression (parsers fuzz): fragments with an AU-size but no data were kept without limit.
    const d = new Mpeg4AudioDepacketizer();
    const empty = bytes(0, 16, 0x01, 0x00); // one AU header: size 32, index 0; no data
    for (let i = 0; i < 16384; i++) d.depacketize(packet(i, 1000, false, empty));
    assert.equal(d.droppedAccessUnits, 0);
    d.depacketize(packet(16384, 1000, false, empty));
    assert.equal(d.droppedAccessUnits, 1);
    assert.equal(d.depacketize(packet(16385, 5000, true, bytes(0, 16, 0, 8, 7))).length, 1);
  });

  const invalid: [string, number[]][] = [
    ["a payload shorter than 2 bytes", [0]],
    ["no AU header", [0, 0]],
    ["AU headers longer than the payload", [0, 0x40, 0, 8]],
    ["an AU header cut in the middle", [0, 0x08, 0]],
    ["AUs longer than the payload", [0, 0x20, 0, 0x10, 0, 0x10, 1, 2, 3]],
  ];
  for (const [name, payload] of invalid) {
    it(`depacketize() drops and counts ${name}`, () => {
      const d = new Mpeg4AudioDepacketizer();
      assert.deepEqual(d.depacketize(packet(1, 0, true, new Uint8Array(payload))), []);
      assert.equal(d.invalidPackets, 1);
    });
  }

  itReorders({
    create: () => new Mpeg4AudioDepacketizer(),
    counts: (d) => ({ dropped: d.droppedAccessUnits, invalid: d.invalidPackets }),
    // One AU of 4 bytes a packet: whole, or fragmented (RFC 3640 §3.2.3), its AU header
    // (13-bit size, 3-bit index) in every fragment.
    payload: (i, count, tag) => [0, 16, (4 * count) >> 5, ((4 * count) << 3) & 0xff, tag, i, 2, 3],
    reset: (d) => d.reset(),
    keepsFrameAfterLoss: false,
  });
});
