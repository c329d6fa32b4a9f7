import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { rtpPacketAt } from "../_rtp.ts";
import { H265Depacketizer } from "../../../src/formats/h265/h265_depacketizer.ts";
import { bytes, H265_CASES } from "./_cases.ts";
import { itReorders } from "../_reordering.ts";

describe("H265Depacketizer", () => {
  for (const c of H265_CASES) {
    it(`depacketize() decodes: ${c.name}`, () => {
      const d = new H265Depacketizer();
      const units = c.payloads.flatMap((p, i) =>
        d.depacketize(rtpPacketAt(i, 9, i === c.payloads.length - 1, p))
      );
      assert.deepEqual(units, [{ timestamp: 9, nalUnits: c.nalUnits }]);
    });
  }

  it("depacketize() drops an access unit that lost a fragment", () => {
    const d = new H265Depacketizer();
    const c = H265_CASES[3]!;
    d.depacketize(rtpPacketAt(1, 0, false, c.payloads[0]!));
    // 2 missing: 3 waits for it until a packet of another timestamp comes.
    assert.deepEqual(d.depacketize(rtpPacketAt(3, 0, true, c.payloads[2]!)), []);
    assert.equal(d.droppedAccessUnits, 0);
    assert.equal(d.depacketize(rtpPacketAt(4, 1, true, bytes(0x02, 0x01, 5))).length, 1);
    assert.equal(d.droppedAccessUnits, 1);
  });

  const invalid: [string, Uint8Array][] = [
    ["a payload shorter than 3 bytes", bytes(0x02, 0x01)],
    ["a PACI packet", bytes(0x64, 0x01, 0, 0)],
    ["an AP with a truncated unit", bytes(0x60, 0x01, 0, 9, 0x02, 0x01)],
    ["an AP unit shorter than a NAL header", bytes(0x60, 0x01, 0, 1, 0x02)],
    ["an FU without data", bytes(0x62, 0x01, 0x93)],
    ["an FU continuation without start", bytes(0x62, 0x01, 0x53, 1)],
  ];
  for (const [name, payload] of invalid) {
    it(`depacketize() drops and counts ${name}`, () => {
      const d = new H265Depacketizer();
      assert.deepEqual(d.depacketize(rtpPacketAt(1, 0, true, payload)), []);
      assert.equal(d.invalidPackets, 1);
      assert.equal(d.droppedAccessUnits, 1);
    });
  }

  itReorders({
    create: () => new H265Depacketizer(),
    counts: (d) => ({ dropped: d.droppedAccessUnits, invalid: d.invalidPackets }),
    // One IDR_W_RADL slice: a single NAL unit packet, or fragments (RFC 7798 §4.4.3).
    payload: (i, count, tag) =>
      count === 1
        ? [0x26, 0x01, tag]
        : [0x62, 0x01, (i === 0 ? 0x80 : 0) | (i === count - 1 ? 0x40 : 0) | 19, tag, i],
    reset: (d) => d.reset(),
    keepsFrameAfterLoss: false,
    flush: (d) => d.flush(),
  });
});
