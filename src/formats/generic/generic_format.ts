/**
 * A format this library does not interpret: payload type, clock rate, rtpmap and fmtp are
 * kept as given.
 *
 * @module
 */
import type { RtpPacket } from "../../rtp/rtp_packet.ts";
import type { Format } from "../format.ts";

/** Options of {@linkcode GenericFormat}. */
export interface GenericFormatOptions {
  /** The payload type. */
  payloadType: number;
  /** The clock rate; 0 for application media without one. */
  clockRate: number;
  /** The rtpmap value, e.g. `"vnd.onvif.metadata/90000"`; omitted for static payload types. */
  rtpMap?: string;
  /** Format parameters, written back as given. */
  fmtp?: Record<string, string>;
  /** Codec name; default the rtpmap encoding name or the RFC 3551 name of a static type. */
  codec?: string;
}

/** RFC 3551 §6 names of static payload types. */
const STATIC_NAMES: Record<number, string> = {
  0: "PCMU",
  3: "GSM",
  4: "G723",
  5: "DVI4",
  6: "DVI4",
  7: "LPC",
  8: "PCMA",
  9: "G722",
  10: "L16",
  11: "L16",
  12: "QCELP",
  13: "CN",
  14: "MPA",
  15: "G728",
  16: "DVI4",
  17: "DVI4",
  18: "G729",
  25: "CelB",
  26: "JPEG",
  28: "nv",
  31: "H261",
  32: "MPV",
  33: "MP2T",
  34: "H263",
};

/**
 * Any other format (MPEG-TS, metadata, KLV, G.722, ...). `ptsEqualsDts` is always true.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { GenericFormat } from "./generic_format.ts";
 * const format = new GenericFormat({ payloadType: 107, clockRate: 90000, rtpMap: "vnd.onvif.metadata/90000" });
 * assert.equal(format.codec, "vnd.onvif.metadata");
 * ```
 */
export class GenericFormat implements Format {
  /** The encoding name. */
  readonly codec: string;
  /** The payload type. */
  readonly payloadType: number;
  /** The clock rate (0 allowed for application media). */
  readonly clockRate: number;
  readonly #rtpMap?: string;
  readonly #fmtp?: Record<string, string>;

  /** @param options Payload type, clock rate, rtpmap and fmtp. */
  constructor(options: GenericFormatOptions) {
    this.payloadType = options.payloadType;
    this.clockRate = options.clockRate;
    this.#rtpMap = options.rtpMap;
    this.#fmtp = options.fmtp === undefined ? undefined : { ...options.fmtp };
    this.codec = options.codec ??
      (options.rtpMap !== undefined
        ? options.rtpMap.split("/")[0].trim()
        : (STATIC_NAMES[options.payloadType] ?? ""));
  }

  /** @returns The rtpmap as given. */
  rtpMap(): string | undefined {
    return this.#rtpMap;
  }

  /** @returns A copy of the format parameters as given. */
  fmtp(): Record<string, string> | undefined {
    return this.#fmtp === undefined ? undefined : { ...this.#fmtp };
  }

  /**
   * Always true.
   *
   * @param _pkt Unused.
   */
  ptsEqualsDts(_pkt: RtpPacket): boolean {
    return true;
  }
}
