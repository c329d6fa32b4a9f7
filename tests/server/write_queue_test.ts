import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { MANY_DUE_QUEUES, STEADY_STREAM_MS, WriteQueue } from "../../src/server/_write_queue.ts";
import { detectNetAdapter } from "../../src/adapters/auto.ts";
import { createNodeAdapter } from "../../src/adapters/node/mod.ts";
import type { NetAdapter, TcpConn } from "../../src/net/types.ts";
import { runtimeCommand, spawnProcess } from "../_helpers/process.ts";

/** A fake connection that records every write call: one array per write. */
function countingConn(bufferedAmount = 0) {
  const writes: number[][] = [];
  const conn = {
    closed: false,
    bufferedAmount,
    write: (d: Uint8Array) => writes.push([d[0]]),
    writeMany: (d: readonly Uint8Array[]) => writes.push(d.map((x) => x[0])),
  };
  return { conn, tcp: conn as unknown as TcpConn, writes };
}

function fakeConn(write: (d: Uint8Array) => void) {
  return {
    closed: false,
    bufferedAmount: 0,
    write,
    writeMany: (d: readonly Uint8Array[]) => d.forEach(write),
  } as unknown as TcpConn;
}

const nextFlush = () => new Promise((resolve) => setTimeout(resolve, 5));

/** The adapters this runtime can run: its own and node:net (all three runtimes have it). */
async function adapters(): Promise<NetAdapter[]> {
  const native = await detectNetAdapter();
  return native.name === "node" ? [native] : [native, createNodeAdapter()];
}

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

  it("a queue holds up to its capacity in order, across wrap-around, though its ring starts small", async () => {
    const got: number[] = [];
    const conn = fakeConn((d) => got.push(d[0]));
    const q = new WriteQueue(conn, 64, () => 0);
    q.start();
    // Wrap the small ring first: 5 frames out, then more than the first ring holds.
    for (let i = 0; i < 5; i++) q.push(new Uint8Array([i]));
    await nextFlush();
    (conn as { bufferedAmount: number }).bufferedAmount = 1 << 30; // backed up: frames stay queued
    for (let i = 5; i < 69; i++) assert.equal(q.push(new Uint8Array([i])), true, `frame ${i}`);
    assert.equal(q.push(new Uint8Array([69])), false); // capacity 64 reached
    (conn as { bufferedAmount: number }).bufferedAmount = 0;
    q.onDrain();
    await nextFlush();
    assert.deepEqual(got, Array.from({ length: 69 }, (_, i) => i));
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

  it("schedules the shared flush once per turn through the adapter's scheduleAfterIo", async () => {
    const scheduled: (() => void)[] = [];
    const scheduler = { scheduleAfterIo: (callback: () => void) => void scheduled.push(callback) };
    const readers = [countingConn(), countingConn()];
    const queues = readers.map((r) => new WriteQueue(r.tcp, 8, () => 0, scheduler));
    for (const q of queues) q.start();
    for (let packet = 0; packet < 3; packet++) {
      for (const q of queues) q.push(new Uint8Array([packet]));
    }
    assert.equal(scheduled.length, 1);
    await nextFlush();
    assert.deepEqual(readers.map((r) => r.writes), [[], []], "only the adapter's hook flushes");
    scheduled[0]();
    assert.deepEqual(readers.map((r) => r.writes), [[[0, 1, 2]], [[0, 1, 2]]]);
    queues[0].push(new Uint8Array([3]));
    assert.equal(scheduled.length, 2, "the next turn schedules again");
    scheduled[1]();
    assert.deepEqual(readers[0].writes, [[0, 1, 2], [3]]);
  });

  it("many readers of a steady stream wait for the timer; few readers or a pause flush at once", async () => {
    let clock = 1_000_000;
    const scheduled: (() => void)[] = [];
    const scheduler = { scheduleAfterIo: (callback: () => void) => void scheduled.push(callback) };
    const readers = Array.from({ length: MANY_DUE_QUEUES }, () => countingConn());
    const queues = readers.map((r) => new WriteQueue(r.tcp, 8, () => clock, scheduler));
    for (const q of queues) q.start();
    const turn = (count: number, packet: number) => {
      for (const q of queues.slice(0, count)) q.push(new Uint8Array([packet]));
      scheduled.pop()!();
    };
    const writes = () => readers.map((r) => r.writes.length);
    turn(MANY_DUE_QUEUES, 0); // the first packet after a pause: written in its own turn
    assert.deepEqual(writes(), readers.map(() => 1));
    clock += STEADY_STREAM_MS - 1;
    turn(MANY_DUE_QUEUES, 1); // steady and many readers: held for the timer
    assert.deepEqual(writes(), readers.map(() => 1));
    await nextFlush();
    assert.deepEqual(writes(), readers.map(() => 2));
    assert.deepEqual(readers[0].writes[1], [1]);
    clock += STEADY_STREAM_MS - 1;
    turn(MANY_DUE_QUEUES - 1, 2); // steady but fewer readers: written at once
    assert.deepEqual(writes(), [...readers.slice(1).map(() => 3), 2]);
    clock += STEADY_STREAM_MS;
    turn(MANY_DUE_QUEUES, 3); // many readers after a pause of STEADY_STREAM_MS: at once
    assert.equal(readers[MANY_DUE_QUEUES - 1].writes.length, 3);
    assert.deepEqual(readers[0].writes.at(-1), [3]);
  });

  for (const name of ["native", "node"] as const) {
    it(`gathers several packets into one write per reader with the ${name} adapter's hook`, async (t) => {
      const all = await adapters();
      const adapter = name === "native" ? all[0] : all.find((a) => a.name === "node")!;
      if (name === "native" && adapter.name === "node") return t.skip("node is the native adapter");
      assert.equal(typeof adapter.scheduleAfterIo, "function");
      const readers = [countingConn(), countingConn(), countingConn()];
      const queues = readers.map((r) => new WriteQueue(r.tcp, 16, () => 0, adapter));
      for (const q of queues) q.start();
      for (let packet = 0; packet < 4; packet++) {
        for (const q of queues) q.push(new Uint8Array([packet]));
      }
      await nextFlush();
      for (const r of readers) assert.deepEqual(r.writes, [[0, 1, 2, 3]]);
    });
  }

  it("datagrams read in one I/O turn leave as one write per reader (real UDP socket)", async () => {
    const adapter = (await adapters())[0];
    const rx = await adapter.bindUdp({ hostname: "127.0.0.1", port: 0 });
    const tx = await adapter.bindUdp({ hostname: "127.0.0.1", port: 0 });
    try {
      const packets = 16;
      const readers = [countingConn(), countingConn(), countingConn()];
      const queues = readers.map((r) => new WriteQueue(r.tcp, 64, () => 0, adapter));
      for (const q of queues) q.start();
      let received = 0;
      rx.start({
        onMessage: (data) => {
          received++;
          for (const q of queues) q.push(data);
        },
      });
      tx.start({ onMessage: () => {} });
      // One burst, sent before the receiver's loop turn: the kernel holds all of it for one poll.
      for (let i = 0; i < packets; i++) tx.send(new Uint8Array([i]), rx.addr);
      const deadline = Date.now() + 5000;
      while (received < packets && Date.now() < deadline) await nextFlush();
      await nextFlush();
      assert.equal(received, packets);
      for (const r of readers) {
        // Sorted: Deno's native UDP sends issued in one turn may leave out of order.
        const frames = r.writes.flat().sort((a, b) => a - b);
        assert.deepEqual(frames, Array.from({ length: packets }, (_, i) => i));
        // Per-packet writes (a microtask flush) would make 16; allow a burst split over turns.
        assert.ok(r.writes.length <= 3, `${r.writes.length} writes for ${packets} datagrams`);
      }
    } finally {
      rx.close();
      tx.close();
    }
  });

  it("a backed-up reader gets no write and does not hold back the others of the same flush", async () => {
    const slow = countingConn(1 << 20);
    const fast = [countingConn(), countingConn()];
    const adapter = (await adapters())[0];
    const stalled = new WriteQueue(slow.tcp, 8, () => 7, adapter);
    const flowing = fast.map((r) => new WriteQueue(r.tcp, 8, () => 7, adapter));
    for (const q of [stalled, ...flowing]) q.start();
    for (let packet = 0; packet < 2; packet++) {
      for (const q of [stalled, ...flowing]) q.push(new Uint8Array([packet]));
    }
    await nextFlush();
    assert.deepEqual(slow.writes, []);
    assert.equal(stalled.stalledSince, 7);
    for (const r of fast) assert.deepEqual(r.writes, [[0, 1]]);
    slow.conn.bufferedAmount = 0;
    stalled.onDrain();
    await nextFlush();
    assert.deepEqual(slow.writes, [[0, 1]]);
  });

  it("a process with a flush still scheduled when its connections close ends on its own", async () => {
    const script = fileURLToPath(new URL("./_write_queue_exit_child.ts", import.meta.url));
    const { command, args } = runtimeCommand(script);
    const child = spawnProcess(command, args, { deadlineMs: 20_000 });
    await child.waitForOutput(/CLOSED \d+/, 15_000);
    const exit = await child.waitForExit(10_000);
    assert.equal(child.timedOut, false);
    assert.equal(exit.code, 0, child.describeOutput());
  });
});
