import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { WriteQueue } from "../../src/server/_write_queue.ts";
import type { TcpConn } from "../../src/net/types.ts";

function fakeConn(write: (d: Uint8Array) => void) {
  return {
    closed: false,
    bufferedAmount: 0,
    write,
    writeMany: (d: readonly Uint8Array[]) => d.forEach(write),
  } as unknown as TcpConn;
}

const nextFlush = () => new Promise((resolve) => setTimeout(resolve, 5));

describe("WriteQueue", () => {
  it("push() of many queues in one turn is written by one shared flush, in push order", async () => {
    const got: number[][] = [[], [], []];
    const queues = got.map((g) => new WriteQueue(fakeConn((d) => g.push(d[0])), 8, () => 0));
    for (const q of queues) q.start();
    for (let i = 0; i < 3; i++) for (const q of queues) q.push(new Uint8Array([i]));
    assert.deepEqual(got, [[], [], []]);
    await nextFlush();
    assert.deepEqual(got, [[0, 1, 2], [0, 1, 2], [0, 1, 2]]);
  });

  it("a connection whose write() throws does not keep the other queues from flushing", async () => {
    const got: number[] = [];
    const bad = new WriteQueue(
      fakeConn(() => {
        throw new Error("boom");
      }),
      8,
      () => 0,
    );
    const good = new WriteQueue(fakeConn((d) => got.push(d[0])), 8, () => 0);
    bad.start();
    good.start();
    bad.push(new Uint8Array([1]));
    good.push(new Uint8Array([2]));
    await nextFlush();
    assert.deepEqual(got, [2]);
    good.push(new Uint8Array([3]));
    await nextFlush();
    assert.deepEqual(got, [2, 3]);
  });
});
