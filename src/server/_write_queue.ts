import type { TcpConn } from "../net/types.ts";

/**
 * Bytes the adapter may hold before the queue stops handing it more; also the output bound over
 * which a connection stops processing requests. @internal
 */
export const HIGH_WATER_BYTES = 256 * 1024;

/** Queues with frames waiting for the next shared flush; the flush timer runs while not empty. */
let due: WriteQueue[] = [];

function flushDue(): void {
  const queues = due;
  due = [];
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
 * in the next macrotask (a zero-delay timer), so the frames a reader gets from all packets that
 * arrive meanwhile (every datagram the event loop reads in one poll) leave in one gathered write,
 * and N readers cost one timer, not N microtasks. The delay is at most one event-loop turn (about
 * 1 ms when idle); a queue that fills within the turn is flushed early.
 *
 * @internal
 */
export class WriteQueue {
  #items: (Uint8Array | undefined)[];
  #mask: number;
  #head = 0;
  #count = 0;
  #conn: TcpConn;
  #scheduled = false;
  #started = false;
  #closed = false;
  #now: () => number;
  /** Time the queue found the socket backed up, 0 when flowing. */
  stalledSince = 0;

  /**
   * @param conn The connection to write to.
   * @param capacity A power of two.
   * @param now Clock for stall tracking.
   */
  constructor(conn: TcpConn, capacity: number, now: () => number) {
    this.#conn = conn;
    this.#items = new Array(capacity);
    this.#mask = capacity - 1;
    this.#now = now;
  }

  /** Queues one frame; false when the queue is full. */
  push(data: Uint8Array): boolean {
    if (this.#closed) return true;
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
    if (due.push(this) === 1) setTimeout(flushDue, 0);
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
