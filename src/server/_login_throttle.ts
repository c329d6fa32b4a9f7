/** How many client IPs the server's failed-login table holds at most. @internal */
export const LOGIN_THROTTLE_MAX_IPS = 4096;

/** Options of {@linkcode LoginThrottle}. @internal */
export interface LoginThrottleOptions {
  /** Failed logins of one IP within `windowMs` that lock it out; 0 disables the throttle. */
  maxFailures: number;
  /** Window in ms over which failures are counted. */
  windowMs: number;
  /** How long in ms a locked-out IP is refused. */
  lockoutMs: number;
  /** Maximum number of IPs tracked at once; the least recently failing is forgotten first. */
  maxEntries: number;
}

interface Entry {
  failures: number;
  windowStart: number;
  lockedUntil: number;
}

/**
 * Failed-login bookkeeping per client IP. After `maxFailures` wrong credentials within
 * `windowMs`, the IP is locked out for `lockoutMs`: its credentials are refused without being
 * checked, so guessing stops paying off. Only that IP is affected, and the table holds at most
 * `maxEntries` IPs (least recently failing evicted first), so a flood from many addresses costs
 * bounded memory and can only make the throttle forget, never lock out anyone else.
 *
 * @internal
 */
export class LoginThrottle {
  #options: LoginThrottleOptions;
  /** Ordered by last failure, oldest first. */
  #entries = new Map<string, Entry>();

  /** @param options Limits. */
  constructor(options: LoginThrottleOptions) {
    this.#options = options;
  }

  /** Number of IPs tracked. */
  get size(): number {
    return this.#entries.size;
  }

  /** Whether `ip` is locked out at `now`. */
  isLockedOut(ip: string, now: number): boolean {
    const e = this.#entries.get(ip);
    return e !== undefined && e.lockedUntil > now;
  }

  /**
   * Records a failed login of `ip` at `now`.
   *
   * @returns Whether this failure locked the IP out.
   */
  recordFailure(ip: string, now: number): boolean {
    const o = this.#options;
    if (o.maxFailures <= 0) return false;
    let e = this.#entries.get(ip);
    if (e !== undefined) {
      this.#entries.delete(ip);
      if (e.lockedUntil <= now && now - e.windowStart >= o.windowMs) e = undefined;
    }
    if (e === undefined) {
      while (this.#entries.size >= o.maxEntries) {
        this.#entries.delete(this.#entries.keys().next().value!);
      }
      e = { failures: 0, windowStart: now, lockedUntil: 0 };
    }
    this.#entries.set(ip, e);
    if (e.lockedUntil > now) return false;
    e.failures++;
    if (e.failures < o.maxFailures) return false;
    // Locked out; counting starts afresh once the lockout is over.
    e.lockedUntil = now + o.lockoutMs;
    e.failures = 0;
    e.windowStart = e.lockedUntil;
    return true;
  }
}
