import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { OpusDepacketizer } from "../../../src/formats/opus/opus_depacketizer.ts";
import { OPUS_CASES } from "./_cases.ts";

function pkt(timestamp: number, payload: Uint8Array) {
  return {
    marker: false,
    payloadType: 111,
    sequenceNumber: 0,
    timestamp,
    ssrc: 1,
    csrc: [],
    paddingSize: 0,
    payload,
  };
}

describe("OpusDepacketizer", () => {
  for (const c of OPUS_CASES) {
    it(`depacketize() decodes: ${c.name}`, () => {
      assert.deepEqual(new OpusDepacketizer().depacketize(pkt(c.timestamp, c.packet)), [{
        timestamp: c.timestamp,
        packet: c.packet,
      }]);
    });
  }

  it("depacketize() drops and counts an empty payload", () => {
    const d = new OpusDepacketizer();
    assert.deepEqual(d.depacketize(pkt(0, new Uint8Array(0))), []);
    assert.equal(d.invalidPackets, 1);
  });
});
