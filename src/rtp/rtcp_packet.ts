/**
 * RTCP compound packets (RFC 3550 §6): sender and receiver reports, source descriptions and
 * goodbyes are decoded; other packet types pass through as raw bytes.
 *
 * @module
 */
import { ParseError } from "../errors.ts";

/**
 * A report block, as carried by SR and RR packets
 * ([RFC 3550 §6.4.1](https://www.rfc-editor.org/rfc/rfc3550#section-6.4.1)).
 *
 * ```text
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                 SSRC_1 (SSRC of first source)                 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | fraction lost |       cumulative number of packets lost       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           extended highest sequence number received           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      interarrival jitter                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         last SR (LSR)                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                   delay since last SR (DLSR)                  |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * ```
 *
 * `totalLost` is read as an unsigned 24-bit value (as pion/rtcp does); senders cap it at
 * 0xFFFFFF.
 */
export interface ReceptionReport {
  ssrc: number;
  /** Fraction lost since the previous report, in 1/256. */
  fractionLost: number;
  /** Cumulative number of packets lost, 24 bits. */
  totalLost: number;
  /** Cycles (high 16 bits) and highest sequence number (low 16 bits). */
  highestSequenceNumber: number;
  /** Interarrival jitter in timestamp units. */
  jitter: number;
  /** Middle 32 bits of the NTP timestamp of the last SR received. */
  lastSenderReport: number;
  /** Delay since that SR, in 1/65536 s. */
  delaySinceLastSenderReport: number;
}

/**
 * A sender report, packet type 200
 * ([RFC 3550 §6.4.1](https://www.rfc-editor.org/rfc/rfc3550#section-6.4.1)).
 *
 * ```text
 *         0                   1                   2                   3
 *         0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * header |V=2|P|    RC   |   PT=SR=200   |             length            |
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |                         SSRC of sender                        |
 *        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * sender |              NTP timestamp, most significant word             |
 * info   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |             NTP timestamp, least significant word             |
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |                         RTP timestamp                         |
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |                     sender's packet count                     |
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |                      sender's octet count                     |
 *        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * report |                 report blocks (24 bytes each)                 |
 *        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * ```
 */
export interface SenderReport {
  type: "sr";
  ssrc: number;
  ntpMsw: number;
  ntpLsw: number;
  rtpTime: number;
  packetCount: number;
  octetCount: number;
  reports: ReceptionReport[];
}

/**
 * A receiver report, packet type 201
 * ([RFC 3550 §6.4.2](https://www.rfc-editor.org/rfc/rfc3550#section-6.4.2)).
 *
 * ```text
 *         0                   1                   2                   3
 *         0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * header |V=2|P|    RC   |   PT=RR=201   |             length            |
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |                     SSRC of packet sender                     |
 *        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * report |                 report blocks (24 bytes each)                 |
 *        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * ```
 */
export interface ReceiverReport {
  type: "rr";
  ssrc: number;
  reports: ReceptionReport[];
}

/**
 * A source description, packet type 202
 * ([RFC 3550 §6.5](https://www.rfc-editor.org/rfc/rfc3550#section-6.5)).
 *
 * ```text
 *         0                   1                   2                   3
 *         0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * header |V=2|P|    SC   |  PT=SDES=202  |             length            |
 *        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * chunk  |                          SSRC/CSRC_1                          |
 *   1    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |     type      |    length     | text (length bytes) ...       |
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |  ... more items, then a null (type 0) item and zeros up to a  |
 *        |                        32-bit boundary                        |
 *        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * ```
 *
 * Item types (§6.5.1–§6.5.8): 1 CNAME, 2 NAME, 3 EMAIL, 4 PHONE, 5 LOC, 6 TOOL, 7 NOTE, 8 PRIV.
 * The decoder tolerates a last chunk that ends without the null item (seen from some cameras).
 */
export interface SourceDescription {
  type: "sdes";
  chunks: { ssrc: number; items: { type: number; text: string }[] }[];
}

/**
 * A goodbye, packet type 203
 * ([RFC 3550 §6.6](https://www.rfc-editor.org/rfc/rfc3550#section-6.6)).
 *
 * ```text
 *        0                   1                   2                   3
 *        0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       |V=2|P|    SC   |   PT=BYE=203  |             length            |
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       |                           SSRC/CSRC                           |
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       :                              ...                              :
 *       +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * (opt) |     length    |               reason for leaving            ...
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
export interface Goodbye {
  type: "bye";
  ssrcs: number[];
  reason?: string;
}

/**
 * Any other RTCP packet (APP, feedback, XR, ...): `bytes` is the whole packet, header
 * included, as a view into the decoded compound packet; it is written back verbatim.
 */
export interface UnknownRtcp {
  type: "unknown";
  packetType: number;
  bytes: Uint8Array;
}

/** One packet of an RTCP compound packet. */
export type RtcpPacket = SenderReport | ReceiverReport | SourceDescription | Goodbye | UnknownRtcp;

const PT_SR = 200;
const PT_RR = 201;
const PT_SDES = 202;
const PT_BYE = 203;
const REPORT_BLOCK_SIZE = 24;

const textDecoder = new TextDecoder();
const textEncoder = new TextEncoder();

function fail(code: string, message: string, offset: number): never {
  throw new ParseError(code, `Cannot decode RTCP packet: ${message}`, { offset, fatal: false });
}

function u32(b: Uint8Array, o: number): number {
  return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
}

function putU32(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 24;
  b[o + 1] = (v >>> 16) & 0xff;
  b[o + 2] = (v >>> 8) & 0xff;
  b[o + 3] = v & 0xff;
}

function decodeReports(b: Uint8Array, o: number, count: number): ReceptionReport[] {
  const reports: ReceptionReport[] = [];
  for (let i = 0; i < count; i++, o += REPORT_BLOCK_SIZE) {
    reports.push({
      ssrc: u32(b, o),
      fractionLost: b[o + 4],
      totalLost: (b[o + 5] << 16) | (b[o + 6] << 8) | b[o + 7],
      highestSequenceNumber: u32(b, o + 8),
      jitter: u32(b, o + 12),
      lastSenderReport: u32(b, o + 16),
      delaySinceLastSenderReport: u32(b, o + 20),
    });
  }
  return reports;
}

function decodeSdes(b: Uint8Array, start: number, end: number, count: number): SourceDescription {
  const chunks: SourceDescription["chunks"] = [];
  let o = start;
  for (let c = 0; c < count; c++) {
    if (o + 4 > end) fail("RTCP_TOO_SHORT", "SDES chunk overruns the packet", o);
    const ssrc = u32(b, o);
    o += 4;
    const items: { type: number; text: string }[] = [];
    for (;;) {
      // Interop: some senders end the last chunk without the null item; accept the end of the
      // packet as the end of the chunk.
      if (o >= end) break;
      const type = b[o];
      if (type === 0) {
        o = (o + 4) & ~3; // the null item, then zeros up to the next 32-bit boundary
        break;
      }
      if (o + 2 > end) fail("RTCP_TOO_SHORT", "SDES item overruns the packet", o);
      const len = b[o + 1];
      if (o + 2 + len > end) fail("RTCP_TOO_SHORT", "SDES item text overruns the packet", o);
      items.push({ type, text: textDecoder.decode(b.subarray(o + 2, o + 2 + len)) });
      o += 2 + len;
    }
    chunks.push({ ssrc, items });
  }
  return { type: "sdes", chunks };
}

function decodeBye(b: Uint8Array, start: number, end: number, count: number): Goodbye {
  if (start + count * 4 > end) fail("RTCP_TOO_SHORT", "BYE SSRC list overruns the packet", start);
  const ssrcs: number[] = [];
  let o = start;
  for (let i = 0; i < count; i++, o += 4) ssrcs.push(u32(b, o));
  if (o < end) {
    const len = b[o];
    if (o + 1 + len > end) fail("RTCP_TOO_SHORT", "BYE reason overruns the packet", o);
    return { type: "bye", ssrcs, reason: textDecoder.decode(b.subarray(o + 1, o + 1 + len)) };
  }
  return { type: "bye", ssrcs };
}

/**
 * Decodes an RTCP compound packet
 * ([RFC 3550 §6.1](https://www.rfc-editor.org/rfc/rfc3550#section-6.1)) into its packets.
 *
 * @param bytes One compound packet (e.g. one UDP datagram).
 * @returns The packets in order; unknown types are returned as {@linkcode UnknownRtcp} views.
 * @throws {ParseError} When the input is empty, a packet is not version 2, or a length, count
 * or padding overruns the bytes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeRtcp } from "./rtcp_packet.ts";
 * // RR with no report blocks, SSRC 0x01020304
 * const [rr] = decodeRtcp(new Uint8Array([0x80, 201, 0, 1, 1, 2, 3, 4]));
 * assert.deepEqual(rr, { type: "rr", ssrc: 0x01020304, reports: [] });
 * ```
 */
export function decodeRtcp(bytes: Uint8Array): RtcpPacket[] {
  const length = bytes.length;
  if (length === 0) fail("RTCP_EMPTY", "empty packet", 0);
  const packets: RtcpPacket[] = [];
  let offset = 0;
  while (offset < length) {
    if (offset + 4 > length) fail("RTCP_TOO_SHORT", "truncated header", offset);
    const b0 = bytes[offset];
    if (b0 >> 6 !== 2) fail("RTCP_BAD_VERSION", `unsupported version ${b0 >> 6}`, offset);
    const count = b0 & 0x1f;
    const packetType = bytes[offset + 1];
    const size = (((bytes[offset + 2] << 8) | bytes[offset + 3]) + 1) * 4;
    const next = offset + size;
    if (next > length) fail("RTCP_TOO_SHORT", "length overruns the compound packet", offset);
    let end = next;
    if (b0 & 0x20) {
      const padding = bytes[next - 1];
      if (padding === 0 || padding > size - 4) {
        fail("RTCP_BAD_PADDING", `invalid padding ${padding}`, next - 1);
      }
      end = next - padding;
    }
    const body = offset + 4;
    switch (packetType) {
      case PT_SR: {
        if (body + 24 + count * REPORT_BLOCK_SIZE > end) {
          fail("RTCP_TOO_SHORT", "SR overruns its length", offset);
        }
        packets.push({
          type: "sr",
          ssrc: u32(bytes, body),
          ntpMsw: u32(bytes, body + 4),
          ntpLsw: u32(bytes, body + 8),
          rtpTime: u32(bytes, body + 12),
          packetCount: u32(bytes, body + 16),
          octetCount: u32(bytes, body + 20),
          reports: decodeReports(bytes, body + 24, count),
        });
        break;
      }
      case PT_RR: {
        if (body + 4 + count * REPORT_BLOCK_SIZE > end) {
          fail("RTCP_TOO_SHORT", "RR overruns its length", offset);
        }
        packets.push({
          type: "rr",
          ssrc: u32(bytes, body),
          reports: decodeReports(bytes, body + 4, count),
        });
        break;
      }
      case PT_SDES:
        packets.push(decodeSdes(bytes, body, end, count));
        break;
      case PT_BYE:
        packets.push(decodeBye(bytes, body, end, count));
        break;
      default:
        packets.push({ type: "unknown", packetType, bytes: bytes.subarray(offset, next) });
    }
    offset = next;
  }
  return packets;
}

function checkCount(n: number, what: string): void {
  if (n > 31) throw new RangeError(`Cannot encode RTCP packet: ${n} ${what} (at most 31)`);
}

function writeHeader(
  b: Uint8Array,
  o: number,
  count: number,
  packetType: number,
  size: number,
): void {
  b[o] = 0x80 | count;
  b[o + 1] = packetType;
  const words = size / 4 - 1;
  b[o + 2] = words >>> 8;
  b[o + 3] = words & 0xff;
}

function writeReports(b: Uint8Array, o: number, reports: readonly ReceptionReport[]): void {
  for (const r of reports) {
    putU32(b, o, r.ssrc);
    b[o + 4] = r.fractionLost & 0xff;
    const lost = r.totalLost & 0xffffff;
    b[o + 5] = lost >>> 16;
    b[o + 6] = (lost >>> 8) & 0xff;
    b[o + 7] = lost & 0xff;
    putU32(b, o + 8, r.highestSequenceNumber);
    putU32(b, o + 12, r.jitter);
    putU32(b, o + 16, r.lastSenderReport);
    putU32(b, o + 20, r.delaySinceLastSenderReport);
    o += REPORT_BLOCK_SIZE;
  }
}

function encodeText(text: string): Uint8Array {
  const bytes = textEncoder.encode(text);
  if (bytes.length > 255) {
    throw new RangeError("Cannot encode RTCP packet: text longer than 255 bytes");
  }
  return bytes;
}

/**
 * Encodes RTCP packets as one compound packet (one allocation for the output).
 *
 * @param packets The packets, in order; {@linkcode UnknownRtcp} bytes are copied verbatim.
 * @returns The compound packet.
 * @throws {RangeError} When a count exceeds 31, a text exceeds 255 bytes or unknown bytes are
 * not a whole number of 32-bit words.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeRtcp, encodeRtcp } from "./rtcp_packet.ts";
 * const bytes = encodeRtcp([{ type: "bye", ssrcs: [1], reason: "done" }]);
 * assert.deepEqual(decodeRtcp(bytes), [{ type: "bye", ssrcs: [1], reason: "done" }]);
 * ```
 */
export function encodeRtcp(packets: readonly RtcpPacket[]): Uint8Array {
  // First pass: sizes (and encoded texts, reused by the second pass).
  const texts: Uint8Array[] = [];
  const sizes: number[] = [];
  let total = 0;
  for (const p of packets) {
    let size: number;
    switch (p.type) {
      case "sr":
        checkCount(p.reports.length, "report blocks");
        size = 28 + p.reports.length * REPORT_BLOCK_SIZE;
        break;
      case "rr":
        checkCount(p.reports.length, "report blocks");
        size = 8 + p.reports.length * REPORT_BLOCK_SIZE;
        break;
      case "sdes":
        checkCount(p.chunks.length, "chunks");
        size = 4;
        for (const chunk of p.chunks) {
          let chunkSize = 4;
          for (const item of chunk.items) {
            const t = encodeText(item.text);
            texts.push(t);
            chunkSize += 2 + t.length;
          }
          size += (chunkSize + 4) & ~3; // null item plus padding to 32 bits
        }
        break;
      case "bye": {
        checkCount(p.ssrcs.length, "SSRCs");
        size = 4 + p.ssrcs.length * 4;
        if (p.reason !== undefined) {
          const t = encodeText(p.reason);
          texts.push(t);
          size += (1 + t.length + 3) & ~3;
        }
        break;
      }
      case "unknown":
        size = p.bytes.length;
        if (size < 4 || size % 4 !== 0) {
          throw new RangeError(
            "Cannot encode RTCP packet: unknown packet is not whole 32-bit words",
          );
        }
        break;
    }
    sizes.push(size);
    total += size;
  }
  const out = new Uint8Array(total);
  let o = 0;
  let t = 0;
  for (let i = 0; i < packets.length; i++) {
    const p = packets[i];
    const size = sizes[i];
    switch (p.type) {
      case "sr":
        writeHeader(out, o, p.reports.length, PT_SR, size);
        putU32(out, o + 4, p.ssrc);
        putU32(out, o + 8, p.ntpMsw);
        putU32(out, o + 12, p.ntpLsw);
        putU32(out, o + 16, p.rtpTime);
        putU32(out, o + 20, p.packetCount);
        putU32(out, o + 24, p.octetCount);
        writeReports(out, o + 28, p.reports);
        break;
      case "rr":
        writeHeader(out, o, p.reports.length, PT_RR, size);
        putU32(out, o + 4, p.ssrc);
        writeReports(out, o + 8, p.reports);
        break;
      case "sdes": {
        writeHeader(out, o, p.chunks.length, PT_SDES, size);
        let w = o + 4;
        for (const chunk of p.chunks) {
          putU32(out, w, chunk.ssrc);
          w += 4;
          for (const item of chunk.items) {
            const text = texts[t++];
            out[w] = item.type;
            out[w + 1] = text.length;
            out.set(text, w + 2);
            w += 2 + text.length;
          }
          w = (w + 4) & ~3; // the null item and padding are already zero
        }
        break;
      }
      case "bye": {
        writeHeader(out, o, p.ssrcs.length, PT_BYE, size);
        let w = o + 4;
        for (const ssrc of p.ssrcs) {
          putU32(out, w, ssrc);
          w += 4;
        }
        if (p.reason !== undefined) {
          const text = texts[t++];
          out[w] = text.length;
          out.set(text, w + 1);
        }
        break;
      }
      case "unknown":
        out.set(p.bytes, o);
        break;
    }
    o += size;
  }
  return out;
}
