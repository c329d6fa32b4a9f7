/** Deterministic timers for unit tests of timer-driven components (RTCP reports, timeouts). */

/** A fake clock whose timers fire only when the test advances time. */
export class FakeClock {
  now = 0;
  #timers = new Map<number, { at: number; fn: () => void }>();
  #nextId = 1;
  readonly setTimer = ((fn: () => void, ms: number) => {
    const id = this.#nextId++;
    this.#timers.set(id, { at: this.now + ms, fn });
    return id;
  }) as unknown as typeof setTimeout;
  readonly clearTimer = ((id: number) => {
    this.#timers.delete(id);
  }) as unknown as typeof clearTimeout;

  /** Timers not yet fired. */
  get pending(): number {
    return this.#timers.size;
  }

  /** Moves time forward by `ms`, firing due timers in order. */
  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.#timers) {
        if (entry[1].at <= end && (next === undefined || entry[1].at < next[1].at)) next = entry;
      }
      if (next === undefined) break;
      this.#timers.delete(next[0]);
      this.now = next[1].at;
      next[1].fn();
    }
    this.now = end;
  }
}
