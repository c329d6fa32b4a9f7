/**
 * The reordering tests of the RTP depacketizers that put packets back in sequence order with a
 * PacketReorderer: every arrival order of a small fragmented frame, reordering across a frame
 * boundary, loss, and the bound on the packets that wait. Each depacketizer's test file runs
 * them with {@linkcode itReorders} and a {@linkcode ReorderTarget} of its own.
 */
import { it } from "node:test";
import assert from "node:assert/strict";
import type { RtpPacket } from "../../src/rtp/mod.ts";
import { MAX_HELD_PACKETS } from "../../src/formats/_packet_reorderer.ts";
import { rtpPacketAt } from "./_rtp.ts";

/** What the reordering tests need of a depacketizer. */
export interface Depacketizer<T> {
  depacketize(pkt: RtpPacket): T[];
}

/** A depacketizer under test and how to make its packets. */
export interface ReorderTarget<T, D extends Depacketizer<T>> {
  /** A new depacketizer. */
  create(): D;
  /** Frames (or access units) it dropped, and packets it found invalid. */
  counts(depacketizer: D): { dropped: number; invalid: number };
  /**
   * The payload of packet `index` of a frame of `count` packets: the whole frame, or a piece of
   * a fragmented one (the tests put the marker bit on the last); `tag` (0-255) tells frames
   * apart.
   */
  payload(index: number, count: number, tag: number): number[];
  /**
   * Whether a frame right after a lost packet is kept: its packets tell where it starts
   * (VP8, VP9, MJPEG). Otherwise the lost packet may have been its first, and it goes too.
   */
  keepsFrameAfterLoss: boolean;
  /** Forgets the frame in progress and the packets waiting (e.g. after a seek). */
  reset(depacketizer: D): void;
  /** End of stream, for a depacketizer that keeps an unfinished frame until then. */
  flush?(depacketizer: D): T[];
}

/** Every order of `items`. */
export function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((x, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [x, ...rest])
  );
}

/** Frames of the given packet counts, numbered on from sequence number 0, 3000 ticks apart. */
function stream<T, D extends Depacketizer<T>>(
  target: ReorderTarget<T, D>,
  packetCounts: readonly number[],
): RtpPacket[][] {
  let seq = 0;
  return packetCounts.map((count, frame) =>
    Array.from({ length: count }, (_, i) => {
      const payload = target.payload(i, count, frame);
      return rtpPacketAt(seq++, 3000 * frame, i === count - 1, payload);
    })
  );
}

/** What each frame gives when its packets come in order; one thing each, or the test fails. */
function inOrder<T, D extends Depacketizer<T>>(
  target: ReorderTarget<T, D>,
  frames: readonly RtpPacket[][],
): T[][] {
  const d = target.create();
  const out = frames.map((f) => f.flatMap((p) => d.depacketize(p)));
  assert.deepEqual(out.map((x) => x.length), frames.map(() => 1));
  return out;
}

/** Feeds packets and joins what comes out. */
function feed<T>(d: Depacketizer<T>, packets: readonly RtpPacket[]): T[] {
  return packets.flatMap((p) => d.depacketize(p));
}

/**
 * Defines the reordering tests of a depacketizer (inside its `describe`).
 *
 * @param target The depacketizer and its packets.
 */
export function itReorders<T, D extends Depacketizer<T>>(target: ReorderTarget<T, D>): void {
  /** Asserts the counts of a depacketizer. */
  function assertCounts(d: D, dropped: number): void {
    assert.deepEqual(target.counts(d), { dropped, invalid: 0 });
  }

  // A first frame of one packet sets where the sequence is; the second is fragmented in three.
  for (const order of permutations([0, 1, 2])) {
    it(`depacketize() puts a frame's packets back in sequence order: arrival ${order}`, () => {
      const frames = stream(target, [1, 3]);
      const d = target.create();
      const out = [...feed(d, frames[0]!), ...feed(d, order.map((i) => frames[1]![i]!))];
      assert.deepEqual(out, inOrder(target, frames).flat());
      assertCounts(d, 0);
    });
  }

  it("depacketize() accepts the next frame's first packet before the last one of a frame", () => {
    const frames = stream(target, [1, 3, 2]);
    const [first, a, b] = [frames[0]!, frames[1]!, frames[2]!];
    const d = target.create();
    const out = feed(d, [...first, a[0]!, a[1]!, b[0]!, a[2]!, b[1]!]);
    assert.deepEqual(out, inOrder(target, frames).flat());
    assertCounts(d, 0);
  });

  it("depacketize() rebuilds every frame of a stream whose packets come in swapped pairs", () => {
    const frames = stream(target, [1, 3, 2, 3, 1, 3, 2]);
    const packets = frames.flat();
    // Packets 1 and 2 trade places, 3 and 4, ... (the first sets where the sequence is).
    const swapped = packets.map((p, i) => i === 0 ? p : packets[((i - 1) ^ 1) + 1] ?? p);
    const d = target.create();
    assert.deepEqual(feed(d, swapped), inOrder(target, frames).flat());
    assertCounts(d, 0);
  });

  it("depacketize() gives up a lost packet when a packet of another timestamp arrives", () => {
    const frames = stream(target, [1, 3, 1]);
    const [first, a, b] = [frames[0]!, frames[1]!, frames[2]!];
    const d = target.create();
    feed(d, first);
    // The middle packet of a is lost: its last one waits for it.
    assert.deepEqual(feed(d, [a[0]!, a[2]!]), []);
    assertCounts(d, 0);
    // A packet of the next frame: the middle one is lost, a dropped, b decoded.
    assert.deepEqual(feed(d, b), inOrder(target, frames)[2]);
    assertCounts(d, 1);
    assert.deepEqual(d.depacketize(a[1]!), []); // too late now
    assertCounts(d, 1);
  });

  it("depacketize() holds the frame after a lost packet until the next frame begins", () => {
    const frames = stream(target, [1, 3, 2, 1]);
    const [first, a, b, c] = [frames[0]!, frames[1]!, frames[2]!, frames[3]!];
    const d = target.create();
    feed(d, [...first, a[0]!, a[1]!]);
    // The end of a is lost: b waits, as it could still come.
    assert.deepEqual(feed(d, b), []);
    const expected = inOrder(target, frames);
    const kept = target.keepsFrameAfterLoss ? [...expected[2]!, ...expected[3]!] : expected[3]!;
    assert.deepEqual(feed(d, c), kept);
    const { dropped, invalid } = target.counts(d);
    assert.ok(dropped >= 1, `dropped ${dropped}`);
    assert.equal(invalid, 0);
  });

  it(`depacketize() lets up to ${MAX_HELD_PACKETS} packets wait for a missing one`, () => {
    const frames = stream(target, [1, MAX_HELD_PACKETS + 2]);
    const a = frames[1]!;
    const d = target.create();
    feed(d, frames[0]!);
    // Packet 1 of a comes last: the others wait for it.
    assert.deepEqual(feed(d, [a[0]!, ...a.slice(2)]), []);
    assert.deepEqual(d.depacketize(a[1]!), inOrder(target, frames)[1]);
    assertCounts(d, 0);
  });

  it(`depacketize() gives up a lost packet when more than ${MAX_HELD_PACKETS} wait`, () => {
    const frames = stream(target, [1, MAX_HELD_PACKETS + 3, 1]);
    const a = frames[1]!;
    const d = target.create();
    feed(d, frames[0]!);
    assert.deepEqual(feed(d, [a[0]!, ...a.slice(2)]), []);
    assert.deepEqual(d.depacketize(a[1]!), []); // too late: given up already
    assert.deepEqual(feed(d, frames[2]!), inOrder(target, frames)[2]);
    assertCounts(d, 1);
  });

  it("reset() forgets the frame in progress and the packets waiting", () => {
    const frames = stream(target, [1, 3]);
    const a = frames[1]!;
    const d = target.create();
    feed(d, [...frames[0]!, a[0]!, a[2]!]);
    target.reset(d);
    // A seek back: the same packets again, which would otherwise be late.
    assert.deepEqual(feed(d, frames.flat()), inOrder(target, frames).flat());
    assertCounts(d, 0);
  });

  const flush = target.flush;
  if (flush !== undefined) {
    it("flush() gives up a packet still missing at the end of the stream", () => {
      const frames = stream(target, [1, 3]);
      const a = frames[1]!;
      const d = target.create();
      feed(d, [...frames[0]!, a[0]!, a[2]!]);
      assertCounts(d, 0);
      assert.deepEqual(flush(d), []);
      assertCounts(d, 1);
    });
  }
}
