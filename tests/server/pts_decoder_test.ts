import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { PtsDecoder } from "../../src/server/pts_decoder.ts";
import type { RtpPacket } from "../../src/rtp/mod.ts";

function packet(timestamp: number): RtpPacket {
  return {
    marker: false,
    payloadType: 96,
    sequenceNumber: 0,
    timestamp,
    ssrc: 1,
    csrc: [],
    paddingSize: 0,
    payload: new Uint8Array(0),
  };
}

function setup() {
  const clock = { now: 1_700_000_000_000 };
  const decoder = new PtsDecoder(() => clock.now);
  return { clock, decoder };
}

describe("PtsDecoder", () => {
  it("decode() starts the leading track at 0 and follows its timestamps", () => {
    const { decoder } = setup();
    const video = {};
    assert.deepEqual(decoder.decode(video, 90000, packet(123456), true), { pts: 0, ok: true });
    assert.deepEqual(decoder.decode(video, 90000, packet(123456 + 3000), false), {
      pts: 3000,
      ok: true,
    });
    assert.deepEqual(decoder.decode(video, 90000, packet(123456 + 9000), true), {
      pts: 9000,
      ok: true,
    });
  });

  it("decode() returns ok=false until the track's first PTS==DTS packet", () => {
    const { decoder } = setup();
    const video = {};
    assert.deepEqual(decoder.decode(video, 90000, packet(1000), false), { pts: 0, ok: false });
    assert.deepEqual(decoder.decode(video, 90000, packet(4000), false), { pts: 0, ok: false });
    assert.deepEqual(decoder.decode(video, 90000, packet(7000), true), { pts: 0, ok: true });
  });

  it("decode() returns ok=false with clock rate 0", () => {
    const { decoder } = setup();
    const track = {};
    assert.deepEqual(decoder.decode(track, 0, packet(1000), true), { pts: 0, ok: false });
    assert.deepEqual(decoder.decode(track, 0, packet(2000), true), { pts: 0, ok: false });
  });

  it("decode() accumulates signed 32-bit deltas across wrap-around and B-frames", () => {
    const { decoder } = setup();
    const video = {};
    decoder.decode(video, 90000, packet(0xfffffe00), true);
    assert.equal(decoder.decode(video, 90000, packet(0x00000200), true).pts, 0x400);
    assert.equal(decoder.decode(video, 90000, packet(0x00000100), false).pts, 0x300);
    assert.equal(decoder.decode(video, 90000, packet(0xfffffd00), false).pts, -0x100);
  });

  it("decode() starts another track at the leader's PTS plus elapsed wall time", () => {
    const { clock, decoder } = setup();
    const video = {};
    const audio = {};
    decoder.decode(video, 90000, packet(5000), true);
    clock.now += 2000;
    // Leader reaches PTS 180000 (2 s) at its latest PTS==DTS packet.
    decoder.decode(video, 90000, packet(5000 + 180000), true);
    clock.now += 500;
    // A non-PTS==DTS packet of the leader does not move the anchor.
    decoder.decode(video, 90000, packet(5000 + 270000), false);
    // Audio joins 0.5 s after the anchor: 2.5 s at 48 kHz.
    assert.deepEqual(decoder.decode(audio, 48000, packet(77), true), { pts: 120000, ok: true });
    assert.deepEqual(decoder.decode(audio, 48000, packet(77 + 960), true), {
      pts: 120960,
      ok: true,
    });
  });

  it("decode() does not let a follower move the shared anchor", () => {
    const { clock, decoder } = setup();
    const video = {};
    const audio = {};
    const data = {};
    decoder.decode(video, 90000, packet(0), true);
    clock.now += 1000;
    decoder.decode(audio, 48000, packet(0), true);
    decoder.decode(audio, 48000, packet(480000), true);
    assert.deepEqual(decoder.decode(data, 1000, packet(0), true), { pts: 1000, ok: true });
  });

  it("decode() keeps separate state per track key and per decoder", () => {
    const a = setup();
    const b = setup();
    const track = {};
    a.decoder.decode(track, 90000, packet(0), true);
    assert.equal(a.decoder.decode(track, 90000, packet(900), true).pts, 900);
    assert.deepEqual(b.decoder.decode(track, 90000, packet(900), true), { pts: 0, ok: true });
  });
});
