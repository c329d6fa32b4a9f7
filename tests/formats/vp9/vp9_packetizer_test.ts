import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Vp9Packetizer } from "../../../src/formats/vp9/vp9_packetizer.ts";
import { Vp9Depacketizer } from "../../../src/formats/vp9/vp9_depacketizer.ts";
import { decodeVp9PayloadDescriptor } from "../../../src/formats/vp9/vp9_payload_descriptor.ts";
import { assertPacketized } from "../_rtp.ts";
import { VP9_FRAME_CASES } from "./_cases.ts";
import { loadIvf } from "./_captures.ts";

describe("Vp9Packetizer", () => {
  for (const c of VP9_FRAME_CASES) {
    it(`packetize() encodes: ${c.name}`, () => {
      const packets = new Vp9Packetizer({
        payloadType: 96,
        initialSequenceNumber: 1,
        initialPictureId: c.initialPictureId,
        maxPacketSize: c.maxPacketSize,
      }).packetize(c.frame, 90);
      assertPacketized(packets, c.payloads);
      assert.deepEqual(packets.map((x) => x.timestamp), c.payloads.map(() => 90));
    });
  }

  it("packetize() increments the 15-bit picture ID per frame and wraps", () => {
    const p = new Vp9Packetizer({ payloadType: 96, initialPictureId: 0x7ffe });
    const ids = [0, 1, 2].map(() =>
      decodeVp9PayloadDescriptor(p.packetize(new Uint8Array([0x86, 0]), 0)[0]!.payload)
        .descriptor.pictureId
    );
    assert.deepEqual(ids, [0x7ffe, 0x7fff, 0]);
    assert.equal(p.pictureId, 1);
  });

  it("packetize() keeps every packet within maxPacketSize", () => {
    for (const maxPacketSize of [16, 17, 100, 1200]) {
      const p = new Vp9Packetizer({ payloadType: 96, maxPacketSize });
      for (const frame of loadIvf("ffmpeg_vp9.ivf").slice(0, 3)) {
        for (const pkt of p.packetize(frame, 0)) {
          assert.ok(12 + pkt.payload.byteLength <= maxPacketSize);
        }
      }
    }
  });

  it("constructor throws RangeError when maxPacketSize leaves no room for data", () => {
    assert.throws(() => new Vp9Packetizer({ payloadType: 96, maxPacketSize: 15 }), RangeError);
  });

  it("packetize() throws RangeError for an empty frame", () => {
    assert.throws(
      () => new Vp9Packetizer({ payloadType: 96 }).packetize(new Uint8Array(0), 0),
      RangeError,
    );
  });

  it("packetize() then depacketize() round-trips the ffmpeg libvpx-vp9 frames", () => {
    const frames = loadIvf("ffmpeg_vp9.ivf");
    for (const maxPacketSize of [100, 1472]) {
      const p = new Vp9Packetizer({ payloadType: 96, maxPacketSize });
      const d = new Vp9Depacketizer();
      const out = frames.flatMap((frame, i) =>
        p.packetize(frame, i * 3600).flatMap((x) => d.depacketize(x))
      );
      assert.deepEqual(out, frames.map((frame, i) => ({ timestamp: i * 3600, frame })));
      assert.equal(d.droppedFrames, 0);
    }
  });

  it("packetize() sends the resolution of the ffmpeg capture's key frames (profile 1, RGB)", () => {
    const p = new Vp9Packetizer({ payloadType: 96, maxPacketSize: 1200 });
    const structures = loadIvf("ffmpeg_vp9.ivf").map((frame) =>
      p.packetize(frame, 0).map((x) => decodeVp9PayloadDescriptor(x.payload).descriptor)
    );
    for (const [i, descriptors] of structures.entries()) {
      const expected = i === 0 || i === 15
        ? { spatialLayers: 1, resolutions: [{ width: 320, height: 240 }] }
        : undefined;
      assert.deepEqual(descriptors[0]!.scalabilityStructure, expected);
      assert.ok(descriptors.slice(1).every((d) => d.scalabilityStructure === undefined));
    }
  });

  it("packetize() leaves the SS out when packets are too small for it", () => {
    const frame = VP9_FRAME_CASES[0]!.frame;
    const packets = new Vp9Packetizer({ payloadType: 96, maxPacketSize: 12 + 8 }).packetize(
      frame,
      0,
    );
    assert.equal(packets[0]!.payload.byteLength, 8);
    assert.equal(
      decodeVp9PayloadDescriptor(packets[0]!.payload).descriptor.scalabilityStructure,
      undefined,
    );
    const bigger = new Vp9Packetizer({ payloadType: 96, maxPacketSize: 12 + 9 }).packetize(
      frame,
      0,
    );
    assert.deepEqual(
      decodeVp9PayloadDescriptor(bigger[0]!.payload).descriptor.scalabilityStructure,
      {
        spatialLayers: 1,
        resolutions: [{ width: 320, height: 240 }],
      },
    );
  });

  it("packetize() marks key frames of the ffmpeg capture with P=0 and others with P=1", () => {
    const p = new Vp9Packetizer({ payloadType: 96 });
    const predicted = loadIvf("ffmpeg_vp9.ivf").map((frame) =>
      decodeVp9PayloadDescriptor(p.packetize(frame, 0)[0]!.payload).descriptor
        .interPicturePredicted
    );
    // -g 15: key frames at 0 and 15.
    assert.deepEqual(predicted.map((x, i) => x ? -1 : i).filter((i) => i >= 0), [0, 15]);
  });
});
