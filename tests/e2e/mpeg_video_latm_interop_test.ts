// End to end: the MPV (RFC 2250 §3), MP4A-LATM (RFC 6416 §6) and KLV (RFC 6597) packetizers
// against real depacketizers. ffmpeg makes a short source: MPEG-2 and MPEG-1 video elementary
// streams with B pictures, and AAC LC in ADTS. A Server + ServerStream in this process serves
// it, packetized by src/formats/mpeg_video, src/formats/mpeg4_audio_latm or src/formats/klv,
// paced in real time with RTP timestamps that cross the 2^32 wrap, and ends each play with an
// RTCP SR+BYE. ffmpeg and GStreamer (rtspsrc) read it over RTSP/TCP:
// - MPV: ffmpeg's decode must equal its decode of the file, frame for frame (framemd5), and so
//   must GStreamer's (rtpmpvdepay ! mpegvideoparse ! avdec_mpeg2video, raw I420).
// - LATM: ffmpeg's decode must equal its decode of the ADTS file bit for bit; GStreamer's
//   (rtpmp4adepay ! avdec_aac, float, then audioconvert to S16 without dithering) within 2 of
//   ffmpeg's from the third frame on: rtpmp4adepay passes the packets up to the first marker
//   on unparsed, whoever the sender, so it is read in whole packets only.
// - KLV: GStreamer's rtpklvdepay must give back every unit byte for byte (ffmpeg 5.1 has no
//   smpte336m depacketizer).
// A small maxPacketSize forces fragmentation in another play of each (but GStreamer's LATM).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Format } from "../../src/formats/format.ts";
import { KlvFormat } from "../../src/formats/klv/klv_format.ts";
import { KlvPacketizer } from "../../src/formats/klv/klv_packetizer.ts";
import { Mpeg4AudioLatmFormat } from "../../src/formats/mpeg4_audio_latm/mpeg4_audio_latm_format.ts";
import { Mpeg4AudioLatmPacketizer } from "../../src/formats/mpeg4_audio_latm/mpeg4_audio_latm_packetizer.ts";
import { MpegVideoFormat } from "../../src/formats/mpeg_video/mpeg_video_format.ts";
import { MpegVideoPacketizer } from "../../src/formats/mpeg_video/mpeg_video_packetizer.ts";
import {
  findStartCodes,
  GROUP_START_CODE,
  parsePictureHeader,
  PICTURE_START_CODE,
  SEQUENCE_HEADER_CODE,
  splitMpegVideoPictures,
} from "../../src/formats/mpeg_video/mpeg_video_picture.ts";
import { AAC_SAMPLE_RATES } from "../../src/formats/mpeg4_audio/sampling_frequencies.ts";
import { skipUnless } from "./harness.ts";
import { equalBytes, gstComplaints, InteropServer, maxSampleDiff, type Unit } from "./_interop.ts";
import { klvItem } from "../_helpers/klv_items.ts";

/** Length of every source. */
const SECONDS = 1;
/** GStreamer's S16 samples (float decode, audioconvert) may differ from ffmpeg's by this. */
const GST_TOLERANCE = 2;
/** Video frame period in 90 kHz ticks (25 fps). */
const FRAME_TICKS = 3600;

interface Source {
  format: Format;
  mediaType: "video" | "audio" | "application";
  packetize(maxPacketSize: number | undefined, timestampBase: number): Unit[];
  /** LATM: sample frames, channels and rate. */
  samples?: number;
  channels?: number;
  sampleRate?: number;
  /** KLV: the units sent, joined. */
  klvBytes?: Uint8Array;
}

/** Pictures with their PTS: a GOP's pictures are shown in temporal_reference order. */
function loadMpv(bytes: Uint8Array): Source {
  const pictures = splitMpegVideoPictures(bytes);
  const pts: number[] = [];
  let gopBase = 0;
  pictures.forEach((p, i) => {
    const starts = findStartCodes(p);
    if (starts.some((s) => p[s + 3] === GROUP_START_CODE || p[s + 3] === SEQUENCE_HEADER_CODE)) {
      gopBase = i;
    }
    const at = starts.find((s) => p[s + 3] === PICTURE_START_CODE)!;
    pts.push(gopBase + parsePictureHeader(p, at)!.temporalReference);
  });
  return {
    format: new MpegVideoFormat(),
    mediaType: "video",
    packetize: (maxPacketSize, base) => {
      const packetizer = new MpegVideoPacketizer({ maxPacketSize });
      // Sent in coding order at the decode time: one frame period apart, starting one early so
      // that the B pictures' timestamps (PTS) are not before the first's.
      return pictures.map((p, i) => ({
        dueMs: (i * FRAME_TICKS) / 90,
        packets: packetizer.packetize(p, (base + (pts[i]! + 1) * FRAME_TICKS) >>> 0),
      }));
    },
  };
}

/** Raw AAC frames of an ADTS stream, and its config. */
function loadLatm(bytes: Uint8Array): Source {
  const frames: Uint8Array[] = [];
  let profile = 0;
  let rateIndex = 0;
  let channels = 0;
  for (let o = 0; o < bytes.byteLength;) {
    assert.ok(bytes[o] === 0xff && (bytes[o + 1]! & 0xf6) === 0xf0, `no ADTS header at ${o}`);
    const protectionAbsent = bytes[o + 1]! & 1;
    profile = bytes[o + 2]! >> 6;
    rateIndex = (bytes[o + 2]! >> 2) & 0x0f;
    channels = ((bytes[o + 2]! & 1) << 2) | (bytes[o + 3]! >> 6);
    const length = ((bytes[o + 3]! & 3) << 11) | (bytes[o + 4]! << 3) | (bytes[o + 5]! >> 5);
    const header = protectionAbsent ? 7 : 9;
    frames.push(bytes.subarray(o + header, o + length));
    o += length;
  }
  const sampleRate = AAC_SAMPLE_RATES[rateIndex]!;
  const format = new Mpeg4AudioLatmFormat({
    config: {
      audioObjectType: profile + 1,
      sampleRate,
      channelConfiguration: channels,
      frameLength: 1024,
    },
  });
  return {
    format,
    mediaType: "audio",
    samples: frames.length * 1024,
    channels,
    sampleRate,
    packetize: (maxPacketSize, base) => {
      const p = new Mpeg4AudioLatmPacketizer({ maxPacketSize });
      return frames.map((f, i) => ({
        dueMs: (i * 1024 * 1000) / sampleRate,
        packets: p.packetize([f], (base + i * 1024) >>> 0),
      }));
    },
  };
}

/** KLV units of 25 video frames: a MISB ST 0601 local set key, a BER length and a value. */
function makeKlv(): Source {
  // 20..908 value bytes: the short and both long BER length forms.
  const units = Array.from({ length: 25 }, (_, i) => klvItem(20 + i * 37, i * 7));
  const joined = new Uint8Array(units.reduce((n, u) => n + u.byteLength, 0));
  units.reduce((o, u) => (joined.set(u, o), o + u.byteLength), 0);
  return {
    format: new KlvFormat(),
    mediaType: "application",
    klvBytes: joined,
    packetize: (maxPacketSize, base) => {
      const p = new KlvPacketizer({ maxPacketSize });
      return units.map((u, i) => ({
        dueMs: (i * FRAME_TICKS) / 90,
        packets: p.packetize(u, (base + i * FRAME_TICKS) >>> 0),
      }));
    },
  };
}

interface Case {
  name: string;
  kind: "mpv" | "latm" | "klv";
  /** ffmpeg arguments that make the source (after the lavfi inputs). */
  encode: string[];
  /** maxPacketSize of each play; undefined is the packetizer's default. */
  sizes: (number | undefined)[];
}

const CASES: Case[] = [
  {
    name: "mpeg2video",
    kind: "mpv",
    encode: ["-an", "-c:v", "mpeg2video", "-bf", "2", "-g", "12", "-b:v", "1M", "-f", "mpeg2video"],
    sizes: [undefined, 500],
  },
  {
    name: "mpeg1video",
    kind: "mpv",
    encode: ["-an", "-c:v", "mpeg1video", "-bf", "1", "-g", "10", "-b:v", "1M", "-f", "mpeg1video"],
    sizes: [undefined],
  },
  {
    name: "aac-latm",
    kind: "latm",
    // No perceptual noise substitution: its noise generator's state runs on from frame to
    // frame, so a decoder that lost the first frame (GStreamer, see below) would differ.
    encode: [
      "-vn",
      "-ar",
      "48000",
      "-ac",
      "2",
      "-c:a",
      "aac",
      "-aac_pns",
      "0",
      "-b:a",
      "128k",
      "-f",
      "adts",
    ],
    sizes: [undefined, 200],
  },
  { name: "klv", kind: "klv", encode: [], sizes: [undefined, 300] },
];

const skip = skipUnless({ ffmpeg: true });

describe("MPV, MP4A-LATM and KLV interop: ffmpeg and GStreamer read what our packetizers send", {
  skip,
}, () => {
  const h = new InteropServer();
  const prepared = new Map<string, Promise<{ source: Source; reference: string }>>();

  /** ffmpeg output arguments: framemd5 of the video, or s16le samples into `file`. */
  function decodeOutput(c: Case, file: string): string[] {
    return c.kind === "mpv"
      ? ["-map", "0:v:0", "-fps_mode", "passthrough", "-f", "framemd5", "-"]
      : ["-map", "0:a:0", "-c:a", "pcm_s16le", "-f", "s16le", "-y", file];
  }

  /** Encodes the source of `c` and decodes it for reference (framemd5 text, or a raw file). */
  function prepare(c: Case): Promise<{ source: Source; reference: string }> {
    let p = prepared.get(c.name);
    if (p) return p;
    p = (async () => {
      if (c.kind === "klv") return { source: makeKlv(), reference: "" };
      const { file, bytes } = await h.encodeInteropSource(c.name, SECONDS, c.encode);
      const source = c.kind === "mpv" ? loadMpv(bytes) : loadLatm(bytes);
      const refFile = join(h.dir, `${c.name}.ref.raw`);
      const ref = await h.runFfmpeg(`ffmpeg(reference ${c.name})`, [
        "-i",
        file,
        ...decodeOutput(c, refFile),
      ]);
      if (c.kind === "mpv") {
        // Raw I420 too, for GStreamer.
        await h.runFfmpeg(`ffmpeg(reference raw ${c.name})`, [
          "-i",
          file,
          "-fps_mode",
          "passthrough",
          "-f",
          "rawvideo",
          "-pix_fmt",
          "yuv420p",
          "-y",
          join(h.dir, `${c.name}.ref.yuv`),
        ]);
      }
      return { source, reference: c.kind === "mpv" ? ref.stdout : refFile };
    })();
    prepared.set(c.name, p);
    return p;
  }

  function addPlay(key: string, source: Source, maxPacketSize: number | undefined): void {
    const units = source.packetize(maxPacketSize, 2 ** 32 - 45000);
    h.addPlay(key, source.format, source.mediaType, units);
  }

  before(() => h.start("rtspkit-mpv-latm-interop-"));
  after(() => h.close());

  for (const c of CASES) {
    for (const size of c.sizes) {
      const what = size === undefined ? "" : ` in packets of ${size} bytes`;
      const key = `${c.name}-${size ?? "default"}`;

      if (c.kind !== "klv") {
        it(`${c.name}: ffmpeg decodes the same as from the file over tcp${what}`, {
          timeout: 60_000,
        }, async () => {
          const { source, reference } = await prepare(c);
          addPlay(`${key}-ffmpeg`, source, size);
          const out = join(h.dir, `${key}-ffmpeg.raw`);
          const child = h.readWithFfmpeg(`${key}-ffmpeg`, "tcp", decodeOutput(c, out));
          const exit = await child.exited;
          const why = `\n${child.describeOutput()}`;
          assert.equal(exit.code, 0, `ffmpeg exit code${why}`);
          assert.equal(child.stderr, "", `ffmpeg logged errors${why}`);
          if (c.kind === "mpv") {
            const got = framemd5Hashes(child.stdout);
            const want = framemd5Hashes(reference);
            assert.ok(want.length >= 25, `reference frames ${want.length}`);
            assert.deepEqual(got, want, `frames differ from the file's${why}`);
          } else {
            const samples = new Uint8Array(await readFile(out));
            const ref = new Uint8Array(await readFile(reference));
            assert.equal(
              samples.byteLength / 2 / source.channels!,
              source.samples,
              `samples${why}`,
            );
            assert.ok(equalBytes(samples, ref), `samples differ from the file's${why}`);
          }
        });
      }

      // rtpmp4adepay pushes every packet up to the first marker unparsed (see below): with
      // fragments, more than the first frame goes wrong, by where rtspsrc's first packet falls.
      // It is read in whole packets only.
      if (c.kind === "latm" && size !== undefined) continue;

      const tail = c.kind === "mpv"
        ? [
          "rtpmpvdepay",
          "!",
          "mpegvideoparse",
          "!",
          "avdec_mpeg2video",
        ]
        : c.kind === "latm"
        ? [
          "rtpmp4adepay",
          "!",
          "avdec_aac",
          "!",
          "audioconvert",
          "dithering=none",
          "!",
          "audio/x-raw,format=S16LE",
        ]
        : ["rtpklvdepay"];
      const elements = tail.filter((e) => /^[a-z0-9_]+$/.test(e));
      const exact = c.kind === "mpv"
        ? "decodes every frame as ffmpeg does from the file"
        : c.kind === "latm"
        ? `decodes every sample within ${GST_TOLERANCE} of ffmpeg's`
        : "gives back every KLV unit byte for byte";
      it(`${c.name}: GStreamer ${exact} over tcp${what}`, {
        skip: skip || skipUnless({ gst: ["rtspsrc", ...elements, "filesink"] }),
        timeout: 60_000,
      }, async () => {
        const { source, reference } = await prepare(c);
        addPlay(`${key}-gst`, source, size);
        const out = join(h.dir, `${key}-gst.raw`);
        const child = h.readWithGst(`${key}-gst`, "tcp", tail, out);
        const exit = await child.exited;
        const why = `\n${child.describeOutput()}`;
        assert.equal(exit.code, 0, `GStreamer exit code${why}`);
        let complaints = gstComplaints(child.stderr, GST_BENIGN);
        if (c.kind === "latm") {
          // Interop: rtpmp4adepay (GStreamer 1.22) pushes the first packet it gets as it is, its
          // PayloadLengthInfo included (its "framed" probe), whoever the sender; avdec_aac
          // rejects that one frame, or decodes it from the wrong bytes. Its errors are allowed,
          // once.
          const decodeErrors = complaints.filter((l) => /Audio decoding error/.test(l)).length;
          assert.ok(decodeErrors <= 1, `${decodeErrors} decoding errors${why}`);
          complaints = complaints.filter((l) => !LIBAV_AAC_FIRST_FRAME.some((re) => re.test(l)));
        }
        assert.deepEqual(complaints, [], `GStreamer warnings${why}`);
        const got = new Uint8Array(await readFile(out).catch(() => new Uint8Array(0)));
        if (c.kind === "mpv") {
          const ref = new Uint8Array(await readFile(join(h.dir, `${c.name}.ref.yuv`)));
          const frameBytes = (320 * 240 * 3) / 2;
          assert.equal(got.byteLength / frameBytes, ref.byteLength / frameBytes, `frames${why}`);
          assert.ok(equalBytes(got, ref), `frames differ from ffmpeg's decode of the file${why}`);
        } else if (c.kind === "latm") {
          const ref = new Uint8Array(await readFile(reference));
          // The first frame is lost (see above: rejected, or decoded from the wrong bytes) and
          // the second decodes without the state the first leaves: every sample from the third
          // frame on must be there, as ffmpeg's, aligned at the end.
          const frameBytes = 1024 * 2 * source.channels!;
          assert.ok(
            got.byteLength === ref.byteLength || got.byteLength === ref.byteLength - frameBytes,
            `${got.byteLength} bytes, ffmpeg's ${ref.byteLength}${why}`,
          );
          const tail = ref.byteLength - 2 * frameBytes;
          const diff = maxSampleDiff(
            got.subarray(got.byteLength - tail),
            ref.subarray(2 * frameBytes),
          );
          assert.ok(diff <= GST_TOLERANCE, `samples differ by up to ${diff}${why}`);
        } else {
          assert.ok(equalBytes(got, source.klvBytes!), `KLV bytes differ: ${got.byteLength}${why}`);
        }
      });
    }
  }
});

/** The hashes of a framemd5 listing, in order. */
function framemd5Hashes(stdout: string): string[] {
  return stdout.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("#")).map((l) =>
    l.split(",").map((x) => x.trim())[5] ?? ""
  );
}

/** What avdec_aac logs for the first frame that rtpmp4adepay leaves framed (see the test). */
const LIBAV_AAC_FIRST_FRAME = [
  /libav :0:: /,
  /_gst_audio_decoder_error:<avdec_aac\d+> error: Audio decoding error/,
];

/** Warnings GStreamer prints whatever these packets, besides the common ones. */
const GST_BENIGN = [
  // The stream has no sequence display extension: GStreamer picks the default colorimetry.
  /validate_colorimetry: Need to specify a color matrix when using YUV format/,
  /gst_video_info_from_caps: invalid colorimetry, using default/,
];
