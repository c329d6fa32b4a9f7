/**
 * Decoding a JPEG image with ffmpeg, to check that rebuilt images are valid; the tests that use
 * it are skipped when ffmpeg is not installed.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findExecutable } from "../../_helpers/process.ts";

const ffmpeg = findExecutable("ffmpeg");

/** Why the ffmpeg tests are skipped, or false. */
export const skipWithoutFfmpeg: string | false = ffmpeg ? false : "skipped: ffmpeg not installed";

/**
 * The image decoded to raw YUV 4:2:0 at its own size (so `width * height * 3 / 2` bytes), and
 * what ffmpeg printed at -v error.
 */
export function decodeJpeg(jpeg: Uint8Array): { yuv: Uint8Array; errors: string } {
  const dir = mkdtempSync(join(tmpdir(), "rtspkit-mjpeg-"));
  try {
    const path = join(dir, "image.jpg");
    writeFileSync(path, jpeg);
    const r = spawnSync(ffmpeg!, [
      "-v",
      "error",
      "-i",
      path,
      "-f",
      "rawvideo",
      "-pix_fmt",
      "yuv420p",
      "-",
    ], { timeout: 20_000, maxBuffer: 64 * 1024 * 1024 });
    return {
      yuv: new Uint8Array(r.stdout ?? []),
      errors: `${r.status === 0 ? "" : `exit ${r.status} `}${r.stderr?.toString() ?? ""}`,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
