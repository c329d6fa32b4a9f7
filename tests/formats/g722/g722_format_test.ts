import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { G722Format } from "../../../src/formats/g722/g722_format.ts";
import { GenericFormat } from "../../../src/formats/generic/generic_format.ts";
import { formatFromSdp } from "../../../src/formats/format.ts";
import { rtpPacketAt } from "../_rtp.ts";

describe("g722_format", () => {
  it("uses the static payload type 9 and clock rate 8000 for 16 kHz audio (RFC 3551 §4.5.2)", () => {
    const format = new G722Format();
    assert.equal(format.payloadType, 9);
    assert.equal(format.codec, "G722");
    assert.equal(format.clockRate, 8000);
    assert.equal(format.sampleRate, 16000);
    assert.equal(format.rtpMap(), "G722/8000");
    assert.equal(format.fmtp(), undefined);
    assert.equal(format.ptsEqualsDts(rtpPacketAt(0, 0, false, [1])), true);
    const stereo = new G722Format({ channelCount: 2 });
    assert.equal(stereo.rtpMap(), "G722/8000/2");
    assert.equal(stereo.payloadType, 96);
  });

  it("formatFromSdp() recognises payload type 9 without rtpmap", () => {
    const format = formatFromSdp(9, undefined, undefined, "audio");
    assert.ok(format instanceof G722Format);
    assert.equal(format.clockRate, 8000);
    assert.equal(format.channelCount, 1);
  });

  const roundTrips: [string, G722Format][] = [
    ["static", new G722Format()],
    ["dynamic mono", new G722Format({ payloadType: 101 })],
    ["dynamic stereo", new G722Format({ channelCount: 2 })],
  ];
  for (const [name, format] of roundTrips) {
    it(`round-trips rtpmap through formatFromSdp(): ${name}`, () => {
      const back = formatFromSdp(format.payloadType, format.rtpMap(), format.fmtp(), "audio");
      assert.ok(back instanceof G722Format);
      assert.deepEqual(back, format);
    });
  }

  it("formatFromSdp() leaves a dynamic G722 at another clock rate to GenericFormat", () => {
    // The RTP clock of G.722 is 8000 whatever the rtpmap says; a sender that writes 16000
    // stamps its packets at another rate, which this class would misreport.
    const format = formatFromSdp(96, "G722/16000", undefined, "audio");
    assert.ok(format instanceof GenericFormat);
    assert.equal(format.clockRate, 16000);
    assert.ok(formatFromSdp(96, "g722/8000", undefined, "audio") instanceof G722Format);
  });
});
