/**
 * The cases every simple 90 kHz video format (VP8, VP9, AV1: SimpleVideoFormat) passes, as a
 * table run against each codec's own class, options and fmtp by
 * {@linkcode itIsSimpleVideoFormat}.
 */
import { it } from "node:test";
import assert from "node:assert/strict";
import type { SimpleVideoFormat } from "../../src/formats/_simple_video_format.ts";
import { formatFromSdp } from "../../src/formats/format.ts";
import { ParseError } from "../../src/errors.ts";
import { rtpPacket } from "./_rtp.ts";

/** A simple video format class and the parameters its tests set. */
export interface SimpleVideoFormatTarget<O> {
  /** The rtpmap encoding name, e.g. `"VP9"`. */
  codec: string;
  /** The format class. */
  Format: {
    new (options?: O & { payloadType?: number }): SimpleVideoFormat;
    fromSdp(payloadType: number, fmtp: Record<string, string> | undefined): SimpleVideoFormat;
  };
  /** Options that set every format parameter of the codec. */
  options: O;
  /** The fmtp those options write. */
  fmtp: Record<string, string>;
}

interface SimpleVideoFormatCase {
  name: (codec: string) => string;
  run: <O>(target: SimpleVideoFormatTarget<O>) => void;
}

const CASES: SimpleVideoFormatCase[] = [
  {
    name: (codec) => `writes ${codec}/90000 and its parameters`,
    run: ({ codec, Format, options, fmtp }) => {
      const format = new Format({ payloadType: 98, ...options });
      assert.equal(format.rtpMap(), `${codec}/90000`);
      assert.equal(format.clockRate, 90000);
      assert.deepEqual(format.fmtp(), fmtp);
      assert.equal(new Format().fmtp(), undefined);
    },
  },
  {
    name: () => "round-trips rtpmap/fmtp through formatFromSdp()",
    run: ({ codec, Format, options }) => {
      const format = new Format({ payloadType: 98, ...options });
      const back = formatFromSdp(98, format.rtpMap(), format.fmtp(), "video");
      assert.ok(back instanceof Format);
      assert.deepEqual(back, format);
      assert.ok(formatFromSdp(98, `${codec}/90000`, undefined, "video") instanceof Format);
    },
  },
  {
    name: () => "rejects a non-numeric parameter",
    run: ({ Format, fmtp }) => {
      for (const key of Object.keys(fmtp)) {
        assert.throws(() => Format.fromSdp(98, { [key]: "x" }), ParseError);
      }
    },
  },
  {
    name: () => "ptsEqualsDts() is always true",
    run: ({ Format }) => {
      const pkt = { ...rtpPacket(0, false, new Uint8Array(1), 0), payloadType: 98 };
      assert.equal(new Format().ptsEqualsDts(pkt), true);
    },
  },
];

/**
 * Defines the shared cases of a simple video format (inside its `describe`).
 *
 * @param target The format class and its parameters.
 */
export function itIsSimpleVideoFormat<O>(target: SimpleVideoFormatTarget<O>): void {
  for (const c of CASES) it(c.name(target.codec), () => c.run(target));
}
