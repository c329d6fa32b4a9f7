import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Mp2tDepacketizer } from "../../../src/formats/mp2t/mp2t_depacketizer.ts";
import { Mp2tPacketizer } from "../../../src/formats/mp2t/mp2t_packetizer.ts";
import { MpegTsReader } from "../../../src/mpegts/ts_reader.ts";
import type { RtpPacket } from "../../../src/rtp/mod.ts";
import { rtpPacketAt } from "../_rtp.ts";
import { permutations } from "../_reordering.ts";
import { MP2T_CASES, tsPackets } from "./_cases.ts";

function packet(sequenceNumber: number, timestamp: number, payload: Uint8Array): RtpPacket {
  return { ...rtpPacketAt(sequenceNumber, timestamp, false, payload), payloadType: 33 };
}

function join(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.byteLength;
  }
  return out;
}

describe("Mp2tDepacketizer", () => {
  for (const c of MP2T_CASES) {
    it(`depacketize() decodes: ${c.name}`, () => {
      const d = new Mp2tDepacketizer();
      const payloads = c.payloads.map(([first, n]) =>
        c.ts.subarray(first * 188, (first + n) * 188)
      );
      const out = payloads.flatMap((p, i) => d.depacketize(packet(i, 9000, p)));
      assert.deepEqual(out, payloads.map((data) => ({ timestamp: 9000, data })));
      assert.equal(d.invalidPackets, 0);
    });
  }

  const invalid: [string, Uint8Array][] = [
    ["an empty payload", new Uint8Array(0)],
    ["a payload shorter than a TS packet", tsPackets(1).subarray(0, 187)],
    ["a payload not a multiple of 188 bytes", tsPackets(2).subarray(0, 200)],
    ["a payload one byte over", new Uint8Array([...tsPackets(1), 0x47])],
    ["a first TS packet without 0x47", tsPackets(1).map((x, i) => i === 0 ? 0x46 : x)],
    ["a later TS packet without 0x47", tsPackets(3).map((x, i) => i === 376 ? 0 : x)],
  ];
  for (const [name, payload] of invalid) {
    it(`depacketize() drops and counts ${name}`, () => {
      const d = new Mp2tDepacketizer();
      assert.deepEqual(d.depacketize(packet(0, 0, payload)), []);
      assert.equal(d.invalidPackets, 1);
      // The next good packet comes through.
      assert.equal(d.depacketize(packet(1, 0, tsPackets(1))).length, 1);
    });
  }

  for (const order of permutations([0, 1, 2])) {
    it(`depacketize() puts packets back in sequence order: arrival ${order}`, () => {
      const payloads = [0, 1, 2].map((i) => tsPackets(2, 2 * i));
      const d = new Mp2tDepacketizer();
      const out = [
        ...d.depacketize(packet(99, 0, tsPackets(1))),
        ...order.flatMap((i) => d.depacketize(packet(100 + i, 0, payloads[i]!))),
      ];
      assert.deepEqual(out.map((u) => u.data), [tsPackets(1), ...payloads]);
    });
  }

  it("depacketize() ignores a duplicate; flush() gives up a gap; reset() forgets", () => {
    const d = new Mp2tDepacketizer();
    assert.equal(d.depacketize(packet(0, 0, tsPackets(1, 0))).length, 1);
    assert.deepEqual(d.depacketize(packet(0, 0, tsPackets(1, 0))), []);
    // 1 is lost: 2 waits, then flush() hands it on.
    assert.deepEqual(d.depacketize(packet(2, 0, tsPackets(1, 2))), []);
    assert.deepEqual(d.flush().map((u) => u.data), [tsPackets(1, 2)]);
    d.reset();
    assert.equal(d.depacketize(packet(0, 0, tsPackets(1, 0))).length, 1);
  });

  it("packetize() then depacketize() gives back a real TS file, which the TS reader demuxes", () => {
    const ts = new Uint8Array(
      readFileSync(new URL("../../testdata/mpegts/ffmpeg_h264_aac.mpegts", import.meta.url)),
    );
    for (const maxPacketSize of [undefined, 12 + 188, 1472]) {
      const p = new Mp2tPacketizer({ maxPacketSize });
      const d = new Mp2tDepacketizer();
      const out = p.packetize(ts, 0).flatMap((x) => d.depacketize(x));
      assert.deepEqual(join(out.map((u) => u.data)), ts);
      // The reader sees the same tracks and PES packets as in the file itself.
      const reader = new MpegTsReader();
      const events = out.flatMap((u) => reader.push(u.data));
      const direct = new MpegTsReader();
      const directEvents = direct.push(ts);
      assert.deepEqual(reader.tracks.map((t) => t.codec), direct.tracks.map((t) => t.codec));
      assert.ok(reader.tracks.length === 2);
      const pes = (e: typeof events) => e.filter((x) => x.kind === "pes").map((x) => x.data);
      assert.deepEqual(pes(events), pes(directEvents));
      assert.ok(pes(events).length > 0);
    }
  });
});
