/**
 * The VP9 captures in tests/testdata/vp9/: 30 frames of testsrc at 320x240, 25 fps, encoded once
 * into an IVF file and then sent as RTP by ffmpeg and by GStreamer:
 *
 * ```
 * ffmpeg -f lavfi -i testsrc=size=320x240:rate=25 -frames:v 30 -c:v libvpx-vp9 -deadline realtime \
 *   -cpu-used 8 -b:v 200k -g 15 -threads 1 ffmpeg_vp9.ivf
 * ffmpeg -re -i ffmpeg_vp9.ivf -c copy -strict experimental -f rtp "udp://127.0.0.1:PORT?pkt_size=1200"
 * gst-launch-1.0 filesrc location=ffmpeg_vp9.ivf ! ivfparse ! rtpvp9pay mtu=1200 picture-id-mode=2 \
 *   ! udpsink host=127.0.0.1 port=PORT
 * ```
 *
 * Each `*_rtp.bin` holds the datagrams received on PORT, each behind its 16-bit big-endian length
 * (ffmpeg's also has its RTCP sender reports).
 */
import { readFileSync } from "node:fs";
import type { RtpPacket } from "../../../src/rtp/mod.ts";
import { loadRtpCapture } from "../_rtp.ts";
import { splitIvf } from "../../_helpers/elementary_streams.ts";

function testdata(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`../../testdata/vp9/${name}`, import.meta.url)));
}

/** The RTP packets of a capture, without its RTCP. */
export function loadRtp(name: string): RtpPacket[] {
  return loadRtpCapture(`vp9/${name}`);
}

/** The frames of an IVF file of the test data. */
export function loadIvf(name: string): Uint8Array[] {
  return splitIvf(testdata(name)).frames.map((frame) => frame.data);
}
