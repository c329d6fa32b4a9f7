/**
 * Bit-level reading and writing, most significant bit first, for the StreamMuxConfig of
 * MPEG-4 Audio LATM (ISO/IEC 14496-3 §1.7.3).
 *
 * @internal
 * @module
 */

/** Reads bits from bytes, most significant first. */
export class BitReader {
  readonly #bytes: Uint8Array;
  #position = 0;

  /** @param bytes The bytes to read. */
  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
  }

  /** Bits read so far. */
  get position(): number {
    return this.#position;
  }

  /**
   * Reads an unsigned number of up to 32 bits.
   *
   * @param count Bits to read, 0..32.
   * @returns The number.
   * @throws {RangeError} When the bytes end first.
   */
  read(count: number): number {
    if (this.#position + count > this.#bytes.byteLength * 8) {
      throw new RangeError(`Cannot read ${count} bits: the data ends at bit ${this.#position}`);
    }
    let value = 0;
    for (let i = 0; i < count; i++) {
      const p = this.#position++;
      value = value * 2 + ((this.#bytes[p >> 3]! >> (7 - (p & 7))) & 1);
    }
    return value;
  }
}

/** Writes bits into a growing byte array, most significant first. */
export class BitWriter {
  #bits: number[] = [];

  /**
   * Appends an unsigned number of up to 32 bits.
   *
   * @param count Bits to write.
   * @param value The number, below 2^count.
   */
  write(count: number, value: number): void {
    for (let i = count - 1; i >= 0; i--) this.#bits.push(Math.floor(value / 2 ** i) % 2);
  }

  /** @returns The bits written, padded with zero bits to a whole byte. */
  bytes(): Uint8Array {
    const out = new Uint8Array(Math.ceil(this.#bits.length / 8));
    this.#bits.forEach((bit, i) => {
      out[i >> 3]! |= bit << (7 - (i & 7));
    });
    return out;
  }
}
