/**
 * RTP packets for the payload format tests: built by hand, or read from a capture in
 * tests/testdata/ (the datagrams received on a UDP port, each behind its 16-bit big-endian
 * length; RTCP packets among them are skipped).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { decodeRtp, isRtcpPacketType, type RtpPacket } from "../../src/rtp/mod.ts";

/** An RTP packet of payload type 96 and SSRC 1. */
export function rtpPacket(
  sequenceNumber: number,
  marker: boolean,
  payload: Uint8Array,
  timestamp = 90,
): RtpPacket {
  return {
    marker,
    payloadType: 96,
    sequenceNumber,
    timestamp,
    ssrc: 1,
    csrc: [],
    paddingSize: 0,
    payload,
  };
}

/** {@linkcode rtpPacket} with the timestamp second, as the depacketizer tests write it. */
export function rtpPacketAt(
  sequenceNumber: number,
  timestamp: number,
  marker: boolean,
  payload: number[] | Uint8Array,
): RtpPacket {
  const bytes = payload instanceof Uint8Array ? payload : new Uint8Array(payload);
  return rtpPacket(sequenceNumber, marker, bytes, timestamp);
}

/** The RTP packets of a capture, by its path under tests/testdata/. */
export function loadRtpCapture(path: string): RtpPacket[] {
  const bytes = new Uint8Array(readFileSync(new URL(`../testdata/${path}`, import.meta.url)));
  const out: RtpPacket[] = [];
  for (let o = 0; o < bytes.byteLength;) {
    const length = (bytes[o]! << 8) | bytes[o + 1]!;
    const datagram = bytes.subarray(o + 2, o + 2 + length);
    o += 2 + length;
    if (!isRtcpPacketType(datagram[1]!)) out.push(decodeRtp(datagram));
  }
  return out;
}

/**
 * Asserts that a packetizer's `packets` carry `payloads` in order, numbered from 1, with the
 * marker bit on the last packet only.
 */
export function assertPacketized(
  packets: readonly RtpPacket[],
  payloads: readonly Uint8Array[],
): void {
  assert.deepEqual(packets.map((x) => x.payload), payloads);
  assert.deepEqual(
    packets.map((x) => x.marker),
    payloads.map((_, i) => i === payloads.length - 1),
  );
  assert.deepEqual(packets.map((x) => x.sequenceNumber), payloads.map((_, i) => 1 + i));
}
