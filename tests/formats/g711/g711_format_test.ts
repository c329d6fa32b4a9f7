import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { G711Format } from "../../../src/formats/g711/g711_format.ts";
import { formatFromSdp } from "../../../src/formats/format.ts";

describe("g711_format", () => {
  it("uses static payload types 0 and 8 at 8000 Hz mono (RFC 3551 §6)", () => {
    const pcmu = new G711Format({ mulaw: true });
    assert.equal(pcmu.payloadType, 0);
    assert.equal(pcmu.codec, "PCMU");
    assert.equal(pcmu.rtpMap(), "PCMU/8000");
    const pcma = new G711Format({ mulaw: false });
    assert.equal(pcma.payloadType, 8);
    assert.equal(pcma.rtpMap(), "PCMA/8000");
    assert.equal(pcma.fmtp(), undefined);
  });

  it("formatFromSdp() recognises static types without rtpmap", () => {
    const pcmu = formatFromSdp(0, undefined, undefined, "audio");
    assert.ok(pcmu instanceof G711Format && pcmu.mulaw);
    assert.equal(pcmu.clockRate, 8000);
    const pcma = formatFromSdp(8, undefined, undefined, "audio");
    assert.ok(pcma instanceof G711Format && !pcma.mulaw);
  });

  it("round-trips rtpmap through formatFromSdp(), also dynamic stereo 16 kHz", () => {
    for (
      const format of [
        new G711Format({ mulaw: true }),
        new G711Format({ mulaw: false, sampleRate: 16000, channelCount: 2 }),
      ]
    ) {
      const back = formatFromSdp(format.payloadType, format.rtpMap(), format.fmtp(), "audio");
      assert.ok(back instanceof G711Format);
      assert.equal(back.rtpMap(), format.rtpMap());
      assert.equal(back.payloadType, format.payloadType);
      assert.equal(back.clockRate, format.clockRate);
      assert.equal(back.channelCount, format.channelCount);
    }
    assert.equal(
      new G711Format({ mulaw: false, sampleRate: 16000, channelCount: 2 }).rtpMap(),
      "PCMA/16000/2",
    );
  });
});
