import type { NetAddr } from "../net/types.ts";

/** Backlog slots already sent beyond which the backlog arrays are compacted. */
const COMPACT_AFTER = 1024;
/** Destination keys remembered (with their last wave) before the record starts over. */
const MAX_REMEMBERED_DESTINATIONS = 4096;
/** Wave numbers stay small integers. */
const MAX_WAVE = 0x3fffffff;

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
  /**
   * Number of the wave in flight, and for each destination key the last wave it was sent in:
   * "in this wave" is one lookup, and a new wave is a counter step, not a new set per wave.
   */
  #wave = 0;
  #waveOf = new Map<string, number>();
  // The backlog, as parallel arrays over [#head, #tail) (no object per datagram); they keep their
  // capacity, bounded by maxPending, instead of growing and shrinking with every burst.
  #data: (Uint8Array | undefined)[] = [];
  #to: (NetAddr | undefined)[] = [];
  #keys: string[] = [];
  #head = 0;
  #tail = 0;
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
    return this.#inFlight + this.#tail - this.#head;
  }

  /** Sends now, or after the datagrams sent earlier to the same destination; false: dropped. */
  send(data: Uint8Array, to: NetAddr): boolean {
    if (this.pending >= this.#maxPending) return false;
    const key = destinationKey(to);
    if (this.#head === this.#tail && this.#waveOf.get(key) !== this.#wave) {
      return this.#start(data, to, key);
    }
    const index = this.#tail++;
    this.#data[index] = data;
    this.#to[index] = to;
    this.#keys[index] = key;
    return true;
  }

  /** One issued send is done: when the whole wave is, the backlog's next wave leaves. */
  completed(): void {
    if (--this.#inFlight > 0 || this.#issuing) return;
    this.#issuing = true;
    try {
      // A wave whose every send failed at once completes here: go on with the next.
      do {
        this.#nextWave();
        while (this.#head < this.#tail && this.#waveOf.get(this.#keys[this.#head]) !== this.#wave) {
          const index = this.#head++;
          const data = this.#data[index]!;
          const to = this.#to[index]!;
          this.#data[index] = this.#to[index] = undefined;
          this.#start(data, to, this.#keys[index]);
        }
      } while (this.#inFlight === 0 && this.#head < this.#tail);
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
    this.#head = this.#tail = 0;
    this.#onIdle = undefined;
  }

  #nextWave(): void {
    this.#wave++;
    // Keys of destinations gone long ago would pile up: start over now and then.
    if (this.#waveOf.size > MAX_REMEMBERED_DESTINATIONS || this.#wave === MAX_WAVE) {
      this.#waveOf.clear();
      this.#wave = 0;
    }
  }

  #start(data: Uint8Array, to: NetAddr, key: string): boolean {
    this.#inFlight++;
    const previous = this.#waveOf.get(key);
    this.#waveOf.set(key, this.#wave);
    if (this.#issue(data, to)) return true;
    this.#inFlight--;
    this.#waveOf.set(key, previous ?? -1);
    return false;
  }

  /** Empty: back to the start; mostly sent: the rest moves to the front (in place). */
  #compact(): void {
    if (this.#head === this.#tail) {
      this.#head = this.#tail = 0;
    } else if (this.#head >= COMPACT_AFTER && this.#head * 2 >= this.#tail) {
      const count = this.#tail - this.#head;
      this.#data.copyWithin(0, this.#head, this.#tail);
      this.#to.copyWithin(0, this.#head, this.#tail);
      this.#keys.copyWithin(0, this.#head, this.#tail);
      this.#data.fill(undefined, count, this.#tail);
      this.#to.fill(undefined, count, this.#tail);
      this.#head = 0;
      this.#tail = count;
    }
  }
}

/**
 * Keys of the address objects seen, so a caller that passes the same object each time (the
 * server's per-reader addresses) costs no string per datagram.
 */
const keyCache = new WeakMap<NetAddr, NetAddr & { key: string }>();

/** One string per destination; a port has no colon, so the last colon splits it off. */
function destinationKey(to: NetAddr): string {
  let cached = keyCache.get(to);
  // The object may have changed since: its key counts only while the fields still match.
  if (cached === undefined || cached.hostname !== to.hostname || cached.port !== to.port) {
    cached = { hostname: to.hostname, port: to.port, key: to.hostname + ":" + to.port };
    keyCache.set(to, cached);
  }
  return cached.key;
}
