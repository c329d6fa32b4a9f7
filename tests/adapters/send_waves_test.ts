import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { SendWaves } from "../../src/adapters/_send_waves.ts";
import type { NetAddr } from "../../src/net/types.ts";

const A: NetAddr = { hostname: "10.0.0.1", port: 5000 };
const B: NetAddr = { hostname: "10.0.0.2", port: 5000 };
const C: NetAddr = { hostname: "10.0.0.1", port: 5002 };

/** SendWaves over a fake send API that records each issued datagram and completes on demand. */
function fakeWaves(maxPending: number, failing = new Set<number>()) {
  const issued: number[] = [];
  let inFlight = 0;
  const waves = new SendWaves((data) => {
    if (failing.has(data[0])) return false;
    issued.push(data[0]);
    inFlight++;
    return true;
  }, maxPending);
  /** Completes every send in flight; returns what the finished wave held. */
  const completeWave = () => {
    const wave = issued.splice(0);
    const count = inFlight;
    inFlight = 0;
    for (let i = 0; i < count; i++) waves.completed();
    return wave;
  };
  return { waves, issued, completeWave };
}

const datagram = (id: number) => Uint8Array.of(id);

describe("SendWaves", () => {
  it("send() issues one datagram per destination at once and the rest wave by wave, in order", () => {
    const { waves, issued, completeWave } = fakeWaves(100);
    const to = [A, B, C, A, B, C, A, A, B];
    to.forEach((addr, id) => assert.equal(waves.send(datagram(id), addr), true));
    assert.deepEqual(issued, [0, 1, 2]);
    assert.equal(waves.pending, 9);
    assert.deepEqual(completeWave(), [0, 1, 2]);
    assert.deepEqual(completeWave(), [3, 4, 5]);
    // The wave stops at the first destination already in it: no datagram overtakes another.
    assert.deepEqual(completeWave(), [6]);
    assert.deepEqual(completeWave(), [7, 8]);
    assert.equal(waves.pending, 0);
  });

  it("send() to a destination not in flight joins the wave while there is no backlog", () => {
    const { waves, issued, completeWave } = fakeWaves(100);
    waves.send(datagram(0), A);
    waves.send(datagram(1), B);
    assert.deepEqual(issued, [0, 1]);
    waves.send(datagram(2), A);
    // A backlog exists now: B waits behind it too.
    waves.send(datagram(3), C);
    assert.deepEqual(issued, [0, 1]);
    assert.deepEqual(completeWave(), [0, 1]);
    assert.deepEqual(completeWave(), [2, 3]);
  });

  it("the next wave leaves only when every send of the wave completed", () => {
    const { waves, issued } = fakeWaves(100);
    waves.send(datagram(0), A);
    waves.send(datagram(1), B);
    waves.send(datagram(2), A);
    waves.completed();
    assert.deepEqual(issued, [0, 1]);
    waves.completed();
    assert.deepEqual(issued, [0, 1, 2]);
  });

  it("send() drops past maxPending, counting in flight and waiting", () => {
    const { waves, completeWave } = fakeWaves(3);
    assert.equal(waves.send(datagram(0), A), true);
    assert.equal(waves.send(datagram(1), A), true);
    assert.equal(waves.send(datagram(2), B), true);
    assert.equal(waves.send(datagram(3), C), false);
    assert.equal(waves.pending, 3);
    completeWave();
    assert.equal(waves.pending, 2);
    assert.equal(waves.send(datagram(4), C), true);
    assert.equal(waves.send(datagram(5), C), false);
  });

  it("a send that fails at once returns false, or is skipped in a wave", () => {
    const { waves, issued, completeWave } = fakeWaves(100, new Set([0, 2, 3]));
    assert.equal(waves.send(datagram(0), A), false);
    assert.equal(waves.pending, 0);
    waves.send(datagram(1), A);
    waves.send(datagram(2), A);
    waves.send(datagram(3), A);
    waves.send(datagram(4), A);
    assert.deepEqual(completeWave(), [1]);
    // 2 and 3 failed at once and were skipped: 4 left in their wave.
    assert.deepEqual(issued, [4]);
    assert.deepEqual(completeWave(), [4]);
    assert.equal(waves.pending, 0);
  });

  it("whenIdle() calls back once the backlog has left, or at once when idle; clear() drops the backlog", () => {
    const { waves, completeWave } = fakeWaves(100);
    let idle = 0;
    waves.whenIdle(() => idle++);
    assert.equal(idle, 1);
    waves.send(datagram(0), A);
    waves.send(datagram(1), A);
    waves.whenIdle(() => idle++);
    completeWave();
    assert.equal(idle, 1);
    completeWave();
    assert.equal(idle, 2);
    waves.send(datagram(2), A);
    waves.send(datagram(3), A);
    waves.whenIdle(() => idle++);
    waves.clear();
    assert.equal(waves.pending, 1);
    assert.deepEqual(completeWave(), [2]);
    assert.equal(idle, 2);
    assert.equal(waves.pending, 0);
  });

  it("send() tells destinations by value: an equal new object waits, a changed object does not", () => {
    const { waves, issued } = fakeWaves(100);
    const addr = { ...A };
    waves.send(datagram(0), addr);
    waves.send(datagram(1), { ...A });
    assert.deepEqual(issued, [0]);
    const other = fakeWaves(100);
    const moving = { ...A };
    other.waves.send(datagram(0), moving);
    moving.hostname = B.hostname;
    other.waves.send(datagram(1), moving);
    assert.deepEqual(other.issued, [0, 1]);
  });

  it("a long backlog keeps its order across compaction", () => {
    const { waves, completeWave } = fakeWaves(5000);
    for (let i = 0; i < 3000; i++) waves.send(Uint8Array.of(i & 0xff), A);
    const got: number[] = [];
    for (let i = 0; i < 1500; i++) got.push(...completeWave());
    for (let i = 3000; i < 4000; i++) waves.send(Uint8Array.of(i & 0xff), A);
    while (waves.pending > 0) got.push(...completeWave());
    assert.deepEqual(got, Array.from({ length: 4000 }, (_, i) => i & 0xff));
  });
});
