import type { NetAdapter, TcpConn } from "../net/types.ts";

/**
 * Bytes the adapter may hold before the queue stops handing it more; also the output bound over
 * which a connection stops processing requests. @internal
 */
export const HIGH_WATER_BYTES = 256 * 1024;

/** First ring size of a queue: an idle reader has a frame or two queued at a time. */
const INITIAL_SLOTS = 8;

/** Queues with frames waiting for the next shared flush; a flush is scheduled while not empty. */
let due: WriteQueue[] = [];

/** The part of the adapter the queue uses: where the shared flush is scheduled. */
export type FlushScheduler = Pick<NetAdapter, "scheduleAfterIo">;

/** The portable fallback: a zero-delay timer (at least 1 ms on Node, a later loop phase). */
function scheduleWithTimer(callback: () => void): void {
  setTimeout(callback, 0);
}

/**
 * From this many queues due in one turn a steady stream waits for the timer instead: each flush
 * then costs many writes, and holding ~1 ms gathers the next packets into the same writes.
 */
export const MANY_DUE_QUEUES = 16;

/**
 * A turn that ends within this many ms of the previous flush belongs to a steady stream. Not
 * 1–2 ms: the clock steps in whole ms and a loaded turn lasts several, so a steady stream would
 * keep falling off the timer; 10 ms still tells it from the frames of a 25–30 fps video (33–40 ms
 * apart), whose first packets are then written at once.
 */
export const STEADY_STREAM_MS = 10;

/** When the last shared flush ran, on the clock of the queue that scheduled it. */
let lastFlushAt = Number.NEGATIVE_INFINITY;

/**
 * Runs at the end of the I/O turn. Few readers, or a packet after a pause (a new video frame),
 * are written now: the writes are cheap and the delay is what a reader would see. Many readers
 * of a steady stream wait for a zero-delay timer instead, so that every write carries the packets
 * of about 1 ms: at 100 readers × 1000 packets/s a flush every turn cost 20–38 % more CPU per
 * packet (BENCHMARKS.md).
 */
function flushAfterIo(): void {
  const queues = due;
  if (queues.length === 0) return;
  const now = queues[0]._clock();
  if (queues.length >= MANY_DUE_QUEUES && now - lastFlushAt < STEADY_STREAM_MS) {
    scheduleWithTimer(flushDue);
    return;
  }
  flushDue();
}

function flushDue(): void {
  const queues = due;
  if (queues.length === 0) return;
  due = [];
  lastFlushAt = queues[0]._clock();
  for (let i = 0; i < queues.length; i++) {
    try {
      queues[i]._flushDue();
    } catch {
      // Adapters never throw from write(); should one, the other readers still get their frames.
    }
  }
}

/**
 * A bounded FIFO ring of serialized frames for one TCP reader or publisher (SPEC §6).
 *
 * Frames are not written as they are pushed: every queue with frames waits for one shared flush
 * that the adapter runs right after the I/O callbacks of the current event-loop turn
 * (`NetAdapter.scheduleAfterIo`, `setImmediate` on all three runtimes), so the frames a reader
 * gets from all packets read in that turn (every datagram of one poll, a whole burst of a video
 * frame) leave in one gathered write, and N readers cost one scheduled callback, not N
 * microtasks. When {@linkcode MANY_DUE_QUEUES} or more readers are due and the stream is steady
 * (the previous flush less than {@linkcode STEADY_STREAM_MS} ago), the flush waits for a
 * zero-delay timer (about 1 ms) to gather the next packets too. Without the hook it always uses
 * that timer. A queue that fills within the turn is flushed early.
 *
 * @internal
 */
export class WriteQueue {
  /** The ring: starts at INITIAL_SLOTS and doubles while full, up to the capacity. */
  #items: (Uint8Array | undefined)[];
  #mask: number;
  #capacity: number;
  #head = 0;
  #count = 0;
  #conn: TcpConn;
  #scheduled = false;
  #started = false;
  #closed = false;
  #now: () => number;
  #scheduler: FlushScheduler;
  /** Time the queue found the socket backed up, 0 when flowing. */
  stalledSince = 0;

  /**
   * @param conn The connection to write to.
   * @param capacity A power of two.
   * @param now Clock for stall tracking.
   * @param scheduler Schedules the shared flush (the server's adapter); a zero-delay timer when it
   *   has no `scheduleAfterIo`.
   */
  constructor(conn: TcpConn, capacity: number, now: () => number, scheduler: FlushScheduler = {}) {
    this.#conn = conn;
    const slots = Math.min(capacity, INITIAL_SLOTS);
    this.#items = new Array(slots);
    this.#mask = slots - 1;
    this.#capacity = capacity;
    this.#now = now;
    this.#scheduler = scheduler;
  }

  /** Queues one frame; false when the queue is full. */
  push(data: Uint8Array): boolean {
    if (this.#closed) return true;
    if (this.#count > this.#mask && this.#count < this.#capacity) this.#grow();
    if (this.#count > this.#mask) {
      // Full within one turn: hand what is queued to the socket now unless it is backed up,
      // so a burst larger than the queue is not dropped while the socket could take it.
      if (!this.#started) return false;
      this.#flushNow();
      if (this.#count > this.#mask) return false;
    }
    this.#items[(this.#head + this.#count) & this.#mask] = data;
    this.#count++;
    if (this.#started && !this.#scheduled) this.#schedule();
    return true;
  }

  /** Doubles the ring, keeping the queued frames in order from slot 0. */
  #grow(): void {
    const old = this.#items;
    const mask = this.#mask;
    const grown = new Array<Uint8Array | undefined>(old.length * 2);
    for (let i = 0; i < this.#count; i++) grown[i] = old[(this.#head + i) & mask];
    this.#items = grown;
    this.#head = 0;
    this.#mask = grown.length - 1;
  }

  /** Starts writing (after the PLAY/RECORD response). */
  start(): void {
    this.#started = true;
    this.#flushNow();
  }

  /** The socket drained: write what is waiting. */
  onDrain(): void {
    if (this.#started && this.#count > 0 && !this.#scheduled) this.#schedule();
  }

  #schedule(): void {
    this.#scheduled = true;
    if (due.push(this) !== 1) return;
    const scheduler = this.#scheduler;
    if (scheduler.scheduleAfterIo !== undefined) scheduler.scheduleAfterIo(flushAfterIo);
    else scheduleWithTimer(flushDue);
  }

  /** @internal The clock the shared flush measures the stream's pace with. */
  _clock(): number {
    return this.#now();
  }

  /** @internal Called by the shared flush. */
  _flushDue(): void {
    this.#scheduled = false;
    this.#flushNow();
  }

  /** Drops everything queued and stops. */
  close(): void {
    this.#closed = true;
    this.#items.fill(undefined);
    this.#count = 0;
    this.stalledSince = 0;
  }

  #flushNow(): void {
    const count = this.#count;
    if (count === 0 || this.#closed) return;
    const conn = this.#conn;
    if (conn.closed) {
      this.close();
      return;
    }
    if (conn.bufferedAmount > HIGH_WATER_BYTES) {
      if (this.stalledSince === 0) this.stalledSince = this.#now();
      return;
    }
    this.stalledSince = 0;
    const items = this.#items;
    const mask = this.#mask;
    let head = this.#head;
    if (count === 1) {
      const data = items[head]!;
      items[head] = undefined;
      this.#head = (head + 1) & mask;
      this.#count = 0;
      conn.write(data);
      return;
    }
    const chunks = new Array<Uint8Array>(count);
    for (let i = 0; i < count; i++) {
      chunks[i] = items[head]!;
      items[head] = undefined;
      head = (head + 1) & mask;
    }
    this.#head = head;
    this.#count = 0;
    conn.writeMany(chunks);
  }
}
