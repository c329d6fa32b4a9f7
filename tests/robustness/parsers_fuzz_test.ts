// Seeded fuzzing of the parsers of untrusted input below the socket level: the KeyMgmt header
// and MIKEY (SETUP), SRTP/SRTCP unprotect (publishers and readers under RTP/SAVP) and every
// depacketizer. Mutations: bit flips, byte changes, insertions, deletions, truncations,
// length-field corruption and splices of valid packets (captures in tests/testdata/ and case
// tables). A fixed seed per test, a bounded number of cases: well under a second per test.
// For a longer hunt: PARSERS_FUZZ_SCALE=50 deno test -A tests/robustness/parsers_fuzz_test.ts
// (the cases multiply, and the seeds change with the scale).
import process from "node:process";
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { decodeBase64, encodeBase64 } from "../../src/bytes/mod.ts";
import { ParseError } from "../../src/errors.ts";
import { parseKeyMgmt } from "../../src/mikey/key_mgmt_header.ts";
import { decodeMikey, encodeMikey, type MikeyMessage } from "../../src/mikey/mikey_message.ts";
import { createSrtpMikey, srtpKeyFromMikey } from "../../src/mikey/srtp_key_exchange.ts";
import { srtpContextFromKeyMgmt } from "../../src/server/_srtp_keys.ts";
import { SrtpContext } from "../../src/srtp/srtp_context.ts";
import type { RtpPacket } from "../../src/rtp/mod.ts";
import { Av1Depacketizer } from "../../src/formats/av1/av1_depacketizer.ts";
import { Av1Packetizer } from "../../src/formats/av1/av1_packetizer.ts";
import { H264Depacketizer } from "../../src/formats/h264/h264_depacketizer.ts";
import { H265Depacketizer } from "../../src/formats/h265/h265_depacketizer.ts";
import { H265Packetizer } from "../../src/formats/h265/h265_packetizer.ts";
import { MjpegDepacketizer } from "../../src/formats/mjpeg/mjpeg_depacketizer.ts";
import { Vp8Depacketizer } from "../../src/formats/vp8/vp8_depacketizer.ts";
import { G711Depacketizer } from "../../src/formats/g711/g711_depacketizer.ts";
import { LpcmDepacketizer } from "../../src/formats/lpcm/lpcm_depacketizer.ts";
import { Mpeg4AudioDepacketizer } from "../../src/formats/mpeg4_audio/mpeg4_audio_depacketizer.ts";
import { OpusDepacketizer } from "../../src/formats/opus/opus_depacketizer.ts";
import { Vp9Depacketizer } from "../../src/formats/vp9/vp9_depacketizer.ts";
import { decodeVp9PayloadDescriptor } from "../../src/formats/vp9/vp9_payload_descriptor.ts";
import { readVp9FrameInfo } from "../../src/formats/vp9/_uncompressed_header.ts";
import { Vp9Packetizer } from "../../src/formats/vp9/vp9_packetizer.ts";
import { splitAv1Bitstream } from "../../src/formats/av1/av1_bitstream.ts";
import { splitAnnexB } from "../../src/formats/h264/annexb.ts";
import { decodeRtpJpegHeader } from "../../src/formats/mjpeg/_rtp_jpeg_header.ts";
import { MjpegPacketizer } from "../../src/formats/mjpeg/mjpeg_packetizer.ts";
import { formatFromSdp } from "../../src/formats/format.ts";
import { Mp2tDepacketizer } from "../../src/formats/mp2t/mp2t_depacketizer.ts";
import { Mp2tPacketizer } from "../../src/formats/mp2t/mp2t_packetizer.ts";
import { MpegAudioDepacketizer } from "../../src/formats/mpeg_audio/mpeg_audio_depacketizer.ts";
import { MpegAudioPacketizer } from "../../src/formats/mpeg_audio/mpeg_audio_packetizer.ts";
import { parseMpegAudioHeader } from "../../src/formats/mpeg_audio/mpeg_audio_header.ts";
import { Mpeg4VideoDepacketizer } from "../../src/formats/mpeg4_video/mpeg4_video_depacketizer.ts";
import { Mpeg4VideoPacketizer } from "../../src/formats/mpeg4_video/mpeg4_video_packetizer.ts";
import { Ac3Depacketizer } from "../../src/formats/ac3/ac3_depacketizer.ts";
import { Ac3Packetizer } from "../../src/formats/ac3/ac3_packetizer.ts";
import { readAc3FrameHeader } from "../../src/formats/ac3/ac3_frame.ts";
import { G722Depacketizer } from "../../src/formats/g722/g722_depacketizer.ts";
import { G722Packetizer } from "../../src/formats/g722/g722_packetizer.ts";
import { Mpeg4AudioLatmDepacketizer } from "../../src/formats/mpeg4_audio_latm/mpeg4_audio_latm_depacketizer.ts";
import { Mpeg4AudioLatmPacketizer } from "../../src/formats/mpeg4_audio_latm/mpeg4_audio_latm_packetizer.ts";
import {
  parseStreamMuxConfig,
  type StreamMuxConfig,
} from "../../src/formats/mpeg4_audio_latm/stream_mux_config.ts";
import { MpegVideoDepacketizer } from "../../src/formats/mpeg_video/mpeg_video_depacketizer.ts";
import { MpegVideoPacketizer } from "../../src/formats/mpeg_video/mpeg_video_packetizer.ts";
import { decodeMpegVideoHeader } from "../../src/formats/mpeg_video/mpeg_video_header.ts";
import {
  findStartCodes,
  parsePictureHeader,
  splitMpegVideoPictures,
} from "../../src/formats/mpeg_video/mpeg_video_picture.ts";
import { KlvDepacketizer } from "../../src/formats/klv/klv_depacketizer.ts";
import { KlvPacketizer } from "../../src/formats/klv/klv_packetizer.ts";
import { decodeHex } from "../../src/bytes/hex.ts";
import { mutateBytes } from "../../scripts/fuzz/mutate.ts";
import { Rng } from "../../scripts/fuzz/rng.ts";
import { rtpPacket } from "../formats/_rtp.ts";
import { loadRtp as loadMjpegRtp, testdata as mjpegTestdata } from "../formats/mjpeg/_captures.ts";
import { loadIvf, loadRtp as loadVp9Rtp } from "../formats/vp9/_captures.ts";
import { loadBitstream, loadTemporalUnits } from "../formats/av1/_captures.ts";
import { H264_CASES } from "../formats/h264/_cases.ts";
import { MPEG4_AUDIO_CASES } from "../formats/mpeg4_audio/_cases.ts";
import { OPUS_CASES } from "../formats/opus/_cases.ts";
import { INTERLEAVED_CASES, nal, stapB } from "../formats/h264/_interleaved_cases.ts";
import { MPEG4_VIDEO_CASES, RFC_CONFIG } from "../formats/mpeg4_video/_cases.ts";
import { FRAMES_44K, FRAMES_48K } from "../formats/ac3/_frames.ts";
import {
  loadMpegAudio,
  splitFrames as splitMpegAudioFrames,
} from "../formats/mpeg_audio/_frames.ts";
import { loadMpegVideo, MPEG_VIDEO_FILES } from "../formats/mpeg_video/_pictures.ts";
import { klvItem } from "../_helpers/klv_items.ts";

/** Seconds between the NTP epoch (1900) and the Unix epoch (1970). */
const NTP_UNIX_OFFSET_S = 2208988800;
const SCALE = Math.max(1, Math.floor(Number(process.env.PARSERS_FUZZ_SCALE ?? 1)) || 1);
const SRTP_ERRORS = ["SRTP_INVALID", "SRTP_AUTH_FAILED", "SRTP_REPLAYED", "SRTP_TOO_MANY_SSRCS"];

function testdata(path: string): string {
  return readFileSync(new URL(`../testdata/${path}`, import.meta.url), "utf8").trim();
}

/** Runs `fn`, which may throw only a ParseError with one of `codes`. */
function onlyParseError(codes: readonly string[], fn: () => unknown, input: () => string): void {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof ParseError) || !codes.includes(error.code)) {
      assert.fail(`Unexpected ${String(error)} (${(error as Error)?.stack}) for ${input()}`);
    }
  }
}

function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

/**
 * Damage aimed at binary length fields: a 1-, 2- or 3-byte big-endian field at a random offset
 * set to 0, its maximum, one more or less than now, or a random value.
 */
function corruptLength(rng: Rng, input: Uint8Array): Uint8Array {
  const b = input.slice();
  if (b.length === 0) return b;
  const width = Math.min(b.length, 1 + rng.int(3));
  const at = rng.int(b.length - width + 1);
  let v = 0;
  for (let i = 0; i < width; i++) v = v * 256 + b[at + i]!;
  const max = 2 ** (8 * width) - 1;
  const choices = [0, max, v + 1, v - 1, rng.int(max + 1), v * 2, v >> 1];
  let nv = rng.pick(choices);
  nv = Math.max(0, Math.min(max, nv));
  for (let i = width - 1; i >= 0; i--) {
    b[at + i] = nv & 0xff;
    nv = Math.floor(nv / 256);
  }
  return b;
}

/** The head of one input and the tail of another. */
function splice(rng: Rng, a: Uint8Array, b: Uint8Array): Uint8Array {
  const head = a.subarray(0, rng.int(a.length + 1));
  const tail = b.subarray(rng.int(b.length + 1));
  const out = new Uint8Array(head.length + tail.length);
  out.set(head);
  out.set(tail, head.length);
  return out;
}

/** One of the mutations above, or random bytes. */
function mutate(rng: Rng, input: Uint8Array, corpus: readonly Uint8Array[]): Uint8Array {
  switch (rng.int(6)) {
    case 0:
    case 1:
      return mutateBytes(rng, input);
    case 2:
      return corruptLength(rng, input);
    case 3:
      return splice(rng, input, rng.pick(corpus));
    case 4:
      return input.subarray(0, rng.int(input.length + 1));
    default:
      return rng.bytes(rng.int(rng.chance(0.1) ? 2000 : 64));
  }
}

describe("parsers fuzz: KeyMgmt and MIKEY", () => {
  const headers = [
    testdata("mikey/gstreamer_1.22_rtspsrc_setup_keymgmt.txt"),
    testdata("mikey/gstreamer_1.22_rtspclientsink_setup_keymgmt.txt"),
  ];
  const messages = [
    ...headers.map((h) => decodeBase64(parseKeyMgmt(h).data)),
    decodeBase64(testdata("mikey/gstreamer_1.22_rtspclientsink_announce_sdp_mikey.txt")),
    encodeMikey(createSrtpMikey({
      keyAndSalt: new Uint8Array(30).fill(3),
      cryptoSessions: [{ ssrc: 1, roc: 2 }, { ssrc: 0xffffffff, roc: 0xffffffff }],
      mki: new Uint8Array([1, 2, 3, 4]),
      nowMs: 0,
    })),
  ];

  /** The time of a message's T payload, so that mutants usually pass the clock check. */
  function messageTimeMs(msg: MikeyMessage): number {
    const t = msg.payloads.find((p) => p.kind === "timestamp");
    return t === undefined ? 0 : (t.seconds - NTP_UNIX_OFFSET_S) * 1000;
  }

  it("decodeMikey() and srtpKeyFromMikey() throw only INVALID_MIKEY, and decoded messages encode back to their bytes", () => {
    const rng = new Rng(0x4d494b45 * SCALE);
    let decoded = 0;
    let keys = 0;
    for (let i = 0; i < 4000 * SCALE; i++) {
      const bytes = mutate(rng, rng.pick(messages), messages);
      let msg: MikeyMessage | undefined;
      onlyParseError(["INVALID_MIKEY"], () => (msg = decodeMikey(bytes)), () => hex(bytes));
      if (msg === undefined) continue;
      decoded++;
      assert.deepEqual(encodeMikey(msg), bytes, hex(bytes));
      const now = rng.chance(0.8) ? messageTimeMs(msg) : rng.pick([0, Date.now(), 2 ** 53]);
      onlyParseError(["INVALID_MIKEY"], () => {
        const key = srtpKeyFromMikey(msg!, now);
        assert.equal(key.keyAndSalt.length, 30);
        assert.ok((key.mki?.length ?? 0) <= 4);
        keys++;
      }, () => hex(bytes));
    }
    // The mutations keep a fair share of the messages readable, so the deeper checks run too.
    assert.ok(decoded > 200 && keys > 20, `decoded ${decoded}, keys ${keys}`);
  });

  it("parseKeyMgmt() and the SETUP key reader throw only INVALID_KEY_MGMT or INVALID_MIKEY", () => {
    const rng = new Rng(0x4b4d474d * SCALE);
    const encoder = new TextEncoder();
    const decoder = new TextDecoder();
    const hostile = [
      ...headers,
      'prot=mikey; data=""',
      "prot=mikey; data=%%%%",
      'prot=mikey; data="' + "A".repeat(20000) + '"',
      'prot=mikey; uri="a;b"; data="AQA="; data="AQAA"',
      'prot="mikey', // an unterminated quote
      ";;;;=;=",
    ];
    for (let i = 0; i < 3000 * SCALE; i++) {
      const base = rng.pick(hostile);
      let value: string;
      switch (rng.int(4)) {
        case 0:
          value = decoder.decode(mutateBytes(rng, encoder.encode(base)));
          break;
        case 1: {
          // A valid header around a damaged MIKEY message (or around bad base64).
          const msg = mutate(rng, rng.pick(messages), messages);
          const data = rng.chance(0.9) ? encodeBase64(msg) : decoder.decode(rng.bytes(40));
          value = `prot=mikey; uri="rtsps://h/s/trackID=0"; data="${data}"`;
          break;
        }
        case 2:
          value = base.slice(0, rng.int(base.length + 1));
          break;
        default:
          value = base;
      }
      onlyParseError(["INVALID_KEY_MGMT"], () => parseKeyMgmt(value), () => JSON.stringify(value));
      onlyParseError(
        ["INVALID_KEY_MGMT", "INVALID_MIKEY"],
        () => srtpContextFromKeyMgmt(value),
        () => JSON.stringify(value),
      );
    }
  });
});

describe("parsers fuzz: SRTP and SRTCP", () => {
  function randomRtp(rng: Rng, seq: number, ssrc: number): Uint8Array {
    const csrc = rng.chance(0.2) ? rng.int(4) : 0;
    const extWords = rng.chance(0.2) ? rng.int(3) : -1;
    const payload = rng.int(rng.chance(0.1) ? 1400 : 100);
    const size = 12 + 4 * csrc + (extWords >= 0 ? 4 + 4 * extWords : 0) + payload;
    const b = rng.bytes(size);
    b[0] = 0x80 | (extWords >= 0 ? 0x10 : 0) | csrc;
    b[2] = seq >> 8;
    b[3] = seq & 0xff;
    b[8] = ssrc >>> 24;
    b[9] = (ssrc >>> 16) & 0xff;
    b[10] = (ssrc >>> 8) & 0xff;
    b[11] = ssrc & 0xff;
    if (extWords >= 0) {
      const at = 12 + 4 * csrc;
      b[at + 2] = 0;
      b[at + 3] = extWords;
    }
    return b;
  }

  function randomRtcp(rng: Rng, ssrc: number): Uint8Array {
    const b = rng.bytes(8 + 4 * rng.int(16));
    b[0] = 0x80;
    b[1] = 200 + rng.int(8);
    b[4] = ssrc >>> 24;
    b[5] = (ssrc >>> 16) & 0xff;
    b[6] = (ssrc >>> 8) & 0xff;
    b[7] = ssrc & 0xff;
    return b;
  }

  for (const mki of [undefined, new Uint8Array([9, 8, 7, 6])]) {
    const label = mki === undefined ? "without MKI" : "with a 4-byte MKI";

    it(`unprotectRtp() throws only its documented errors on corrupted packets and keeps working, ${label}`, () => {
      const rng = new Rng((mki === undefined ? 0x53525450 : 0x53525451) * SCALE);
      const key = rng.bytes(30);
      const sender = new SrtpContext(key, { mki });
      const receiver = new SrtpContext(key, { mki });
      const ssrcs = [0x11111111, 0x22222222];
      const seqs = [rng.int(65536), rng.int(65536)];
      const recent: Uint8Array[] = [];
      let delivered = 0;
      for (let i = 0; i < 1500 * SCALE; i++) {
        const s = rng.int(2);
        seqs[s] = (seqs[s]! + 1 + (rng.chance(0.05) ? rng.int(3000) : 0)) & 0xffff;
        const plain = randomRtp(rng, seqs[s]!, ssrcs[s]!);
        const secure = sender.protectRtp(plain);
        recent.push(secure);
        if (recent.length > 8) recent.shift();
        // Hostile variants first: none may pass, or disturb the genuine packet that follows.
        for (let k = rng.int(4); k > 0; k--) {
          const bad = hostileSrtp(rng, secure, recent, 12);
          onlyParseError(SRTP_ERRORS, () => receiver.unprotectRtp(bad), () => hex(bad));
        }
        assert.deepEqual(receiver.unprotectRtp(secure), plain, `packet ${i}`);
        delivered++;
        // And a replay of it is refused.
        assert.throws(() => receiver.unprotectRtp(secure), { code: "SRTP_REPLAYED" });
      }
      assert.equal(delivered, 1500 * SCALE);
    });

    it(`unprotectRtcp() throws only its documented errors on corrupted packets and keeps working, ${label}`, () => {
      const rng = new Rng((mki === undefined ? 0x53525443 : 0x53525444) * SCALE);
      const key = rng.bytes(30);
      const sender = new SrtpContext(key, { mki });
      const receiver = new SrtpContext(key, { mki });
      const recent: Uint8Array[] = [];
      for (let i = 0; i < 1000 * SCALE; i++) {
        const plain = randomRtcp(rng, 0x33333333);
        const secure = sender.protectRtcp(plain);
        recent.push(secure);
        if (recent.length > 8) recent.shift();
        for (let k = rng.int(4); k > 0; k--) {
          const bad = hostileSrtp(rng, secure, recent, 4);
          onlyParseError(SRTP_ERRORS, () => receiver.unprotectRtcp(bad), () => hex(bad));
        }
        assert.deepEqual(receiver.unprotectRtcp(secure), plain, `packet ${i}`);
      }
    });
  }

  /**
   * A corrupted SRTP/SRTCP packet: a flipped tag, index or MKI bit, a forged SSRC or sequence
   * number, a truncation, a generic mutation, or a replay of an earlier packet. Never the
   * genuine packet itself.
   */
  function hostileSrtp(
    rng: Rng,
    secure: Uint8Array,
    recent: Uint8Array[],
    ssrcAt: number,
  ): Uint8Array {
    let b: Uint8Array;
    switch (rng.int(8)) {
      case 0: // the tag
        b = secure.slice();
        b[b.length - 1 - rng.int(10)]! ^= 1 << rng.int(8);
        break;
      case 1: // the index (SRTP sequence number, SRTCP E flag and index) or the MKI
        b = secure.slice();
        b[rng.pick([2, 3, b.length - 11, b.length - 12, b.length - 13, b.length - 14])]! ^= 1 <<
          rng.int(8);
        break;
      case 2: // a forged SSRC
        b = secure.slice();
        b.set(rng.bytes(4), ssrcAt === 12 ? 8 : 4);
        break;
      case 3:
        b = secure.subarray(0, rng.int(secure.length));
        break;
      case 4:
        b = corruptLength(rng, secure);
        break;
      case 5: // an earlier packet, replayed
        b = rng.pick(recent);
        if (b === secure) b = secure.subarray(0, secure.length - 1);
        break;
      default:
        b = mutate(rng, secure, recent);
    }
    if (b.length === secure.length && b.every((x, j) => x === secure[j])) {
      b = secure.subarray(1);
    }
    return b;
  }
});

interface Target {
  name: string;
  make: () => { depacketize(pkt: RtpPacket): unknown[] };
  /** Valid packets, in order. */
  packets: RtpPacket[];
  /** A valid stream that must decode after the damage; default: `packets` twice. */
  recovery?: RtpPacket[];
  /** Bytes an output may hold at most: the depacketizer's memory bound for one unit. */
  maxOutputBytes?: number;
  /** Further checks of one output's bytes (the format's framing). */
  checkOutput?: (bytes: Uint8Array) => void;
  /** The depacketizer's counters of dropped and invalid input, summed: damage must move them. */
  drops?: (depacketizer: unknown) => number;
}

/** The bytes of one depacketizer output, whatever the format calls them. */
function outputBytes(out: unknown): Uint8Array | undefined {
  const o = out as { data?: Uint8Array; frame?: Uint8Array; samples?: Uint8Array };
  return o.data ?? o.frame ?? o.samples;
}

/** The first TS packets of an MPEG-TS capture (ffmpeg: H.264 and AAC). */
function mpegTsCapture(count: number): Uint8Array {
  const file = readFileSync(new URL("../testdata/mpegts/ffmpeg_h264_aac.mpegts", import.meta.url));
  return new Uint8Array(file).subarray(0, 188 * count);
}

/** StreamMuxConfigs of the MP4A-LATM tests: AAC LC 44.1 kHz stereo; 48 kHz stereo, 2 subframes. */
const LATM_CONFIGS = ["400024200000", "400024180000", "410023203fe0c0"];

/** The packets of the payload formats added with MP2T, from their own packetizers. */
function newFormatTargets(): Target[] {
  const mp2t = new Mp2tPacketizer({ payloadType: 33 });
  const ts = mpegTsCapture(60);
  const mp2tPackets = [...mp2t.packetize(ts.subarray(0, 188 * 30), 0)];
  mp2tPackets.push(...mp2t.packetize(ts.subarray(188 * 30), 3600));

  const mpa = new MpegAudioPacketizer({ payloadType: 14, maxPacketSize: 300 });
  const mpaWhole = new MpegAudioPacketizer({ payloadType: 14 });
  const mp3 = splitMpegAudioFrames(loadMpegAudio("mp3_44100_stereo_128k.mp3")).slice(0, 6);
  const mp2 = splitMpegAudioFrames(loadMpegAudio("mp2_48000_stereo_192k.mp2")).slice(0, 4);
  const mp3Mono = splitMpegAudioFrames(loadMpegAudio("mp3_22050_mono_32k.mp3")).slice(0, 8);
  const mpaPackets = [
    ...mpa.packetize(mp3.slice(0, 2), 0),
    ...mpa.packetize(mp2.slice(0, 1), 2351),
    ...mpaWhole.packetize(mp3Mono, 4702),
    ...mpaWhole.packetize(mp2.slice(1), 9000),
  ];

  const mp4v = new Mpeg4VideoPacketizer({ payloadType: 96, maxPacketSize: 500 });
  const mp4vPackets = MPEG4_VIDEO_CASES.flatMap((c, i) => mp4v.packetize(c.frame, 3000 * i));

  const ac3 = new Ac3Packetizer({ payloadType: 96, maxPacketSize: 400 });
  const ac3Whole = new Ac3Packetizer({ payloadType: 96 });
  const ac3Packets = [
    ...ac3.packetize(FRAMES_48K.slice(0, 2), 0),
    ...ac3Whole.packetize(FRAMES_44K.slice(0, 4), 3072),
    ...ac3Whole.packetize(FRAMES_48K.slice(2, 3), 9216),
  ];

  const g722 = new G722Packetizer({ payloadType: 9, maxPacketSize: 12 + 160 });
  const g722Packets = g722.packetize(Uint8Array.from({ length: 1000 }, (_, i) => i * 7), 0);

  const latmConfig = parseStreamMuxConfig(decodeHex(LATM_CONFIGS[0]!));
  const latm = new Mpeg4AudioLatmPacketizer({ maxPacketSize: 200 });
  const aus = [30, 400, 5, 255, 600].map((n, k) =>
    Uint8Array.from({ length: n }, (_, i) => (i * 13 + k) & 0xff)
  );
  const latmPackets = [
    ...latm.packetize(aus.slice(0, 3), 0),
    ...latm.packetize(aus.slice(3), 3072),
  ];

  const mpv = new MpegVideoPacketizer({ maxPacketSize: 500 });
  const mpvWhole = new MpegVideoPacketizer();
  const mpvPackets = MPEG_VIDEO_FILES.flatMap((file, f) =>
    splitMpegVideoPictures(loadMpegVideo(file)).slice(0, 4).flatMap((picture, i) =>
      (f === 0 ? mpv : mpvWhole).packetize(picture, 3003 * i)
    )
  );

  const klv = new KlvPacketizer({ maxPacketSize: 12 + 100 });
  const klvPackets = [klvItem(0, 1), klvItem(127, 2), klvItem(200, 3), klvItem(600, 4)]
    .flatMap((unit, i) => klv.packetize(unit, 90 * i));

  return [
    {
      name: "Mp2tDepacketizer",
      make: () => new Mp2tDepacketizer(),
      packets: mp2tPackets,
      checkOutput: (bytes) => {
        assert.ok(bytes.byteLength > 0 && bytes.byteLength % 188 === 0, `${bytes.byteLength}`);
        for (let o = 0; o < bytes.byteLength; o += 188) assert.equal(bytes[o], 0x47);
      },
      drops: (d) => (d as Mp2tDepacketizer).invalidPackets,
    },
    {
      name: "MpegAudioDepacketizer",
      make: () => new MpegAudioDepacketizer(),
      packets: mpaPackets,
      // The longest frame a header gives: MPEG-2.5 Layer II at 160 kbit/s and 8 kHz, padded.
      // (A free-format frame is the rest of its packet, which the mutations keep under this.)
      maxOutputBytes: 2881 + 2 * 1500,
      drops: (d) => {
        const m = d as MpegAudioDepacketizer;
        return m.droppedFrames + m.invalidPackets;
      },
    },
    {
      name: "Mpeg4VideoDepacketizer",
      make: () => new Mpeg4VideoDepacketizer({ maxFrameBytes: 5000 }),
      packets: mp4vPackets,
      maxOutputBytes: 5000,
      drops: (d) => (d as Mpeg4VideoDepacketizer).droppedFrames,
    },
    {
      name: "Ac3Depacketizer",
      make: () => new Ac3Depacketizer(),
      packets: ac3Packets,
      maxOutputBytes: 3840, // the largest AC-3 sync frame (640 kbit/s at 32 kHz)
      drops: (d) => {
        const a = d as Ac3Depacketizer;
        return a.droppedFrames + a.invalidPackets;
      },
    },
    {
      name: "G722Depacketizer",
      make: () => new G722Depacketizer(),
      packets: g722Packets,
    },
    {
      name: "Mpeg4AudioLatmDepacketizer",
      make: () => new Mpeg4AudioLatmDepacketizer({ config: latmConfig, maxElementBytes: 4000 }),
      packets: latmPackets,
      maxOutputBytes: 4000,
      drops: (d) => {
        const l = d as Mpeg4AudioLatmDepacketizer;
        return l.droppedElements + l.invalidPackets;
      },
    },
    {
      name: "Mpeg4AudioLatmDepacketizer (2 subframes, other data)",
      make: () =>
        new Mpeg4AudioLatmDepacketizer({
          config: parseStreamMuxConfig(decodeHex(LATM_CONFIGS[2]!)),
          maxElementBytes: 4000,
        }),
      packets: latmPackets,
      recovery: [],
      maxOutputBytes: 4000,
      drops: (d) => {
        const l = d as Mpeg4AudioLatmDepacketizer;
        return l.droppedElements + l.invalidPackets;
      },
    },
    {
      name: "MpegVideoDepacketizer",
      make: () => new MpegVideoDepacketizer({ maxPictureBytes: 40000 }),
      packets: mpvPackets,
      maxOutputBytes: 40000,
      drops: (d) => {
        const m = d as MpegVideoDepacketizer;
        return m.droppedPictures + m.invalidPackets;
      },
    },
    {
      name: "KlvDepacketizer",
      make: () => new KlvDepacketizer({ maxUnitBytes: 2000 }),
      packets: klvPackets,
      maxOutputBytes: 2000,
      drops: (d) => {
        const k = d as KlvDepacketizer;
        return k.droppedUnits + k.invalidPackets;
      },
    },
  ];
}

function casePackets(payloads: Uint8Array[][], timestampStep = 3000): RtpPacket[] {
  const out: RtpPacket[] = [];
  let seq = 1000;
  payloads.forEach((unit, i) => {
    unit.forEach((payload, j) => {
      out.push(rtpPacket(seq++, j === unit.length - 1, payload, 90000 + i * timestampStep));
    });
  });
  return out;
}

/** An H.265 NAL unit of `type` (layer 0, TID 1) and `length` bytes, filled with `fill`. */
function h265Nal(type: number, length: number, fill: number): Uint8Array {
  const nal = new Uint8Array(length).fill(fill);
  nal[0] = type << 1;
  nal[1] = 0x01;
  return nal;
}

function targets(): Target[] {
  const h264 = casePackets(H264_CASES.map((c) => c.payloads));
  const av1Packetizer = new Av1Packetizer({ payloadType: 96, maxPacketSize: 300 });
  const av1 = loadTemporalUnits().slice(0, 6).flatMap((tu, i) =>
    av1Packetizer.packetize(tu, 3000 * i)
  );
  const interleaved = INTERLEAVED_CASES.flatMap((c) =>
    c.packets.map((p) => rtpPacket(p.sequenceNumber, false, p.payload, p.timestamp))
  );
  const h265 = casePackets([
    [new Uint8Array([0x40, 0x01, 1, 2, 3])], // VPS
    [new Uint8Array([0x60, 0x01, 0, 5, 0x26, 0x01, 7, 7, 7, 0, 4, 0x02, 0x01, 5, 5])], // AP
    [new Uint8Array([0x62, 0x01, 0x93, 1, 2]), new Uint8Array([0x62, 0x01, 0x53, 3, 4])], // FU
  ]);
  // DONL in every payload kind (RFC 7798 §4.4): an AP of VPS, SPS and PPS, a single NAL unit
  // packet and the FUs of a slice too large for one packet.
  const h265Donl = new H265Packetizer({ payloadType: 96, maxDonDiff: 2, maxPacketSize: 60 });
  const h265WithDonl = [
    ...h265Donl.packetize(
      [h265Nal(32, 6, 1), h265Nal(33, 8, 2), h265Nal(34, 5, 3), h265Nal(19, 150, 4)],
      0,
    ),
    ...h265Donl.packetize([h265Nal(1, 20, 5)], 3000),
    ...h265Donl.packetize([h265Nal(1, 90, 6), h265Nal(1, 10, 7)], 6000),
  ];
  const audio = casePackets([[new Uint8Array(6).fill(0xd5)], [new Uint8Array(12).fill(1)]], 160);
  const vp8 = casePackets([
    [new Uint8Array([0x10, 0x9d, 0x01, 0x2a])],
    [new Uint8Array([0x90, 0x80, 0x05, 1, 2]), new Uint8Array([0x80, 0x80, 0x05, 3])],
  ]);
  return [
    { name: "H264Depacketizer", make: () => new H264Depacketizer(), packets: h264 },
    {
      name: "H264Depacketizer (interleaved)",
      make: () => new H264Depacketizer({ packetizationMode: 2, interleavingDepth: 2 }),
      packets: interleaved,
      // DONs the damage left behind may make the first ~1000 units of a restart late (§8.1).
      recovery: Array.from(
        { length: 1500 },
        (_, i) => rtpPacket(i, false, stapB(i, nal(0x65, 20, 1)), 3000 * i),
      ),
    },
    { name: "H265Depacketizer", make: () => new H265Depacketizer(), packets: h265 },
    {
      name: "H265Depacketizer (DONL)",
      make: () => new H265Depacketizer({ maxDonDiff: 2 }),
      packets: h265WithDonl,
    },
    {
      name: "MjpegDepacketizer",
      make: () => new MjpegDepacketizer(),
      packets: loadMjpegRtp("gst_rtpjpegpay_420_dri.bin"),
    },
    { name: "Vp8Depacketizer", make: () => new Vp8Depacketizer(), packets: vp8 },
    {
      name: "Vp9Depacketizer",
      make: () => new Vp9Depacketizer(),
      packets: loadVp9Rtp("gst_vp9_rtp.bin").slice(0, 40),
    },
    { name: "Av1Depacketizer", make: () => new Av1Depacketizer(), packets: av1 },
    {
      name: "Mpeg4AudioDepacketizer",
      make: () => new Mpeg4AudioDepacketizer(),
      packets: casePackets(MPEG4_AUDIO_CASES.map((c) => c.packets.map((p) => p.payload)), 1024),
    },
    {
      name: "OpusDepacketizer",
      make: () => new OpusDepacketizer(),
      packets: casePackets(OPUS_CASES.map((c) => [c.packet]), 960),
    },
    { name: "G711Depacketizer", make: () => new G711Depacketizer(), packets: audio },
    {
      name: "LpcmDepacketizer",
      make: () => new LpcmDepacketizer({ bitDepth: 24, channelCount: 2 }),
      packets: audio,
    },
    ...newFormatTargets(),
  ];
}

describe("parsers fuzz: depacketizers", () => {
  for (const target of targets()) {
    it(`${target.name}.depacketize() never throws on mutated, reordered and spliced packets, and decodes again afterwards`, () => {
      const rng = new Rng((0x44455041 ^ target.name.length) * SCALE);
      const depacketizer = target.make();
      const payloads = target.packets.map((p) => p.payload);
      let seq = 0;
      let ts = 0;
      const check = (outputs: unknown[], input: Uint8Array) => {
        for (const o of outputs) {
          const bytes = outputBytes(o);
          if (bytes === undefined) continue;
          if (target.maxOutputBytes !== undefined) {
            assert.ok(bytes.byteLength <= target.maxOutputBytes, `${bytes.byteLength} bytes`);
          }
          try {
            target.checkOutput?.(bytes);
          } catch (error) {
            assert.fail(`${target.name}: ${String(error)} after ${hex(input)}`);
          }
        }
      };
      for (let i = 0; i < 3000 * SCALE; i++) {
        const base = rng.pick(target.packets);
        const r = rng.int(10);
        seq = r === 0 ? rng.int(65536) : r === 1 ? seq : (seq + 1) & 0xffff;
        ts = rng.chance(0.1) ? rng.int(2 ** 32) : rng.chance(0.2) ? (ts + 3000) >>> 0 : ts;
        const pkt: RtpPacket = {
          ...base,
          sequenceNumber: seq,
          timestamp: ts,
          marker: rng.chance(0.8) ? base.marker : !base.marker,
          payload: rng.chance(0.2) ? base.payload : mutate(rng, base.payload, payloads),
        };
        let out: unknown[] = [];
        try {
          out = depacketizer.depacketize(pkt);
          assert.ok(Array.isArray(out));
        } catch (error) {
          assert.fail(`${target.name} threw ${String(error)} on ${hex(pkt.payload)}`);
        }
        check(out, pkt.payload);
      }
      if (target.drops !== undefined) {
        assert.ok(target.drops(depacketizer) > 0, `${target.name} counted no damage`);
      }
      // The valid stream after the damage (a restart: new sequence numbers and timestamps).
      const recovery = target.recovery ?? [...target.packets, ...target.packets];
      let out = 0;
      recovery.forEach((p, i) => {
        const outputs = depacketizer.depacketize({
          ...p,
          sequenceNumber: (seq + 30000 + i) & 0xffff,
          timestamp: (p.timestamp + 0x40000000 + (i >= target.packets.length ? 0x100000 : 0)) >>>
            0,
        });
        check(outputs, p.payload);
        out += outputs.length;
      });
      if (recovery.length > 0) assert.ok(out > 0, `${target.name} output nothing after the damage`);
    });
  }
});

describe("parsers fuzz: payload codecs", () => {
  it("decodeVp9PayloadDescriptor() throws only VP9_INVALID_DESCRIPTOR and decodeRtpJpegHeader() never throws", () => {
    const rng = new Rng(0x56503944 * SCALE);
    const vp9 = loadVp9Rtp("gst_vp9_rtp.bin").slice(0, 60).map((p) => p.payload);
    const jpeg = loadMjpegRtp("gst_rtpjpegpay_420_dri.bin").map((p) => p.payload);
    for (let i = 0; i < 4000 * SCALE; i++) {
      const a = mutate(rng, rng.pick(vp9), vp9);
      onlyParseError(["VP9_INVALID_DESCRIPTOR"], () => decodeVp9PayloadDescriptor(a), () => hex(a));
      const b = mutate(rng, rng.pick(jpeg), jpeg);
      const h = decodeRtpJpegHeader(b);
      if (h !== undefined) assert.ok(h.dataOffset <= b.byteLength, hex(b));
    }
  });

  it("readVp9FrameInfo() and Vp9Packetizer.packetize() never throw on damaged frames", () => {
    const rng = new Rng(0x49564646 * SCALE);
    const frames = loadIvf("ffmpeg_vp9.ivf").slice(0, 10);
    const packetizer = new Vp9Packetizer({ payloadType: 96, maxPacketSize: 200 });
    for (let i = 0; i < 1500 * SCALE; i++) {
      const f = mutate(rng, rng.pick(frames), frames);
      readVp9FrameInfo(f);
      if (f.byteLength > 0) packetizer.packetize(f, i);
    }
  });

  it("splitAv1Bitstream() throws only AV1_INVALID_OBU and splitAnnexB() only INVALID_ANNEXB", () => {
    const rng = new Rng(0x4f425553 * SCALE);
    const av1 = [loadBitstream().subarray(0, 3000)];
    const annexB = [
      new Uint8Array([0, 0, 0, 1, 0x67, 1, 2, 0, 0, 1, 0x68, 3, 0, 0, 3, 0, 0, 1, 0x65, 9]),
    ];
    for (let i = 0; i < 3000 * SCALE; i++) {
      const a = mutate(rng, av1[0]!, av1);
      onlyParseError(["AV1_INVALID_OBU"], () => splitAv1Bitstream(a), () => hex(a));
      const b = mutate(rng, annexB[0]!, annexB);
      onlyParseError(["INVALID_ANNEXB"], () => splitAnnexB(b), () => hex(b));
    }
  });

  it("MjpegPacketizer.packetize() throws only INVALID_JPEG or UNSUPPORTED_JPEG on damaged images", () => {
    const rng = new Rng(0x4a464946 * SCALE);
    const images = [
      "ffmpeg_testsrc_420_1.jpg",
      "ffmpeg_testsrc_420_dri.jpg",
      "ffmpeg_testsrc_444_optimal.jpg",
    ]
      .map((name) => mjpegTestdata(name));
    const packetizer = new MjpegPacketizer({ payloadType: 26 });
    const depacketizer = new MjpegDepacketizer();
    for (let i = 0; i < 600 * SCALE; i++) {
      const jpeg = mutate(rng, rng.pick(images), images);
      let packets: RtpPacket[] = [];
      onlyParseError(
        ["INVALID_JPEG", "UNSUPPORTED_JPEG"],
        () => (packets = packetizer.packetize(jpeg, 3000 * i)),
        () => `${jpeg.byteLength} bytes`,
      );
      // What the packetizer accepts, the depacketizer reads back into one image.
      const out = packets.flatMap((p) => depacketizer.depacketize(p));
      assert.equal(out.length, packets.length > 0 ? 1 : 0);
    }
  });
});

describe("parsers fuzz: depacketizer bounds under hostile streams", () => {
  /** Packets `first`, then `count` times `next(i)`, consecutive and with one timestamp. */
  function flood(
    depacketizer: { depacketize(pkt: RtpPacket): unknown[] },
    first: Uint8Array,
    count: number,
    next: (i: number) => Uint8Array,
  ): number {
    let out = depacketizer.depacketize(rtpPacket(0, false, first, 9000)).length;
    for (let i = 0; i < count; i++) {
      out += depacketizer.depacketize(rtpPacket((i + 1) & 0xffff, false, next(i), 9000)).length;
    }
    return out;
  }

  /** A one-packet access unit right after a flood: decoding goes on. */
  function decodesAfter(
    depacketizer: { depacketize(pkt: RtpPacket): unknown[] },
    payload: Uint8Array,
  ): void {
    const out = depacketizer.depacketize(rtpPacket(N + 1, true, payload, 99000));
    assert.equal(out.length, 1);
  }

  /**
   * For formats whose only frame boundary is the marker bit: the packet that ends the damaged
   * unit (documented to be dropped), then a one-packet unit, which decodes.
   */
  function decodesAfterMarker(
    depacketizer: { depacketize(pkt: RtpPacket): unknown[] },
    payload: Uint8Array,
  ): void {
    depacketizer.depacketize(rtpPacket(N + 1, true, payload, 9000));
    const out = depacketizer.depacketize(rtpPacket(N + 2, true, payload, 99000));
    assert.equal(out.length, 1);
  }

  const N = 20000;
  const one = new Uint8Array([0xaa]);
  const empty = new Uint8Array(0);

  for (const [what, data] of [["empty", empty], ["1-byte", one]] as const) {
    it(`H264Depacketizer drops an FU-A that never ends, of ${N} ${what} fragments`, () => {
      const d = new H264Depacketizer();
      const out = flood(
        d,
        new Uint8Array([0x7c, 0x85, 1]),
        N,
        () => concatBytes([0x7c, 0x05], data),
      );
      assert.equal(out, 0);
      assert.ok(d.invalidPackets >= 1, "the fragment bound was not enforced");
      decodesAfter(d, new Uint8Array([0x65, 1, 2]));
    });

    it(`H264Depacketizer (interleaved) drops an FU-B that never ends, of ${N} ${what} fragments`, () => {
      const d = new H264Depacketizer({ packetizationMode: 2, interleavingDepth: 0 });
      const out = flood(
        d,
        new Uint8Array([0x7d, 0x85, 0, 1, 1]),
        N,
        () => concatBytes([0x7c, 0x05], data),
      );
      assert.equal(out, 0);
      assert.ok(d.invalidPackets >= 1, "the fragment bound was not enforced");
      const after = d.depacketize(rtpPacket(N + 1, true, stapB(2000, nal(0x65, 5)), 99000));
      assert.equal(after.length + d.flush().length, 1);
    });

    it(`H265Depacketizer drops an FU that never ends, of ${N} ${what} fragments`, () => {
      const d = new H265Depacketizer();
      const out = flood(
        d,
        new Uint8Array([0x62, 0x01, 0x93, 1]),
        N,
        () => concatBytes([0x62, 0x01, 0x13], data),
      );
      assert.equal(out, 0);
      assert.ok(d.invalidPackets >= 1, "the fragment bound was not enforced");
      decodesAfter(d, new Uint8Array([0x26, 0x01, 1, 2]));
    });
  }

  it(`Mpeg4AudioDepacketizer drops an AU that never ends, of ${N} empty fragments`, () => {
    const d = new Mpeg4AudioDepacketizer();
    // One AU header (size 32, index 0) and no data: a fragment that adds nothing.
    const out = flood(
      d,
      new Uint8Array([0, 16, 0x01, 0x00, 1]),
      N,
      () => new Uint8Array([0, 16, 0x01, 0x00]),
    );
    assert.equal(out, 0);
    assert.ok(d.droppedAccessUnits >= 1, "the fragment bound was not enforced");
    decodesAfter(d, new Uint8Array([0, 16, 0, 8, 7]));
  });

  it(`Av1Depacketizer drops an OBU that never ends, of ${N} 1-byte fragments`, () => {
    const d = new Av1Depacketizer();
    const out = flood(d, new Uint8Array([0x50, 0x30, 1]), N, () => new Uint8Array([0xd0, 0xaa]));
    assert.equal(out, 0);
    assert.ok(d.invalidPackets >= 1, "the fragment bound was not enforced");
    decodesAfter(d, new Uint8Array([0x10, 0x30, 0xaa]));
  });

  it(`Vp9Depacketizer drops a frame that never ends, of ${N} 1-byte packets`, () => {
    const d = new Vp9Depacketizer();
    const out = flood(d, new Uint8Array([0x08, 1]), N, () => new Uint8Array([0x00, 0xaa]));
    assert.equal(out, 0);
    assert.ok(d.droppedFrames >= 1, "the packet bound was not enforced");
    decodesAfter(d, new Uint8Array([0x0c, 0xaa]));
  });

  it(`Vp8Depacketizer drops a frame that never ends, of ${N} 1-byte packets`, () => {
    const d = new Vp8Depacketizer();
    const out = flood(d, new Uint8Array([0x10, 1]), N, () => new Uint8Array([0x00, 0xaa]));
    assert.equal(out, 0);
    assert.ok(d.droppedFrames >= 1, "the packet bound was not enforced");
    decodesAfter(d, new Uint8Array([0x10, 0x9d, 0x01, 0x2a]));
  });

  for (const [what, data] of [["empty", empty], ["1-byte", one]] as const) {
    it(`Mpeg4VideoDepacketizer drops a frame that never ends, of ${N} ${what} packets`, () => {
      const d = new Mpeg4VideoDepacketizer();
      const out = flood(d, new Uint8Array([0, 0, 1, 0xb6, 1]), N, () => data);
      assert.equal(out, 0);
      assert.ok(d.droppedFrames >= 1, "the packet bound was not enforced");
      decodesAfterMarker(d, new Uint8Array([0, 0, 1, 0xb6, 2]));
    });

    it(`Mpeg4AudioLatmDepacketizer drops an element that never ends, of ${N} ${what} packets`, () => {
      const d = new Mpeg4AudioLatmDepacketizer();
      const out = flood(d, new Uint8Array([0xff]), N, () => data);
      assert.equal(out, 0);
      assert.ok(d.droppedElements + d.invalidPackets >= 1, "the packet bound was not enforced");
      decodesAfterMarker(d, new Uint8Array([3, 1, 2, 3]));
    });

    it(`KlvDepacketizer drops a unit that never ends, of ${N} ${what} packets`, () => {
      const d = new KlvDepacketizer();
      const out = flood(d, klvItem(3000, 1).subarray(0, 100), N, () => data);
      assert.equal(out, 0);
      assert.ok(d.droppedUnits + d.invalidPackets >= 1, "the packet bound was not enforced");
      decodesAfterMarker(d, klvItem(10, 2));
    });
  }

  it(`MpegVideoDepacketizer drops a picture that never ends, of ${N} 1-byte slices`, () => {
    const d = new MpegVideoDepacketizer();
    const mpvHeader = [0, 0, 0x10, 0x08]; // B (begin of slice) set, I picture
    const out = flood(
      d,
      concatBytes([...mpvHeader, 0, 0, 1, 0], new Uint8Array([0, 0x0f, 0xff, 0xf8])),
      N,
      () => concatBytes([0, 0, 0, 0x08], one),
    );
    assert.equal(out, 0);
    assert.ok(d.droppedPictures >= 1, "the packet bound was not enforced");
    decodesAfter(d, concatBytes([...mpvHeader, 0, 0, 1, 0], new Uint8Array([0, 0x0f, 0xff, 0xf8])));
  });

  it(`Ac3Depacketizer drops a fragmented frame that never ends, of ${N} 1-byte fragments`, () => {
    const d = new Ac3Depacketizer();
    const out = flood(d, new Uint8Array([1, 2, 0x0b, 0x77]), N, () => new Uint8Array([3, 2, 0xaa]));
    assert.equal(out, 0);
    assert.ok(d.droppedFrames >= 1, "the packet bound was not enforced");
    decodesAfter(d, concatBytes([0, 1], FRAMES_48K[0]!));
  });

  /** An RTP/JPEG payload: type 1, Q 50, 16x16 pixels, at a fragment offset. */
  function jpeg(offset: number, data: Uint8Array): Uint8Array {
    return concatBytes([0, offset >> 16, (offset >> 8) & 0xff, offset & 0xff, 1, 50, 2, 2], data);
  }

  it("MjpegDepacketizer keeps no fragment at an offset past its bound", () => {
    const d = new MjpegDepacketizer();
    const rng = new Rng(0x4a504547);
    let out = 0;
    for (let i = 0; i < 10000; i++) {
      const offset = 8 * 1024 * 1024 + rng.int(2 ** 24 - 8 * 1024 * 1024);
      out += d.depacketize(rtpPacket(i, rng.chance(0.5), jpeg(offset, one), 9000 + 3000 * (i >> 4)))
        .length;
    }
    assert.equal(out, 0);
    assert.ok(d.droppedFrames >= 600);
    assert.equal(d.depacketize(rtpPacket(10000, true, jpeg(0, one), 9000 + 3000 * 700)).length, 1);
  });

  it("MjpegDepacketizer drops a frame of more than 65536 fragments", () => {
    const d = new MjpegDepacketizer();
    let out = 0;
    for (let i = 0; i < 70000; i++) {
      out += d.depacketize(rtpPacket(i & 0xffff, false, jpeg(i, one), 9000)).length;
    }
    out += d.depacketize(rtpPacket(70000 & 0xffff, true, jpeg(70000, one), 9000)).length;
    assert.equal(out, 0);
    assert.equal(d.depacketize(rtpPacket(70001 & 0xffff, true, jpeg(0, one), 12000)).length, 1);
    assert.ok(d.droppedFrames >= 1);
  });

  it("H264Depacketizer (interleaved) holds at most maxNalUnitsPerAccessUnit NAL units under DON gaps", () => {
    const d = new H264Depacketizer({
      packetizationMode: 2,
      interleavingDepth: 65535,
      maxNalUnitsPerAccessUnit: 256,
    });
    const rng = new Rng(0x444f4e);
    let don = 0;
    for (let i = 0; i < 10000; i++) {
      don = (don + (rng.chance(0.5) ? 1 : rng.int(65536))) & 0xffff;
      d.depacketize(
        rtpPacket(i, false, stapB(don, nal(rng.pick([0x65, 0x41, 0x06]), 3)), 3000 * i),
      );
    }
    // Everything still buffered comes out of flush(): no more than the bound.
    const buffered = d.flush().reduce((n, au) => n + au.nalUnits.length, 0);
    assert.ok(buffered <= 256 + 1, `${buffered} NAL units buffered`);
  });
});

function concatBytes(head: number[], tail: Uint8Array): Uint8Array {
  const out = new Uint8Array(head.length + tail.length);
  out.set(head);
  out.set(tail, head.length);
  return out;
}

describe("parsers fuzz: headers of the MPEG, AC-3 and LATM formats", () => {
  it("parseStreamMuxConfig() throws only its documented TypeError or RangeError on damaged configs", () => {
    const rng = new Rng(0x4c41544d * SCALE);
    const configs = LATM_CONFIGS.map((h) => decodeHex(h));
    let parsed = 0;
    for (let i = 0; i < 4000 * SCALE; i++) {
      const bytes = mutate(rng, rng.pick(configs), configs);
      let config: StreamMuxConfig | undefined;
      try {
        config = parseStreamMuxConfig(bytes);
      } catch (error) {
        if (!(error instanceof TypeError) && !(error instanceof RangeError)) {
          assert.fail(`Unexpected ${String(error)} for ${hex(bytes)}`);
        }
      }
      if (config !== undefined) {
        parsed++;
        assert.ok(config.sampleRate > 0 && [960, 1024].includes(config.frameLength), hex(bytes));
        assert.ok((config.subFrames ?? 1) >= 1 && (config.subFrames ?? 1) <= 64, hex(bytes));
        // A parsed config drives a depacketizer, which must accept it.
        new Mpeg4AudioLatmDepacketizer({ config });
      }
      // The same bytes as the fmtp config of an SDP: only a ParseError.
      onlyParseError(
        ["SDP_INVALID_FORMAT"],
        () =>
          formatFromSdp(96, "MP4A-LATM/48000/2", {
            cpresent: "0",
            config: hex(bytes),
            "profile-level-id": rng.pick(["15", "30", "4294967295", "9999999999"]),
          }, "audio"),
        () => hex(bytes),
      );
    }
    assert.ok(parsed > 100, `parsed ${parsed}`);
  });

  it("the MPEG video picture, MPEG video, MPEG audio and AC-3 header readers never throw", () => {
    const rng = new Rng(0x4d505648 * SCALE);
    const pictures = MPEG_VIDEO_FILES.flatMap((f) =>
      splitMpegVideoPictures(loadMpegVideo(f)).slice(0, 3).map((p) => p.subarray(0, 600))
    );
    const audio = [
      ...splitMpegAudioFrames(loadMpegAudio("mp3_44100_stereo_128k.mp3")).slice(0, 2),
      ...FRAMES_48K.slice(0, 1).map((f) => f.subarray(0, 64)),
    ];
    for (let i = 0; i < 3000 * SCALE; i++) {
      const p = mutate(rng, rng.pick(pictures), pictures);
      splitMpegVideoPictures(p);
      for (const at of findStartCodes(p)) {
        assert.ok(at >= 0 && at + 4 <= p.byteLength, `start code at ${at} of ${hex(p)}`);
        const h = parsePictureHeader(p, at);
        if (h !== undefined) {
          assert.ok(h.forwardFCode <= 7 && h.backwardFCode <= 7, hex(p));
          assert.ok(h.temporalReference < 1024 && h.pictureType < 8, hex(p));
        }
      }
      parsePictureHeader(p, rng.int(p.byteLength + 8));
      decodeMpegVideoHeader(p);
      const a = mutate(rng, rng.pick(audio), audio);
      const mpa = parseMpegAudioHeader(a, rng.int(a.byteLength + 2));
      if (mpa !== undefined) assert.ok(mpa.frameLength <= 2881, hex(a));
      const ac3 = readAc3FrameHeader(a);
      if (ac3 !== undefined) assert.ok(ac3.frameBytes <= 3840, hex(a));
    }
  });
});

describe("parsers fuzz: formats from SDP", () => {
  const FORMATS: [string, Record<string, string> | undefined, string][] = [
    ["MP2T/90000", undefined, "video"],
    ["MPA/90000", undefined, "audio"],
    ["MPA/90000/2", undefined, "audio"],
    ["MP4V-ES/90000", { "profile-level-id": "1", config: RFC_CONFIG }, "video"],
    ["AC3/48000/2", undefined, "audio"],
    ["ac3/44100/6", { "x-foo": "1" }, "audio"],
    ["G722/8000", undefined, "audio"],
    ["G722/8000/2", undefined, "audio"],
    [
      "MP4A-LATM/44100/2",
      { "profile-level-id": "15", object: "2", cpresent: "0", config: LATM_CONFIGS[0]! },
      "audio",
    ],
    ["MP4A-LATM/90000", { cpresent: "0", config: LATM_CONFIGS[2]!, bitrate: "64000" }, "audio"],
    ["MPV/90000", undefined, "video"],
    ["SMPTE336M/1000", undefined, "application"],
    ["smpte336m/90000", { rate: "1000" }, "application"],
  ];
  const STATIC_TYPES = [9, 14, 32, 33];

  it("formatFromSdp() throws only SDP_INVALID_FORMAT or SDP_NO_CLOCK_RATE on mutated rtpmap and fmtp", () => {
    const rng = new Rng(0x53445046 * SCALE);
    const encoder = new TextEncoder();
    const decoder = new TextDecoder();
    const text = (s: string): string => {
      switch (rng.int(6)) {
        case 0:
        case 1:
          return decoder.decode(mutateBytes(rng, encoder.encode(s)));
        case 2:
          return s.slice(0, rng.int(s.length + 1));
        case 3: // a hex string of another length, or with a non-hex digit
          return s + rng.pick(["0", "00", "g", "ff", " ", "ffffffffffffffff"]);
        case 4:
          return rng.pick(["", " ", "0", "-1", "4294967296", "1e9", "NaN", "ffff", "Ø"]);
        default:
          return s;
      }
    };
    let formats = 0;
    for (let i = 0; i < 4000 * SCALE; i++) {
      const [rtpMap0, fmtp0, media0] = rng.pick(FORMATS);
      const rtpMap = rng.chance(0.1) ? undefined : rng.chance(0.6) ? text(rtpMap0) : rtpMap0;
      let fmtp = fmtp0;
      if (fmtp !== undefined && rng.chance(0.8)) {
        fmtp = {};
        for (const [k, v] of Object.entries(fmtp0!)) {
          if (rng.chance(0.1)) continue;
          fmtp[rng.chance(0.1) ? text(k) : k] = rng.chance(0.5) ? text(v) : v;
        }
      }
      const payloadType = rng.chance(0.8) ? 96 + rng.int(32) : rng.pick(STATIC_TYPES);
      const media = rng.chance(0.9) ? media0 : rng.pick(["audio", "video", "application", "x"]);
      onlyParseError(
        ["SDP_INVALID_FORMAT", "SDP_NO_CLOCK_RATE"],
        () => {
          const format = formatFromSdp(payloadType, rtpMap, fmtp, media);
          assert.equal(format.payloadType, payloadType);
          formats++;
        },
        () => JSON.stringify([payloadType, rtpMap, fmtp, media]),
      );
    }
    assert.ok(formats > 1000, `formats ${formats}`);
  });
});
