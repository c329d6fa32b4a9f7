import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { GenericFormat } from "../../../src/formats/generic/generic_format.ts";
import { formatFromSdp } from "../../../src/formats/format.ts";

describe("generic_format", () => {
  it("keeps rtpmap and fmtp as given", () => {
    const format = new GenericFormat({
      payloadType: 98,
      clockRate: 90000,
      rtpMap: "vnd.onvif.metadata/90000",
      fmtp: { "Some-Key": "v" },
    });
    assert.equal(format.codec, "vnd.onvif.metadata");
    assert.equal(format.rtpMap(), "vnd.onvif.metadata/90000");
    assert.deepEqual(format.fmtp(), { "Some-Key": "v" });
  });

  it("names static payload types after RFC 3551 §6", () => {
    assert.equal(new GenericFormat({ payloadType: 33, clockRate: 90000 }).codec, "MP2T");
    assert.equal(new GenericFormat({ payloadType: 14, clockRate: 90000 }).codec, "MPA");
  });

  it("round-trips rtpmap/fmtp through formatFromSdp()", () => {
    const format = new GenericFormat({
      payloadType: 101,
      clockRate: 8000,
      rtpMap: "telephone-event/8000",
      fmtp: { events: "0-15" },
    });
    const back = formatFromSdp(101, format.rtpMap(), format.fmtp(), "audio");
    assert.ok(back instanceof GenericFormat);
    assert.equal(back.codec, "telephone-event");
    assert.equal(back.clockRate, 8000);
    assert.equal(back.rtpMap(), format.rtpMap());
    assert.deepEqual(back.fmtp(), format.fmtp());
  });

  it("does not share its fmtp with the caller", () => {
    const fmtp = { a: "1" };
    const format = new GenericFormat({ payloadType: 98, clockRate: 1000, rtpMap: "x/1000", fmtp });
    fmtp.a = "2";
    const out = format.fmtp();
    assert.deepEqual(out, { a: "1" });
    if (out) out.a = "3";
    assert.deepEqual(format.fmtp(), { a: "1" });
  });
});
