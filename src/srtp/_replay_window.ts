/**
 * A 64-packet sliding replay window over packet indices (RFC 3711 §3.3.2), kept as two 32-bit
 * words so no BigInt is needed. Bit `i` set means index `highest − i` was accepted.
 * @internal
 */
export class ReplayWindow {
  highest = -1;
  #low = 0;
  #high = 0;

  /** Whether `index` is new and not too old (checked before authentication is trusted). */
  isFresh(index: number): boolean {
    if (this.highest < 0 || index > this.highest) return true;
    const age = this.highest - index;
    if (age >= 64) return false;
    const bit = age < 32 ? (this.#low >>> age) & 1 : (this.#high >>> (age - 32)) & 1;
    return bit === 0;
  }

  /** Marks `index` as received (after it authenticated). */
  accept(index: number): void {
    if (this.highest < 0) {
      this.highest = index;
      this.#low = 1;
      this.#high = 0;
      return;
    }
    if (index > this.highest) {
      const shift = index - this.highest;
      if (shift >= 64) {
        this.#low = 0;
        this.#high = 0;
      } else if (shift >= 32) {
        this.#high = shift === 32 ? this.#low : this.#low << (shift - 32);
        this.#low = 0;
      } else {
        this.#high = (this.#high << shift) | (this.#low >>> (32 - shift));
        this.#low = this.#low << shift;
      }
      this.#low |= 1;
      this.highest = index;
      return;
    }
    const age = this.highest - index;
    if (age < 32) this.#low |= 1 << age;
    else if (age < 64) this.#high |= 1 << (age - 32);
  }
}
