/**
 * The MJPEG fixtures in tests/testdata/mjpeg/. JPEG images of testsrc at 320x240:
 *
 * ```
 * ffmpeg -f lavfi -i testsrc=size=320x240 -frames:v 3 -q:v 5 -pix_fmt yuvj420p -huffman default \
 *   ffmpeg_testsrc_420_%d.jpg
 * ffmpeg -f lavfi -i testsrc=size=320x240 -frames:v 1 -q:v 5 -pix_fmt yuvj420p -huffman default \
 *   -threads 4 -slices 4 ffmpeg_testsrc_420_dri.jpg                # DRI and RSTn markers
 * ffmpeg -f lavfi -i testsrc=size=320x240 -frames:v 1 -q:v 5 -pix_fmt yuvj420p \
 *   ffmpeg_testsrc_420_optimal.jpg                                 # optimized Huffman tables
 * ffmpeg -f lavfi -i testsrc=size=320x240 -frames:v 1 -q:v 5 ffmpeg_testsrc_444_optimal.jpg
 * ```
 *
 * RTP/JPEG sent by ffmpeg 5.1 and GStreamer 1.22 to a UDP port:
 *
 * ```
 * ffmpeg -re -f lavfi -i testsrc=size=320x240:rate=10 -frames:v 3 -c:v mjpeg -pix_fmt yuvj420p \
 *   -huffman default -q:v 5 -f rtp udp://127.0.0.1:PORT               # ffmpeg_rtp_jpeg_420.bin
 * gst-launch-1.0 videotestsrc num-buffers=3 ! video/x-raw,format=I420,width=320,height=240 \
 *   ! jpegenc quality=50 ! rtpjpegpay ! udpsink host=127.0.0.1 port=PORT # gst_rtpjpegpay_420.bin
 * (the same with format=Y42B and num-buffers=2)                          # gst_rtpjpegpay_422.bin
 * gst-launch-1.0 filesrc location=ffmpeg_testsrc_420_dri.jpg ! jpegparse ! rtpjpegpay \
 *   ! udpsink host=127.0.0.1 port=PORT                           # gst_rtpjpegpay_420_dri.bin
 * ```
 *
 * Each `.bin` holds the RTP datagrams received, each behind its 16-bit big-endian length.
 */
import { readFileSync } from "node:fs";
import type { RtpPacket } from "../../../src/rtp/mod.ts";
import { loadRtpCapture } from "../_rtp.ts";

/** A file of tests/testdata/mjpeg/. */
export function testdata(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`../../testdata/mjpeg/${name}`, import.meta.url)));
}

/** The RTP packets of a capture. */
export function loadRtp(name: string): RtpPacket[] {
  return loadRtpCapture(`mjpeg/${name}`);
}

/** The entropy-coded data of a JPEG image: from after the SOS segment to the EOI marker. */
export function scanData(jpeg: Uint8Array): Uint8Array {
  for (let o = 2; o + 4 <= jpeg.byteLength;) {
    const length = (jpeg[o + 2]! << 8) | jpeg[o + 3]!;
    if (jpeg[o + 1] === 0xda) return jpeg.subarray(o + 2 + length, jpeg.byteLength - 2);
    o += 2 + length;
  }
  throw new Error("No SOS in the image");
}
