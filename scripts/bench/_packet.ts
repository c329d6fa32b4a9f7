/**
 * The benchmark's RTP packets: a 12-byte RTP header and a payload that carries the send time,
 * so a reader on the same host can compute publisher-to-reader latency.
 *
 * ```text
 * payload offset 0      NAL header byte (0x41 non-IDR slice, 0x65 IDR every 100th packet)
 *                1..8   send time, float64 little-endian, ms (performance.timeOrigin + now())
 *                9..12  publisher packet counter, uint32 big-endian
 *                13..   zeros
 * ```
 * @module
 */

/** Payload type announced and sent by the publisher. */
export const BENCH_PAYLOAD_TYPE = 96;
/** RTP header size written by {@linkcode makeBenchPacket}. */
export const BENCH_RTP_HEADER = 12;
/** Smallest datagram a reader treats as a bench packet (header + NAL byte + time + counter). */
export const BENCH_MIN_PACKET = BENCH_RTP_HEADER + 13;

/** Wall-clock time in ms with sub-ms precision, comparable between processes on one host. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Builds one RTP packet of `payloadSize` payload bytes with the send time embedded. */
export function makeBenchPacket(
  seq: number,
  counter: number,
  ssrc: number,
  payloadSize: number,
  sendMs: number,
): Uint8Array {
  const pkt = new Uint8Array(BENCH_RTP_HEADER + payloadSize);
  const dv = new DataView(pkt.buffer);
  pkt[0] = 0x80;
  pkt[1] = BENCH_PAYLOAD_TYPE | (counter % 10 === 9 ? 0x80 : 0);
  dv.setUint16(2, seq & 0xffff);
  dv.setUint32(4, Math.floor(sendMs * 90) >>> 0);
  dv.setUint32(8, ssrc >>> 0);
  pkt[12] = counter % 100 === 0 ? 0x65 : 0x41;
  dv.setFloat64(13, sendMs, true);
  dv.setUint32(21, counter >>> 0);
  return pkt;
}

/** Reads the sequence number and send time of a bench packet (or undefined if too short). */
export function readBenchPacket(
  bytes: Uint8Array,
): { seq: number; sendMs: number } | undefined {
  if (bytes.length < BENCH_MIN_PACKET || (bytes[0] & 0xc0) !== 0x80) return undefined;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { seq: dv.getUint16(2), sendMs: dv.getFloat64(13, true) };
}

/** The SDP the publisher announces: one H.264 video media. */
export const BENCH_SDP = [
  "v=0",
  "o=- 0 0 IN IP4 127.0.0.1",
  "s=rtspkit bench",
  "c=IN IP4 127.0.0.1",
  "t=0 0",
  "m=video 0 RTP/AVP 96",
  "a=rtpmap:96 H264/90000",
  "a=fmtp:96 packetization-mode=1",
  "a=control:trackID=0",
  "",
].join("\r\n");
