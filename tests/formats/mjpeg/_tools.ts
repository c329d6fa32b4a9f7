/**
 * ffmpeg and GStreamer, to check rebuilt images and packets against other implementations; the
 * tests that use them are skipped when the tools are not installed.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodeRtp, type RtpPacket } from "../../../src/rtp/mod.ts";
import { findExecutable } from "../../_helpers/process.ts";

const ffmpeg = findExecutable("ffmpeg");
const gst = findExecutable("gst-launch-1.0");
const gstInspect = findExecutable("gst-inspect-1.0");

/** Why the ffmpeg tests are skipped, or false. */
export const skipWithoutFfmpeg: string | false = ffmpeg ? false : "skipped: ffmpeg not installed";

const GST_ELEMENTS = ["rtpstreamdepay", "rtpjpegdepay", "multifilesink"];

/** Why the GStreamer tests are skipped, or false. */
export const skipWithoutGst: string | false = (() => {
  if (!ffmpeg || !gst || !gstInspect) return "skipped: ffmpeg or GStreamer not installed";
  for (const el of GST_ELEMENTS) {
    const r = spawnSync(gstInspect, ["--exists", el], { timeout: 10_000 });
    if (r.status !== 0) return `skipped: GStreamer element ${el} not installed`;
  }
  return false;
})();

function withTempDir<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), "rtspkit-mjpeg-"));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The image decoded to raw YUV 4:2:0 at its own size (so `width * height * 3 / 2` bytes), and
 * what ffmpeg printed at -v error.
 */
export function decodeJpeg(jpeg: Uint8Array): { yuv: Uint8Array; errors: string } {
  return withTempDir((dir) => {
    const path = join(dir, "image.jpg");
    writeFileSync(path, jpeg);
    const r = spawnSync(
      ffmpeg!,
      ["-v", "error", "-i", path, "-f", "rawvideo", "-pix_fmt", "yuv420p", "-"],
      { timeout: 20_000, maxBuffer: 64 * 1024 * 1024 },
    );
    return {
      yuv: new Uint8Array(r.stdout ?? []),
      errors: `${r.status === 0 ? "" : `exit ${r.status} `}${r.stderr?.toString() ?? ""}`,
    };
  });
}

/**
 * The JPEG images GStreamer's rtpjpegdepay makes of RTP/JPEG packets, read from a file in
 * RFC 4571 framing (each packet behind its 16-bit length) through rtpstreamdepay.
 */
export function depacketizeWithGst(packets: RtpPacket[]): Uint8Array[] {
  return withTempDir((dir) => {
    const chunks = packets.map((p) => encodeRtp(p));
    const stream = new Uint8Array(chunks.reduce((n, c) => n + 2 + c.byteLength, 0));
    let o = 0;
    for (const c of chunks) {
      stream.set([c.byteLength >> 8, c.byteLength & 0xff], o);
      stream.set(c, o + 2);
      o += 2 + c.byteLength;
    }
    writeFileSync(join(dir, "stream.bin"), stream);
    const r = spawnSync(gst!, [
      "-q",
      "filesrc",
      `location=${join(dir, "stream.bin")}`,
      "!",
      "application/x-rtp-stream,media=video,clock-rate=90000,encoding-name=JPEG,payload=26",
      "!",
      "rtpstreamdepay",
      "!",
      "rtpjpegdepay",
      "!",
      "multifilesink",
      `location=${join(dir, "out_%05d.jpg")}`,
    ], { timeout: 20_000 });
    if (r.status !== 0) throw new Error(`gst-launch-1.0 failed: ${r.stderr?.toString()}`);
    return readdirSync(dir).filter((f) => f.startsWith("out_")).sort().map((f) =>
      new Uint8Array(readFileSync(join(dir, f)))
    );
  });
}
