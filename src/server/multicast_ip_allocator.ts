/**
 * Hands out IPv4 multicast group addresses from a CIDR range, one per media (SPEC §4.3).
 *
 * A server-wide counter over the host bits: the first address is the network address + 1, each
 * allocation adds 1, and addresses are never recycled. When the host bits are used up,
 * {@linkcode MulticastIpAllocator.next} throws a `RangeError`.
 *
 * @example Allocate the first groups of 224.1.0.0/16
 * ```ts
 * import assert from "node:assert/strict";
 * import { MulticastIpAllocator } from "./multicast_ip_allocator.ts";
 * const allocator = new MulticastIpAllocator("224.1.0.0/16");
 * assert.equal(allocator.next(), "224.1.0.1");
 * assert.equal(allocator.next(), "224.1.0.2");
 * ```
 */
export class MulticastIpAllocator {
  #network: number;
  #size: number;
  #count = 0;

  /**
   * @param cidr An IPv4 range such as `224.1.0.0/16`; host bits in the address are ignored.
   * @throws {SyntaxError} When `cidr` is not an IPv4 CIDR.
   */
  constructor(cidr: string) {
    const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr.trim());
    if (match === null) throw new SyntaxError(`Cannot parse CIDR: "${cidr}"`);
    let ip = 0;
    for (let i = 1; i <= 4; i++) {
      const octet = Number(match[i]);
      if (octet > 255) throw new SyntaxError(`Cannot parse CIDR: invalid address in "${cidr}"`);
      ip = ip * 256 + octet;
    }
    const prefix = Number(match[5]);
    if (prefix > 32) throw new SyntaxError(`Cannot parse CIDR: invalid prefix length in "${cidr}"`);
    this.#size = 2 ** (32 - prefix);
    this.#network = ip - (ip % this.#size);
  }

  /** Number of addresses handed out so far. */
  get allocated(): number {
    return this.#count;
  }

  /**
   * Allocates the next group address.
   *
   * @returns The address in dotted-quad form.
   * @throws {RangeError} When the range has no address left.
   */
  next(): string {
    const offset = this.#count + 1;
    if (offset >= this.#size) {
      throw new RangeError(
        `Cannot allocate multicast address: range exhausted after ${this.#count}`,
      );
    }
    this.#count = offset;
    const ip = this.#network + offset;
    return `${Math.floor(ip / 0x1000000)}.${(ip >>> 16) & 0xff}.${(ip >>> 8) & 0xff}.${ip & 0xff}`;
  }
}
