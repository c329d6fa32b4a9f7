import type { NetAddr } from "../net/types.ts";

/** Backlog slots already sent beyond which the backlog arrays are compacted. */
const COMPACT_AFTER = 1024;

/**
 * Keeps datagrams to one destination in call order over a send API whose concurrent sends have
 * no order (Deno's `DatagramConn.send`: sends issued in one turn were seen leaving in reverse).
 *
 * Sends go out in waves: a wave holds at most one datagram per destination, all in flight at
 * once, so one packet's fan-out to N readers stays N concurrent sends. A send whose destination
 * already has a datagram in flight, or that finds a backlog, waits in a FIFO backlog; when the
 * whole wave has completed, the longest backlog prefix with distinct destinations leaves as the
 * next wave. In flight plus backlog is bounded by `maxPending`: past it `send` drops.
 */
export class SendWaves {
  #issue: (data: Uint8Array, to: NetAddr) => boolean;
  #maxPending: number;
  #inFlight = 0;
  /** Destination keys of the wave in flight. */
  #wave = new Set<string>();
  // The backlog, as parallel arrays from #head on (no object per datagram).
  #data: (Uint8Array | undefined)[] = [];
  #to: (NetAddr | undefined)[] = [];
  #keys: string[] = [];
  #head = 0;
  #issuing = false;
  #onIdle: (() => void) | undefined;

  /**
   * Creates an empty sender.
   *
   * @param issue Starts one send, and calls {@linkcode SendWaves.completed} once it is done
   * (sent or failed), never synchronously; returns false, without calling it, when the send
   * failed at once.
   * @param maxPending Datagrams in flight and waiting beyond which `send` drops.
   */
  constructor(issue: (data: Uint8Array, to: NetAddr) => boolean, maxPending: number) {
    this.#issue = issue;
    this.#maxPending = maxPending;
  }

  /** Datagrams in flight plus those waiting. */
  get pending(): number {
    return this.#inFlight + this.#data.length - this.#head;
  }

  /** Sends now, or after the datagrams sent earlier to the same destination; false: dropped. */
  send(data: Uint8Array, to: NetAddr): boolean {
    if (this.pending >= this.#maxPending) return false;
    const key = destinationKey(to);
    if (this.#head === this.#data.length && !this.#wave.has(key)) return this.#start(data, to, key);
    this.#data.push(data);
    this.#to.push(to);
    this.#keys.push(key);
    return true;
  }

  /** One issued send is done: when the whole wave is, the backlog's next wave leaves. */
  completed(): void {
    if (--this.#inFlight > 0 || this.#issuing) return;
    this.#issuing = true;
    try {
      this.#wave.clear();
      // A wave whose every send failed at once completes here: go on with the next.
      while (this.#inFlight === 0 && this.#head < this.#data.length) {
        this.#wave.clear();
        while (this.#head < this.#data.length && !this.#wave.has(this.#keys[this.#head])) {
          const index = this.#head++;
          const data = this.#data[index]!;
          const to = this.#to[index]!;
          this.#data[index] = this.#to[index] = undefined;
          this.#start(data, to, this.#keys[index]);
        }
      }
      this.#compact();
    } finally {
      this.#issuing = false;
    }
    if (this.pending === 0) this.#onIdle?.();
  }

  /** Calls `onIdle` once nothing is in flight or waiting (now, if that is already so). */
  whenIdle(onIdle: () => void): void {
    if (this.pending === 0) onIdle();
    else this.#onIdle = onIdle;
  }

  /** Drops the backlog and forgets `whenIdle`; sends in flight still complete. */
  clear(): void {
    this.#data = [];
    this.#to = [];
    this.#keys = [];
    this.#head = 0;
    this.#onIdle = undefined;
  }

  #start(data: Uint8Array, to: NetAddr, key: string): boolean {
    this.#inFlight++;
    this.#wave.add(key);
    if (this.#issue(data, to)) return true;
    this.#inFlight--;
    this.#wave.delete(key);
    return false;
  }

  #compact(): void {
    const length = this.#data.length;
    if (this.#head === length) {
      this.#data.length =
        this.#to.length =
        this.#keys.length =
        this.#head =
          0;
    } else if (this.#head >= COMPACT_AFTER && this.#head * 2 >= length) {
      this.#data.splice(0, this.#head);
      this.#to.splice(0, this.#head);
      this.#keys.splice(0, this.#head);
      this.#head = 0;
    }
  }
}

/** One string per destination; a port has no colon, so the last colon splits it off. */
function destinationKey(to: NetAddr): string {
  return to.hostname + ":" + to.port;
}
