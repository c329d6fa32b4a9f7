import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { G711Depacketizer } from "../../../src/formats/g711/g711_depacketizer.ts";
import { G711_CASES } from "./_cases.ts";

describe("G711Depacketizer", () => {
  for (const c of G711_CASES) {
    it(`depacketize() decodes: ${c.name}`, () => {
      const d = new G711Depacketizer();
      const out = c.packets.flatMap(([timestamp, payload], i) =>
        d.depacketize({
          marker: false,
          payloadType: 0,
          sequenceNumber: i,
          timestamp,
          ssrc: 1,
          csrc: [],
          paddingSize: 0,
          payload,
        })
      );
      assert.deepEqual(out, c.packets.map(([timestamp, samples]) => ({ timestamp, samples })));
    });
  }

  it("depacketize() returns nothing for an empty payload", () => {
    const pkt = {
      marker: false,
      payloadType: 0,
      sequenceNumber: 0,
      timestamp: 0,
      ssrc: 1,
      csrc: [],
      paddingSize: 0,
      payload: new Uint8Array(0),
    };
    assert.deepEqual(new G711Depacketizer().depacketize(pkt), []);
  });
});
