/**
 * What the simple 90 kHz video formats share (VP8, VP9, AV1): rtpmap `<codec>/90000`, PTS equal
 * to DTS, and format parameters that are all optional unsigned integers.
 *
 * @internal
 * @module
 */
import { ParseError } from "../errors.ts";
import type { RtpPacket } from "../rtp/rtp_packet.ts";
import type { Format } from "./format.ts";

/** A 90 kHz video format whose subclass names the codec and its format parameters. */
export abstract class SimpleVideoFormat implements Format {
  /** The rtpmap encoding name. */
  abstract readonly codec: string;
  /** Always 90000. */
  readonly clockRate = 90000;
  /** The RTP payload type. */
  readonly payloadType: number;

  /** @param payloadType Dynamic payload type; default 96. */
  constructor(payloadType: number | undefined) {
    this.payloadType = payloadType ?? 96;
  }

  /** @returns The codec name and `/90000`, e.g. `"VP9/90000"`. */
  rtpMap(): string {
    return `${this.codec}/90000`;
  }

  /** @returns The format parameters that are set, or undefined. */
  abstract fmtp(): Record<string, string> | undefined;

  /**
   * Always true: the format has no reordered frames that would need a DTS.
   *
   * @param _pkt Unused.
   */
  ptsEqualsDts(_pkt: RtpPacket): boolean {
    return true;
  }
}

/**
 * Reads the format parameters named in `keys` as unsigned integers; other keys are ignored.
 *
 * @param codec The codec name, for the error message.
 * @param fmtp Format parameters with lower-case keys.
 * @param keys The parameters to read.
 * @returns The parameters that are present.
 * @throws {ParseError} When one of them is not an unsigned integer.
 */
export function parseIntegerFmtp<K extends string>(
  codec: string,
  fmtp: Record<string, string> | undefined,
  keys: readonly K[],
): Partial<Record<K, number>> {
  const out: Partial<Record<K, number>> = {};
  for (const key of keys) {
    const value = fmtp?.[key];
    if (value === undefined) continue;
    if (!/^\d{1,9}$/.test(value.trim())) {
      throw new ParseError(
        "SDP_INVALID_FORMAT",
        `Cannot parse ${codec} format: invalid ${key} "${value}"`,
        { fatal: false },
      );
    }
    out[key] = Number(value.trim());
  }
  return out;
}

/**
 * Writes the integer format parameters that are set.
 *
 * @param params Parameter values by fmtp key; undefined ones are left out.
 * @returns The parameters as strings, or undefined when none is set.
 */
export function formatIntegerFmtp(
  params: Record<string, number | undefined>,
): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined) out[key] = String(value);
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
