/**
 * The MPEG-2 transport stream format, MP2T (RFC 2250 §2).
 *
 * @module
 */
import type { RtpPacket } from "../../rtp/rtp_packet.ts";
import type { Format } from "../format.ts";

/** Options of {@linkcode Mp2tFormat}. */
export interface Mp2tFormatOptions {
  /** Payload type; default the static one, 33. */
  payloadType?: number;
}

/**
 * An MPEG-2 transport stream carried as is, whole 188-byte TS packets in each RTP packet
 * ([RFC 2250 §2](https://www.rfc-editor.org/rfc/rfc2250#section-2),
 * [RFC 3551 §6](https://www.rfc-editor.org/rfc/rfc3551#section-6)): static payload type 33,
 * rtpmap `MP2T/90000`, no fmtp.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Mp2tFormat } from "./mp2t_format.ts";
 * const format = new Mp2tFormat();
 * assert.equal(format.payloadType, 33);
 * assert.equal(format.rtpMap(), "MP2T/90000");
 * ```
 */
export class Mp2tFormat implements Format {
  /** Always `"MP2T"`. */
  readonly codec = "MP2T";
  /** Always 90000. */
  readonly clockRate = 90000;
  /** The RTP payload type. */
  readonly payloadType: number;

  /** @param options The payload type. */
  constructor(options: Mp2tFormatOptions = {}) {
    this.payloadType = options.payloadType ?? 33;
  }

  /** @returns `"MP2T/90000"`. */
  rtpMap(): string {
    return "MP2T/90000";
  }

  /** @returns undefined: MP2T has no format parameters. */
  fmtp(): undefined {
    return undefined;
  }

  /**
   * Always true: the transport stream carries its own PTS and DTS.
   *
   * @param _pkt Unused.
   */
  ptsEqualsDts(_pkt: RtpPacket): boolean {
    return true;
  }
}
