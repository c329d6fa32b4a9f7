/**
 * RTP data packets (RFC 3550 §5.1): decode into a header record plus a payload view, encode with
 * one allocation or into a caller's buffer.
 *
 * @module
 */
import { ParseError } from "../errors.ts";

/** The size of the fixed RTP header, without CSRCs or extension (RFC 3550 §5.1). */
export const RTP_HEADER_SIZE = 12;

/**
 * An RTP data packet ([RFC 3550 §5.1](https://www.rfc-editor.org/rfc/rfc3550#section-5.1)).
 *
 * ```text
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           timestamp                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           synchronization source (SSRC) identifier            |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |            contributing source (CSRC) identifiers             |
 * |                             ....                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      defined by profile       |           length              |  X=1 (RFC 3550 §5.3.1)
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        header extension                       |
 * |                             ....                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                            payload                            |
 * |                               +-------------------------------+
 * |                               | padding ...   | padding count |  P=1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 *
 * `payload` (and `extension.data`) are views into the decoded bytes, never copies: the packet
 * stays valid only as long as those bytes are not changed. A packet without CSRCs shares one
 * frozen empty `csrc` array; build a new array to add CSRCs.
 */
export interface RtpPacket {
  /** M bit: its meaning is defined by the payload format (e.g. last packet of an access unit). */
  marker: boolean;
  /** PT, 0..127. */
  payloadType: number;
  /** 16-bit sequence number. */
  sequenceNumber: number;
  /** 32-bit timestamp, unsigned. */
  timestamp: number;
  /** 32-bit synchronization source, unsigned. */
  ssrc: number;
  /** Contributing sources (at most 15). */
  csrc: number[];
  /** Header extension (RFC 3550 §5.3.1); `data.length` is a multiple of 4. */
  extension?: { profile: number; data: Uint8Array };
  /** Number of padding bytes including the count byte; 0 means no padding (P bit clear). */
  paddingSize: number;
  /** The payload, a view into the decoded bytes. */
  payload: Uint8Array;
}

const NO_CSRC: number[] = Object.freeze([]) as unknown as number[];

function fail(code: string, message: string, offset: number): never {
  throw new ParseError(code, `Cannot decode RTP packet: ${message}`, { offset, fatal: false });
}

/**
 * Decodes one RTP packet. The payload is a view into `bytes`; nothing is copied.
 *
 * @param bytes A whole RTP packet (e.g. one UDP datagram or interleaved frame).
 * @returns The packet record.
 * @throws {ParseError} When the packet is shorter than its header, not version 2, or its
 * CSRC list, extension or padding overrun the bytes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeRtp } from "./rtp_packet.ts";
 * const pkt = decodeRtp(new Uint8Array([0x80, 0xe0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0xaa]));
 * assert.equal(pkt.marker, true);
 * assert.equal(pkt.payloadType, 96);
 * assert.deepEqual([...pkt.payload], [0xaa]);
 * ```
 */
export function decodeRtp(bytes: Uint8Array): RtpPacket {
  const length = bytes.length;
  if (length < RTP_HEADER_SIZE) {
    fail("RTP_TOO_SHORT", `${length} bytes is shorter than the header`, 0);
  }
  const b0 = bytes[0];
  if (b0 >> 6 !== 2) fail("RTP_BAD_VERSION", `unsupported version ${b0 >> 6}`, 0);
  const csrcCount = b0 & 0x0f;
  let offset = RTP_HEADER_SIZE + csrcCount * 4;
  if (offset > length) fail("RTP_TOO_SHORT", "CSRC list overruns the packet", RTP_HEADER_SIZE);
  let csrc = NO_CSRC;
  if (csrcCount > 0) {
    csrc = new Array<number>(csrcCount);
    for (let i = 0, o = RTP_HEADER_SIZE; i < csrcCount; i++, o += 4) {
      csrc[i] = ((bytes[o] << 24) | (bytes[o + 1] << 16) | (bytes[o + 2] << 8) | bytes[o + 3]) >>>
        0;
    }
  }
  let extension: RtpPacket["extension"];
  if (b0 & 0x10) {
    if (offset + 4 > length) fail("RTP_TOO_SHORT", "extension header overruns the packet", offset);
    const profile = (bytes[offset] << 8) | bytes[offset + 1];
    const words = (bytes[offset + 2] << 8) | bytes[offset + 3];
    const start = offset + 4;
    offset = start + words * 4;
    if (offset > length) fail("RTP_TOO_SHORT", "extension overruns the packet", start);
    extension = { profile, data: bytes.subarray(start, offset) };
  }
  let end = length;
  let paddingSize = 0;
  if (b0 & 0x20) {
    paddingSize = bytes[length - 1];
    if (paddingSize === 0 || paddingSize > length - offset) {
      fail("RTP_BAD_PADDING", `invalid padding count ${paddingSize}`, length - 1);
    }
    end = length - paddingSize;
  }
  const b1 = bytes[1];
  return {
    marker: (b1 & 0x80) !== 0,
    payloadType: b1 & 0x7f,
    sequenceNumber: (bytes[2] << 8) | bytes[3],
    timestamp: ((bytes[4] << 24) | (bytes[5] << 16) | (bytes[6] << 8) | bytes[7]) >>> 0,
    ssrc: ((bytes[8] << 24) | (bytes[9] << 16) | (bytes[10] << 8) | bytes[11]) >>> 0,
    csrc,
    extension,
    paddingSize,
    payload: bytes.subarray(offset, end),
  };
}

/**
 * Returns the number of bytes {@linkcode encodeRtp} writes for a packet.
 *
 * @param pkt The packet.
 * @returns Header, CSRCs, extension, payload and padding, in bytes.
 */
export function rtpEncodedSize(pkt: RtpPacket): number {
  let size = RTP_HEADER_SIZE + pkt.csrc.length * 4 + pkt.payload.length + pkt.paddingSize;
  if (pkt.extension !== undefined) size += 4 + pkt.extension.data.length;
  return size;
}

/**
 * Encodes an RTP packet: computes its size, then writes it into a new buffer (one allocation)
 * or into `out` at `offset`.
 *
 * @param pkt The packet. `paddingSize` > 0 sets the P bit and appends that many bytes (zeros,
 * then the count).
 * @param out Optional destination buffer.
 * @param offset Where to write in `out` (default 0).
 * @returns The bytes written (a view of `out` when given).
 * @throws {RangeError} When `out` is too small, there are more than 15 CSRCs, the extension is
 * not a multiple of 4 bytes or `paddingSize` exceeds 255.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeRtp, encodeRtp } from "./rtp_packet.ts";
 * const bytes = encodeRtp({
 *   marker: true, payloadType: 96, sequenceNumber: 1, timestamp: 2, ssrc: 3,
 *   csrc: [], paddingSize: 0, payload: new Uint8Array([0xaa]),
 * });
 * assert.equal(bytes.length, 13);
 * assert.equal(decodeRtp(bytes).sequenceNumber, 1);
 * ```
 */
export function encodeRtp(pkt: RtpPacket, out?: Uint8Array, offset = 0): Uint8Array {
  const csrc = pkt.csrc;
  const ext = pkt.extension;
  const payload = pkt.payload;
  const paddingSize = pkt.paddingSize;
  if (csrc.length > 15) throw new RangeError(`Cannot encode RTP packet: ${csrc.length} CSRCs`);
  if (ext !== undefined && ext.data.length % 4 !== 0) {
    throw new RangeError("Cannot encode RTP packet: extension length is not a multiple of 4");
  }
  if (paddingSize < 0 || paddingSize > 255) {
    throw new RangeError(`Cannot encode RTP packet: invalid padding size ${paddingSize}`);
  }
  const size = rtpEncodedSize(pkt);
  let buf: Uint8Array;
  if (out === undefined) {
    buf = new Uint8Array(size);
    offset = 0;
  } else {
    if (offset < 0 || out.length - offset < size) {
      throw new RangeError(
        `Cannot encode RTP packet: ${size} bytes do not fit at offset ${offset}`,
      );
    }
    buf = out;
  }
  let o = offset;
  buf[o] = 0x80 | (paddingSize > 0 ? 0x20 : 0) | (ext !== undefined ? 0x10 : 0) | csrc.length;
  buf[o + 1] = (pkt.marker ? 0x80 : 0) | (pkt.payloadType & 0x7f);
  const seq = pkt.sequenceNumber;
  buf[o + 2] = (seq >>> 8) & 0xff;
  buf[o + 3] = seq & 0xff;
  const ts = pkt.timestamp;
  buf[o + 4] = ts >>> 24;
  buf[o + 5] = (ts >>> 16) & 0xff;
  buf[o + 6] = (ts >>> 8) & 0xff;
  buf[o + 7] = ts & 0xff;
  const ssrc = pkt.ssrc;
  buf[o + 8] = ssrc >>> 24;
  buf[o + 9] = (ssrc >>> 16) & 0xff;
  buf[o + 10] = (ssrc >>> 8) & 0xff;
  buf[o + 11] = ssrc & 0xff;
  o += RTP_HEADER_SIZE;
  for (let i = 0; i < csrc.length; i++, o += 4) {
    const c = csrc[i];
    buf[o] = c >>> 24;
    buf[o + 1] = (c >>> 16) & 0xff;
    buf[o + 2] = (c >>> 8) & 0xff;
    buf[o + 3] = c & 0xff;
  }
  if (ext !== undefined) {
    const words = ext.data.length / 4;
    buf[o] = (ext.profile >>> 8) & 0xff;
    buf[o + 1] = ext.profile & 0xff;
    buf[o + 2] = (words >>> 8) & 0xff;
    buf[o + 3] = words & 0xff;
    buf.set(ext.data, o + 4);
    o += 4 + ext.data.length;
  }
  buf.set(payload, o);
  o += payload.length;
  if (paddingSize > 0) {
    buf.fill(0, o, o + paddingSize - 1);
    buf[o + paddingSize - 1] = paddingSize;
  }
  return out === undefined ? buf : buf.subarray(offset, offset + size);
}

/**
 * Tells whether the second byte of a packet is an RTCP packet type when RTP and RTCP share a
 * port (RFC 5761 §4: 192..223).
 *
 * @param byte1 The second byte of the packet (M bit + PT for RTP, PT for RTCP).
 * @returns True for RTCP.
 */
export function isRtcpPacketType(byte1: number): boolean {
  return byte1 >= 192 && byte1 <= 223;
}
