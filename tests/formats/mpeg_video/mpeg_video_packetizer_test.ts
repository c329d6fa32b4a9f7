import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { MpegVideoPacketizer } from "../../../src/formats/mpeg_video/mpeg_video_packetizer.ts";
import { decodeMpegVideoHeader } from "../../../src/formats/mpeg_video/mpeg_video_header.ts";

/** A start code and its value, then `length` bytes of data. */
function unit(code: number, length: number, fill = 0x55): number[] {
  return [0, 0, 1, code, ...new Array(length).fill(fill)];
}

/** Picture header: TR 3, P picture, vbv_delay 0xFFFF, full_pel_forward 0, forward_f_code 2. */
const P_PICTURE = [0, 0, 1, 0, 0x00, 0xd7, 0xff, 0xf8 | 0x00 | 0x01, 0x00];
const SEQUENCE = unit(0xb3, 8);

function flags(payload: Uint8Array) {
  const h = decodeMpegVideoHeader(payload)!;
  return [h.sequenceHeader, h.beginningOfSlice, h.endOfSlice].map(Number).join("");
}

describe("MpegVideoPacketizer", () => {
  it("packetize() copies TR, P and the vector codes of the picture header into every packet", () => {
    const picture = new Uint8Array([...P_PICTURE, ...unit(1, 20), ...unit(2, 20)]);
    const packets = new MpegVideoPacketizer({ maxPacketSize: 12 + 4 + 30 }).packetize(
      picture,
      3600,
    );
    assert.equal(packets.length, 3); // headers, slice 1, slice 2
    for (const p of packets) {
      const h = decodeMpegVideoHeader(p.payload)!;
      assert.deepEqual(
        [
          h.temporalReference,
          h.pictureType,
          h.fullPelForwardVector,
          h.forwardFCode,
          h.mpeg2Extension,
        ],
        [3, 2, false, 2, false],
      );
      assert.equal(p.timestamp, 3600);
    }
    assert.deepEqual(packets.map((p) => p.marker), [false, false, true]);
  });

  it("packetize() cuts at slice boundaries and packs the slices that fit (RFC 2250 §3.1)", () => {
    const slices = [unit(1, 10), unit(2, 10), unit(3, 30), unit(4, 5)];
    const picture = new Uint8Array([...SEQUENCE, ...P_PICTURE, ...slices.flat()]);
    // 48 bytes of data a packet: headers (21) + slice 1 (14) fit; slice 2 (14) + slice 3 (34)
    // = 48 fit; slice 4 alone.
    const packets = new MpegVideoPacketizer({ maxPacketSize: 12 + 4 + 48 }).packetize(picture, 0);
    assert.deepEqual(packets.map((p) => p.payload.byteLength - 4), [35, 48, 9]);
    // S only where the sequence header is; B and E on whole slices.
    assert.deepEqual(packets.map((p) => flags(p.payload)), ["111", "011", "011"]);
    assert.deepEqual(
      new Uint8Array(packets.flatMap((p) => [...p.payload.subarray(4)])),
      picture,
    );
  });

  it("packetize() splits a slice larger than a packet: B on its first piece, E on its last", () => {
    const picture = new Uint8Array([...P_PICTURE, ...unit(1, 100), ...unit(2, 3)]);
    const packets = new MpegVideoPacketizer({ maxPacketSize: 12 + 4 + 40 }).packetize(picture, 0);
    // headers (9); slice 1 (104) in 40 + 40 + 24; slice 2 (7).
    assert.deepEqual(packets.map((p) => p.payload.byteLength - 4), [9, 40, 40, 24, 7]);
    assert.deepEqual(packets.map((p) => flags(p.payload)), ["000", "010", "000", "001", "011"]);
    assert.deepEqual(packets.map((p) => p.marker), [false, false, false, false, true]);
  });

  it("packetize() refuses a picture without a picture header or a leading start code", () => {
    const p = new MpegVideoPacketizer();
    assert.throws(() => p.packetize(new Uint8Array([...SEQUENCE, ...unit(1, 4)]), 0), TypeError);
    assert.throws(() => p.packetize(new Uint8Array([7, ...P_PICTURE]), 0), TypeError);
  });

  it("numbers packets on and keeps the static payload type 32 by default", () => {
    const p = new MpegVideoPacketizer({ initialSequenceNumber: 65535, ssrc: 9 });
    const packets = p.packetize(new Uint8Array([...P_PICTURE, ...unit(1, 4)]), 1);
    assert.deepEqual(packets.map((x) => [x.sequenceNumber, x.payloadType, x.ssrc]), [[
      65535,
      32,
      9,
    ]]);
    assert.equal(p.sequenceNumber, 0);
    assert.throws(() => new MpegVideoPacketizer({ maxPacketSize: 16 }), RangeError);
  });
});
