/**
 * RTP and RTCP packets (RFC 3550), sequence/timestamp arithmetic and NTP conversion.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeRtp, encodeRtp, seqAdd } from "./mod.ts";
 * const bytes = encodeRtp({
 *   marker: false, payloadType: 0, sequenceNumber: seqAdd(65535, 1), timestamp: 0, ssrc: 1,
 *   csrc: [], paddingSize: 0, payload: new Uint8Array(160),
 * });
 * assert.equal(decodeRtp(bytes).sequenceNumber, 0);
 * ```
 *
 * @module
 */
export {
  decodeRtp,
  encodeRtp,
  isRtcpPacketType,
  RTP_HEADER_SIZE,
  rtpEncodedSize,
} from "./rtp_packet.ts";
export type { RtpPacket } from "./rtp_packet.ts";
export { decodeRtcp, encodeRtcp } from "./rtcp_packet.ts";
export type {
  Goodbye,
  ReceiverReport,
  ReceptionReport,
  RtcpPacket,
  SenderReport,
  SourceDescription,
  UnknownRtcp,
} from "./rtcp_packet.ts";
export { seqAdd, seqDiff, tsDiff } from "./sequence.ts";
export { ntpFromUnixMs, ntpMiddle32, unixMsFromNtp } from "./ntp.ts";
