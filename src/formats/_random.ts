/**
 * Random numbers for RTP senders (RFC 3550 §5.1: SSRC and the initial sequence number are random).
 *
 * @internal
 * @module
 */

/** Returns a random unsigned 32-bit integer from the platform's cryptographic generator. */
export function randomUint32(): number {
  const word = new Uint32Array(1);
  crypto.getRandomValues(word);
  return word[0]!;
}
