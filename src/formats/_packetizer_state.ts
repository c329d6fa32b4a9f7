/**
 * Shared sender state of the packetizers: payload type, SSRC, sequence numbers (RFC 3550 §5.1).
 *
 * @internal
 * @module
 */

import type { RtpPacket } from "../rtp/mod.ts";
import { randomUint32 } from "./_random.ts";

const RTP_HEADER_BYTES = 12;

/** Options every packetizer accepts. */
export interface PacketizerOptions {
  /** RTP payload type. */
  payloadType: number;
  /** SSRC of the packets; random when absent. */
  ssrc?: number;
  /** Sequence number of the first packet; random when absent. */
  initialSequenceNumber?: number;
  /** Largest RTP packet in bytes, including the 12-byte RTP header; default 1472. */
  maxPacketSize?: number;
}

/** Sequence numbering and packet assembly shared by the packetizers. */
export class PacketizerState {
  readonly payloadType: number;
  readonly ssrc: number;
  readonly maxPacketSize: number;
  readonly maxPayloadSize: number;
  sequenceNumber: number;

  constructor(options: PacketizerOptions, minPayloadSize: number, name: string) {
    this.payloadType = options.payloadType;
    this.ssrc = (options.ssrc ?? randomUint32()) >>> 0;
    this.sequenceNumber = (options.initialSequenceNumber ?? randomUint32()) & 0xffff;
    this.maxPacketSize = options.maxPacketSize ?? 1472;
    this.maxPayloadSize = this.maxPacketSize - RTP_HEADER_BYTES;
    if (!Number.isInteger(this.maxPacketSize) || this.maxPayloadSize < minPayloadSize) {
      throw new RangeError(
        `Cannot create ${name}: maxPacketSize must be an integer of at least ${
          RTP_HEADER_BYTES + minPayloadSize
        }, got ${this.maxPacketSize}`,
      );
    }
  }

  /** Wraps payloads into packets with consecutive sequence numbers; marker on the last if `marker`. */
  packets(payloads: readonly Uint8Array[], timestamp: number, marker = true): RtpPacket[] {
    const ts = timestamp >>> 0;
    const out: RtpPacket[] = new Array(payloads.length);
    for (let i = 0; i < payloads.length; i++) {
      out[i] = {
        marker: marker && i === payloads.length - 1,
        payloadType: this.payloadType,
        sequenceNumber: this.sequenceNumber,
        timestamp: ts,
        ssrc: this.ssrc,
        csrc: [],
        paddingSize: 0,
        payload: payloads[i]!,
      };
      this.sequenceNumber = (this.sequenceNumber + 1) & 0xffff;
    }
    return out;
  }
}

/**
 * Default bound of the depacketizers on the bytes of one frame or access unit kept in memory:
 * 8 MiB holds an intra frame of 8K video at a high bitrate while a stream of garbage cannot
 * make a receiver grow without limit.
 */
export const DEFAULT_MAX_FRAME_BYTES = 8 * 1024 * 1024;

/**
 * Receivers ignore a packet whose sequence number is behind the last one by less than this
 * (duplicate or late); further back means the sender restarted.
 */
export const MAX_REORDER = 100;

/** Signed 16-bit difference `a - b` of sequence numbers. */
export function seqDelta(a: number, b: number): number {
  return ((a - b) << 16) >> 16;
}
