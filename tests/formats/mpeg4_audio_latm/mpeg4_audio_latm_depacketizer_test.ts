import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Mpeg4AudioLatmDepacketizer } from "../../../src/formats/mpeg4_audio_latm/mpeg4_audio_latm_depacketizer.ts";
import { Mpeg4AudioLatmPacketizer } from "../../../src/formats/mpeg4_audio_latm/mpeg4_audio_latm_packetizer.ts";
import { parseStreamMuxConfig } from "../../../src/formats/mpeg4_audio_latm/stream_mux_config.ts";
import { decodeHex } from "../../../src/bytes/hex.ts";
import { rtpPacketAt } from "../_rtp.ts";
import { itReorders } from "../_reordering.ts";

const bytesOf = (length: number, seed = 0) =>
  Uint8Array.from({ length }, (_, i) => (i * 13 + seed) & 0xff);

function feed(d: Mpeg4AudioLatmDepacketizer, packets: [number, boolean, number[]][], ts = 0) {
  return packets.flatMap(([seq, marker, payload]) =>
    d.depacketize(rtpPacketAt(seq, ts, marker, payload))
  );
}

describe("Mpeg4AudioLatmDepacketizer", () => {
  for (const maxPacketSize of [undefined, 12 + 100, 12 + 1]) {
    it(
      `packetize() then depacketize() gives back every unit in packets of ${
        maxPacketSize ?? "default"
      } bytes`,
      () => {
        const units = [0, 1, 254, 255, 256, 510, 1500, 6144].map((n, i) => bytesOf(n, i));
        const p = new Mpeg4AudioLatmPacketizer({ maxPacketSize, initialSequenceNumber: 65530 });
        const d = new Mpeg4AudioLatmDepacketizer();
        const out = p.packetize(units, 4294966000).flatMap((x) => d.depacketize(x));
        assert.deepEqual(out.map((u) => u.data), units);
        assert.deepEqual(
          out.map((u) => u.timestamp),
          units.map((_, i) => (4294966000 + i * 1024) >>> 0),
        );
        assert.deepEqual([d.droppedElements, d.invalidPackets], [0, 0]);
      },
    );
  }

  it("depacketize() reads concatenated elements, 960-sample frames at twice the rate (SBR)", () => {
    // 44.1 kHz core, 960-sample frames; the RTP clock runs at 88.2 kHz: 1920 ticks a frame.
    const config = parseStreamMuxConfig(decodeHex("400024180000"));
    const d = new Mpeg4AudioLatmDepacketizer({ config, clockRate: 88200 });
    const out = feed(d, [[0, true, [1, 0xaa, 2, 0xbb, 0xcc, 0]]], 100);
    assert.deepEqual(out, [
      { timestamp: 100, data: Uint8Array.of(0xaa) },
      { timestamp: 2020, data: Uint8Array.of(0xbb, 0xcc) },
      { timestamp: 3940, data: new Uint8Array(0) },
    ]);
  });

  it("depacketize() skips other data and reads every subframe of an element", () => {
    // Two subframes and 12 bits (two bytes) of other data after them.
    const config = parseStreamMuxConfig(decodeHex("410023203fe0c0"));
    assert.deepEqual([config.subFrames, config.otherDataBits], [2, 12]);
    const d = new Mpeg4AudioLatmDepacketizer({ config });
    const out = feed(d, [[0, true, [1, 0xa1, 1, 0xa2, 0xee, 0xee, 1, 0xb1, 1, 0xb2, 0xee, 0xee]]]);
    assert.deepEqual(out.map((u) => [u.timestamp, ...u.data]), [
      [0, 0xa1],
      [1024, 0xa2],
      [2048, 0xb1],
      [3072, 0xb2],
    ]);
    assert.equal(d.invalidPackets, 0);
  });

  it("depacketize() counts a payload whose lengths do not add up as invalid", () => {
    const d = new Mpeg4AudioLatmDepacketizer();
    assert.deepEqual(
      feed(d, [
        [0, true, []], // empty
        [1, true, [5, 1, 2]], // shorter than its length
        [2, true, [255]], // the length runs off the end
        [3, true, [1, 9, 3]], // a second element cut short
      ]),
      [],
    );
    assert.deepEqual([d.invalidPackets, d.droppedElements], [4, 0]);
    assert.deepEqual(feed(d, [[4, true, [1, 9]]]), [{ timestamp: 0, data: Uint8Array.of(9) }]);
  });

  it("depacketize() drops an element that lost a packet and skips to the next marker", () => {
    const d = new Mpeg4AudioLatmDepacketizer();
    // 0: the start of a 4-byte unit; 1 lost; 2: its end, waiting for 1 until a packet of
    // another timestamp (3) comes. Then 5 is lost: 6 may be the end of an element that 5
    // started, so it is skipped; 7 is read.
    const out = [
      [0, 0, false, [4, 1]],
      [2, 0, true, [3, 4]],
      [3, 1024, true, [1, 7]],
      [4, 2048, false, [2, 5]],
      [6, 2048, true, [6]],
      [7, 3072, true, [1, 8]],
    ].flatMap(([seq, ts, marker, payload]) =>
      d.depacketize(
        rtpPacketAt(seq as number, ts as number, marker as boolean, payload as number[]),
      )
    );
    assert.deepEqual(out, [
      { timestamp: 1024, data: Uint8Array.of(7) },
      { timestamp: 3072, data: Uint8Array.of(8) },
    ]);
    assert.deepEqual([d.droppedElements, d.invalidPackets], [2, 0]);
  });

  it("depacketize() drops an element whose packets outgrow maxElementBytes", () => {
    const d = new Mpeg4AudioLatmDepacketizer({ maxElementBytes: 4 });
    assert.deepEqual(feed(d, [[0, false, [255, 1, 2]], [1, false, [3, 4]], [2, true, [5]]]), []);
    assert.equal(d.droppedElements, 1);
    assert.deepEqual(feed(d, [[3, true, [2, 1, 2]]]), [{
      timestamp: 0,
      data: Uint8Array.of(1, 2),
    }]);
  });

  it("depacketize() drops an element whose timestamp changes before its marker", () => {
    const d = new Mpeg4AudioLatmDepacketizer();
    const out = [
      ...d.depacketize(rtpPacketAt(0, 0, false, [3, 1])),
      ...d.depacketize(rtpPacketAt(1, 1024, true, [1, 5])),
    ];
    assert.deepEqual(out, [{ timestamp: 1024, data: Uint8Array.of(5) }]);
    assert.equal(d.droppedElements, 1);
  });

  it("the constructor refuses a bad clock rate or bound", () => {
    assert.throws(() => new Mpeg4AudioLatmDepacketizer({ clockRate: 0 }), RangeError);
    assert.throws(() => new Mpeg4AudioLatmDepacketizer({ maxElementBytes: -1 }), RangeError);
  });

  itReorders({
    create: () => new Mpeg4AudioLatmDepacketizer(),
    counts: (d) => ({ dropped: d.droppedElements, invalid: d.invalidPackets }),
    // One element of 2 * count bytes, its length byte first, two bytes a packet.
    payload: (i, count, tag) => i === 0 ? [2 * count - 1, tag] : [tag, i],
    reset: (d) => d.reset(),
    flush: (d) => d.flush(),
    keepsFrameAfterLoss: false,
  });
});
