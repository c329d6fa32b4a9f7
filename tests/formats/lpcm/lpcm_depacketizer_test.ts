import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { LpcmDepacketizer } from "../../../src/formats/lpcm/lpcm_depacketizer.ts";
import { LPCM_CASES } from "./_cases.ts";

function pkt(timestamp: number, payload: Uint8Array) {
  return {
    marker: false,
    payloadType: 96,
    sequenceNumber: 0,
    timestamp,
    ssrc: 1,
    csrc: [],
    paddingSize: 0,
    payload,
  };
}

describe("LpcmDepacketizer", () => {
  for (const c of LPCM_CASES) {
    it(`depacketize() decodes: ${c.name}`, () => {
      const d = new LpcmDepacketizer({ bitDepth: c.bitDepth, channelCount: c.channelCount });
      const out = c.packets.flatMap(([ts, payload]) => d.depacketize(pkt(ts, payload)));
      assert.deepEqual(out, c.packets.map(([timestamp, samples]) => ({ timestamp, samples })));
    });
  }

  it("depacketize() drops and counts a payload that is not whole frames", () => {
    const d = new LpcmDepacketizer({ bitDepth: 16 });
    assert.deepEqual(d.depacketize(pkt(0, new Uint8Array(3))), []);
    assert.equal(d.invalidPackets, 1);
  });
});
