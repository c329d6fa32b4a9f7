/**
 * The AV1 capture in tests/testdata/av1/: 30 frames of testsrc at 320x240, 25 fps, from libaom
 * (ffmpeg 5.1 has no AV1 RTP payloader, so only the OBUs are captured):
 *
 * ```
 * ffmpeg -f lavfi -i testsrc=size=320x240:rate=25 -frames:v 30 -c:v libaom-av1 -cpu-used 8 \
 *   -b:v 150k -g 15 -threads 1 -f obu ffmpeg_libaom_av1.obu
 * ```
 */
import { readFileSync } from "node:fs";
import { splitAv1Bitstream } from "../../../src/formats/av1/av1_bitstream.ts";

/** The capture's file name. */
export const AV1_FILE = "ffmpeg_libaom_av1.obu";

/** The bytes of the capture: a low-overhead bitstream. */
export function loadBitstream(): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`../../testdata/av1/${AV1_FILE}`, import.meta.url)));
}

/** The capture's temporal units, each starting with its temporal delimiter. */
export function loadTemporalUnits(): Uint8Array[][] {
  const units: Uint8Array[][] = [];
  for (const obu of splitAv1Bitstream(loadBitstream())) {
    if (((obu[0]! >> 3) & 0x0f) === 2) units.push([]);
    units[units.length - 1]!.push(obu);
  }
  return units;
}
