import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { formatSessionDescription, parseSessionDescription } from "../../src/sdp/description.ts";
import type { SessionDescription } from "../../src/sdp/description.ts";
import type { Format } from "../../src/formats/format.ts";
import { ParseError } from "../../src/errors.ts";
import { assertOnlyParseError, prng } from "../_helpers/fuzz.ts";
import { Av1Format } from "../../src/formats/av1/av1_format.ts";
import { G711Format } from "../../src/formats/g711/g711_format.ts";
import { GenericFormat } from "../../src/formats/generic/generic_format.ts";
import { H264Format } from "../../src/formats/h264/h264_format.ts";
import { H265Format } from "../../src/formats/h265/h265_format.ts";
import { LpcmFormat } from "../../src/formats/lpcm/lpcm_format.ts";
import { MjpegFormat } from "../../src/formats/mjpeg/mjpeg_format.ts";
import { Mpeg4AudioFormat } from "../../src/formats/mpeg4_audio/mpeg4_audio_format.ts";
import { OpusFormat } from "../../src/formats/opus/opus_format.ts";
import { Vp8Format } from "../../src/formats/vp8/vp8_format.ts";
import { Vp9Format } from "../../src/formats/vp9/vp9_format.ts";
import { Ac3Format } from "../../src/formats/ac3/ac3_format.ts";
import { G722Format } from "../../src/formats/g722/g722_format.ts";
import { KlvFormat } from "../../src/formats/klv/klv_format.ts";
import { Mp2tFormat } from "../../src/formats/mp2t/mp2t_format.ts";
import { MpegAudioFormat } from "../../src/formats/mpeg_audio/mpeg_audio_format.ts";
import { MpegVideoFormat } from "../../src/formats/mpeg_video/mpeg_video_format.ts";
import { Mpeg4VideoFormat } from "../../src/formats/mpeg4_video/mpeg4_video_format.ts";

function sdp(name: string): string {
  return readFileSync(new URL(`../testdata/sdp/${name}`, import.meta.url), "utf8");
}

function summary(f: Format): unknown {
  return {
    kind: f.constructor.name,
    codec: f.codec,
    payloadType: f.payloadType,
    clockRate: f.clockRate,
    rtpMap: f.rtpMap(),
    fmtp: f.fmtp(),
  };
}

function summarize(desc: SessionDescription): unknown {
  return {
    ...desc,
    medias: desc.medias.map((m) => ({ ...m, formats: m.formats.map(summary) })),
  };
}

function isParse(code: string) {
  return (e: unknown) => e instanceof ParseError && e.code === code && e.status === 400;
}

const SPS = new Uint8Array([0x67, 0x64, 0x00, 0x1f, 0xac, 0xd9, 0x40, 0x50]);
const PPS = new Uint8Array([0x68, 0xeb, 0xe3, 0xcb, 0x22, 0xc0]);

describe("description", () => {
  describe("parseSessionDescription()", () => {
    it("parses an ffmpeg ANNOUNCE body (H264 + AAC, a=control:streamid=N)", () => {
      const desc = parseSessionDescription(sdp("ffmpeg_h264_aac.sdp"));
      assert.equal(desc.title, "No Name");
      assert.equal(desc.multicast, undefined);
      assert.equal(desc.medias.length, 2);
      const [video, audio] = desc.medias;
      assert.equal(video.type, "video");
      assert.equal(video.control, "streamid=0");
      assert.equal(video.profile, "RTP/AVP");
      assert.equal(video.isBackChannel, false);
      const h264 = video.formats[0];
      assert.ok(h264 instanceof H264Format);
      assert.equal(h264.packetizationMode, 1);
      assert.equal(h264.sps?.[0], 0x67);
      assert.equal(h264.pps?.[0], 0x68);
      assert.equal(h264.fmtp()?.["profile-level-id"], "64001F");
      assert.equal(audio.control, "streamid=1");
      const aac = audio.formats[0];
      assert.ok(aac instanceof Mpeg4AudioFormat);
      assert.equal(aac.clockRate, 44100);
      assert.equal(aac.channelCount, 2);
      assert.deepEqual(aac.config, new Uint8Array([0x12, 0x10, 0x56, 0xe5, 0x00]));
    });

    it("parses an ffmpeg ANNOUNCE body (H265 + Opus)", () => {
      const desc = parseSessionDescription(sdp("ffmpeg_h265_opus.sdp"));
      const h265 = desc.medias[0].formats[0];
      assert.ok(h265 instanceof H265Format);
      assert.equal(h265.vps?.[0], 0x40);
      assert.equal(h265.sps?.[0], 0x42);
      assert.equal(h265.pps?.[0], 0x44);
      const opus = desc.medias[1].formats[0];
      assert.ok(opus instanceof OpusFormat);
      assert.equal(opus.isStereo, true);
    });

    it("parses an ffmpeg ANNOUNCE body with static types only (MJPEG + PCMU)", () => {
      const desc = parseSessionDescription(sdp("ffmpeg_mjpeg_pcmu.sdp"));
      assert.ok(desc.medias[0].formats[0] instanceof MjpegFormat);
      assert.ok(desc.medias[1].formats[0] instanceof G711Format);
    });

    it("parses a GStreamer rtspclientsink body (H264 + OPUS, a=control:stream=N)", () => {
      const desc = parseSessionDescription(sdp("gstreamer_rtspclientsink_h264_opus.sdp"));
      assert.equal(desc.title, "Session streamed with GStreamer");
      assert.deepEqual(desc.medias.map((m) => m.control), ["stream=0", "stream=1"]);
      assert.ok(desc.medias[0].formats[0] instanceof H264Format);
      const opus = desc.medias[1].formats[0];
      assert.ok(opus instanceof OpusFormat);
      assert.equal(opus.isStereo, false);
    });

    it("parses a VLC body (static MPA, trailing ';' in fmtp, absolute controls)", () => {
      const desc = parseSessionDescription(sdp("vlc_mpa_h264.sdp"));
      const [audio, video] = desc.medias;
      assert.equal(audio.control, "rtsp://127.0.0.1:8554/stream/trackID=0");
      // VLC writes "MPA/90000/2"; RFC 3551 gives MPA no channel parameter, so it is written back
      // as "MPA/90000" (the channel count is in each MPEG audio frame header).
      assert.ok(audio.formats[0] instanceof MpegAudioFormat);
      assert.equal(audio.formats[0].clockRate, 90000);
      assert.equal(audio.formats[0].rtpMap(), "MPA/90000");
      assert.ok(video.formats[0] instanceof H264Format);
    });

    it("parses a Hikvision body (absolute controls with query, b=AS, a=recvonly)", () => {
      const desc = parseSessionDescription(sdp("hikvision_h264_pcmu.sdp"));
      assert.equal(desc.title, "Media Presentation");
      assert.equal(
        desc.medias[0].control,
        "rtsp://192.168.1.64:554/Streaming/Channels/101/trackID=1?transportmode=unicast",
      );
      const h264 = desc.medias[0].formats[0];
      assert.ok(h264 instanceof H264Format);
      assert.equal(h264.fmtp()?.["profile-level-id"], "4D002A");
      const pcmu = desc.medias[1].formats[0];
      assert.ok(pcmu instanceof G711Format && pcmu.mulaw);
    });

    it("parses an Axis body (a=range, application metadata media)", () => {
      const desc = parseSessionDescription(sdp("axis_h264_metadata.sdp"));
      assert.equal(desc.medias[1].type, "application");
      const meta = desc.medias[1].formats[0];
      assert.ok(meta instanceof GenericFormat);
      assert.equal(meta.codec, "vnd.onvif.metadata");
      assert.equal(meta.clockRate, 90000);
    });

    it("parses the RFC 8866 §5 example", () => {
      const desc = parseSessionDescription(sdp("rfc8866_example.sdp"));
      assert.equal(desc.title, "Call to John Smith");
      assert.deepEqual(desc.medias.map((m) => m.type), ["audio", "audio", "video"]);
      assert.deepEqual(desc.medias.map((m) => m.control), ["", "", ""]);
      assert.ok(desc.medias[0].formats[0] instanceof G711Format);
      const h263 = desc.medias[2].formats[0];
      assert.ok(h263 instanceof GenericFormat);
      assert.equal(h263.codec, "h263-1998");
      assert.equal(h263.clockRate, 90000);
    });

    it("detects a multicast connection address and reads a=mid", () => {
      const desc = parseSessionDescription(sdp("multicast_mpegts.sdp"));
      assert.equal(desc.multicast, true);
      assert.equal(desc.medias[0].id, "v0");
      assert.equal(desc.medias[0].formats[0].codec, "MP2T");
    });

    it("accepts LF line ends", () => {
      const desc = parseSessionDescription(sdp("ffmpeg_h264_aac.sdp").replaceAll("\r\n", "\n"));
      assert.equal(desc.medias.length, 2);
    });

    it("treats all-sendonly medias as normal medias (SPEC §2.6)", () => {
      const text = sdp("invalid_mixed_sendonly.sdp").replace(
        "a=control:trackID=0",
        "a=sendonly\r\na=control:trackID=0",
      );
      const desc = parseSessionDescription(text);
      assert.deepEqual(desc.medias.map((m) => m.isBackChannel), [false, false]);
    });

    const invalid: [string, string, string][] = [
      ["no media", "invalid_no_media.sdp", "SDP_NO_MEDIA"],
      ["a dynamic type without clock rate", "invalid_no_clock_rate.sdp", "SDP_NO_CLOCK_RATE"],
      ["H264 packetization-mode 0", "invalid_h264_mode0.sdp", "SDP_H264_MODE_0"],
      ["a mix of sendonly and normal medias", "invalid_mixed_sendonly.sdp", "SDP_MIXED_DIRECTIONS"],
      ["mids on some medias only", "invalid_partial_mid.sdp", "SDP_INVALID_MID"],
      ["duplicate mids", "invalid_duplicate_mid.sdp", "SDP_INVALID_MID"],
      ["a non-alphanumeric mid", "invalid_mid_not_alphanumeric.sdp", "SDP_INVALID_MID"],
      ["a malformed m= line", "invalid_bad_m_line.sdp", "SDP_INVALID_MEDIA"],
    ];
    for (const [name, file, code] of invalid) {
      it(`rejects ${name} with ParseError ${code} (400)`, () => {
        assert.throws(() => parseSessionDescription(sdp(file)), isParse(code));
      });
    }

    it("rejects H264 without packetization-mode (defaults to 0, RFC 6184 §8.1)", () => {
      const text = sdp("invalid_h264_mode0.sdp").replace("packetization-mode=0; ", "");
      assert.throws(() => parseSessionDescription(text), isParse("SDP_H264_MODE_0"));
    });

    it("rejects text that is not SDP and an empty body", () => {
      assert.throws(() => parseSessionDescription(""), isParse("SDP_INVALID"));
      assert.throws(() => parseSessionDescription("hello"), isParse("SDP_INVALID"));
      assert.throws(() => parseSessionDescription("v=0\r\n"), isParse("SDP_NO_MEDIA"));
    });

    it("rejects invalid codec parameters with a clear message", () => {
      const text = sdp("ffmpeg_h264_aac.sdp").replace("config=121056E500", "config=XYZ");
      assert.throws(() => parseSessionDescription(text), (e) => {
        return e instanceof ParseError && e.code === "SDP_INVALID_FORMAT" &&
          /media 1/.test(e.message);
      });
    });

    it("throws only ParseError on every truncation of real bodies", () => {
      for (
        const file of ["ffmpeg_h264_aac.sdp", "hikvision_h264_pcmu.sdp", "axis_h264_metadata.sdp"]
      ) {
        const text = sdp(file);
        for (let n = 0; n <= text.length; n++) {
          assertOnlyParseError(
            () => parseSessionDescription(text.slice(0, n)),
            `${file} length ${n}`,
          );
        }
      }
    });

    it("throws only ParseError on randomly mutated bodies (fixed seed)", () => {
      const rnd = prng(8866);
      const seeds = [
        sdp("ffmpeg_h264_aac.sdp"),
        sdp("ffmpeg_h265_opus.sdp"),
        sdp("gstreamer_rtspclientsink_h264_opus.sdp"),
        sdp("multicast_mpegts.sdp"),
      ];
      const alphabet = "v=om\r\n \t:;/,=0123456789aAzZ-+.\u0000\u00e9";
      for (let i = 0; i < 3000; i++) {
        const chars = [...seeds[i % seeds.length]];
        const edits = 1 + Math.floor(rnd() * 8);
        for (let k = 0; k < edits; k++) {
          const at = Math.floor(rnd() * chars.length);
          const r = rnd();
          if (r < 0.4) chars[at] = alphabet[Math.floor(rnd() * alphabet.length)];
          else if (r < 0.7) chars.splice(at, 1 + Math.floor(rnd() * 10));
          else chars.splice(at, 0, String.fromCharCode(Math.floor(rnd() * 128)));
        }
        assertOnlyParseError(() => parseSessionDescription(chars.join("")));
      }
    });

    it("throws only ParseError on random text (fixed seed)", () => {
      const rnd = prng(4566);
      for (let i = 0; i < 2000; i++) {
        let text = rnd() < 0.5 ? "v=0\r\n" : "";
        const n = Math.floor(rnd() * 200);
        for (let k = 0; k < n; k++) {
          text += rnd() < 0.1 ? "\r\nm=" : String.fromCharCode(32 + Math.floor(rnd() * 95));
        }
        assertOnlyParseError(() => parseSessionDescription(text));
      }
    });
  });

  describe("formatSessionDescription()", () => {
    const h264 = new H264Format({ payloadType: 96, sps: SPS, pps: PPS });
    const backChannel: SessionDescription = {
      title: "Stream",
      medias: [
        { type: "video", isBackChannel: false, control: "", formats: [h264] },
        {
          type: "audio",
          isBackChannel: true,
          control: "",
          formats: [new G711Format({ mulaw: true })],
        },
        {
          type: "audio",
          id: "a1",
          isBackChannel: false,
          control: "",
          formats: [
            new Mpeg4AudioFormat({
              payloadType: 97,
              clockRate: 48000,
              channelCount: 2,
              config: new Uint8Array([0x11, 0x90]),
            }),
          ],
        },
      ],
    };

    it("writes the SPEC §2.5 layout", () => {
      assert.equal(
        formatSessionDescription({ medias: [backChannel.medias[0]] }),
        [
          "v=0",
          "o=- 0 0 IN IP4 127.0.0.1",
          "s= ",
          "c=IN IP4 0.0.0.0",
          "t=0 0",
          "m=video 0 RTP/AVP 96",
          "a=control:trackID=0",
          "a=rtpmap:96 H264/90000",
          "a=fmtp:96 packetization-mode=1; profile-level-id=64001F; sprop-parameter-sets=Z2QAH6zZQFA=,aOvjyyLA",
          "",
        ].join("\r\n"),
      );
    });

    it("skips back channels but keeps track indexes of the full list", () => {
      const text = formatSessionDescription(backChannel);
      assert.match(text, /^s=Stream\r\n/m);
      assert.doesNotMatch(text, /sendonly|recvonly|PCMU/);
      assert.match(text, /a=control:trackID=0\r\n/);
      assert.match(text, /m=audio 0 RTP\/AVP 97\r\na=mid:a1\r\na=control:trackID=2\r\n/);
      assert.match(
        text,
        /a=fmtp:97 config=1190; indexdeltalength=3; indexlength=3; mode=AAC-hbr; profile-level-id=1; sizelength=13; streamtype=5\r\n$/,
      );
    });

    it("lists back channels with a=sendonly and marks other medias a=recvonly", () => {
      const text = formatSessionDescription(backChannel, {
        includeBackChannels: true,
        connectionAddress: "224.1.0.0",
        profile: "RTP/SAVP",
        keyMgmt: (i) => (i === 1 ? "mikey AQID" : i === 2 ? "BAUG" : undefined),
      });
      assert.equal(
        text,
        [
          "v=0",
          "o=- 0 0 IN IP4 127.0.0.1",
          "s=Stream",
          "c=IN IP4 224.1.0.0",
          "t=0 0",
          "m=video 0 RTP/SAVP 96",
          "a=control:trackID=0",
          "a=rtpmap:96 H264/90000",
          "a=fmtp:96 packetization-mode=1; profile-level-id=64001F; sprop-parameter-sets=Z2QAH6zZQFA=,aOvjyyLA",
          "a=recvonly",
          "m=audio 0 RTP/SAVP 0",
          "a=sendonly",
          "a=key-mgmt:mikey AQID",
          "a=control:trackID=1",
          "a=rtpmap:0 PCMU/8000",
          "m=audio 0 RTP/SAVP 97",
          "a=mid:a1",
          "a=key-mgmt:mikey BAUG",
          "a=control:trackID=2",
          "a=rtpmap:97 mpeg4-generic/48000/2",
          "a=fmtp:97 config=1190; indexdeltalength=3; indexlength=3; mode=AAC-hbr; profile-level-id=1; sizelength=13; streamtype=5",
          "a=recvonly",
          "",
        ].join("\r\n"),
      );
    });

    it("output of every codec parses back into equal formats", () => {
      const desc: SessionDescription = {
        title: "All codecs",
        medias: [
          {
            type: "video",
            isBackChannel: false,
            control: "",
            formats: [h264, new H264Format({ payloadType: 98, profileLevelId: "42E01F" })],
          },
          {
            type: "video",
            isBackChannel: false,
            control: "",
            formats: [
              new H265Format({
                payloadType: 99,
                vps: new Uint8Array([0x40, 1]),
                sps: new Uint8Array([0x42, 1]),
                pps: new Uint8Array([0x44, 1]),
              }),
            ],
          },
          {
            type: "audio",
            isBackChannel: false,
            control: "",
            formats: [backChannel.medias[2].formats[0]],
          },
          {
            type: "audio",
            isBackChannel: false,
            control: "",
            formats: [new OpusFormat({ payloadType: 111, isStereo: true })],
          },
          {
            type: "audio",
            isBackChannel: false,
            control: "",
            formats: [
              new G711Format({ mulaw: false }),
              new G711Format({ mulaw: true, sampleRate: 16000, channelCount: 2, payloadType: 100 }),
            ],
          },
          {
            type: "audio",
            isBackChannel: false,
            control: "",
            formats: [
              new LpcmFormat({ bitDepth: 24, sampleRate: 48000, channelCount: 2 }),
              new LpcmFormat({ bitDepth: 16, sampleRate: 44100 }),
            ],
          },
          { type: "video", isBackChannel: false, control: "", formats: [new MjpegFormat()] },
          {
            type: "video",
            isBackChannel: false,
            control: "",
            formats: [new Vp8Format({ payloadType: 101, maxFr: 30 })],
          },
          {
            type: "video",
            isBackChannel: false,
            control: "",
            formats: [new Vp9Format({ payloadType: 102, profileId: 0 })],
          },
          {
            type: "video",
            isBackChannel: false,
            control: "",
            formats: [new Av1Format({ payloadType: 103, levelIdx: 8, tier: 0, profile: 0 })],
          },
          {
            type: "application",
            isBackChannel: false,
            control: "",
            formats: [
              new GenericFormat({
                payloadType: 107,
                clockRate: 90000,
                rtpMap: "vnd.onvif.metadata/90000",
                fmtp: { b: "2", a: "1" },
              }),
            ],
          },
          {
            type: "video",
            isBackChannel: false,
            control: "",
            formats: [new Mp2tFormat()],
          },
          { type: "audio", isBackChannel: false, control: "", formats: [new MpegAudioFormat()] },
          { type: "video", isBackChannel: false, control: "", formats: [new MpegVideoFormat()] },
          { type: "video", isBackChannel: false, control: "", formats: [new Mpeg4VideoFormat()] },
          { type: "audio", isBackChannel: false, control: "", formats: [new Ac3Format()] },
          { type: "audio", isBackChannel: false, control: "", formats: [new G722Format()] },
          { type: "application", isBackChannel: false, control: "", formats: [new KlvFormat()] },
        ],
      };
      const text = formatSessionDescription(desc);
      const back = parseSessionDescription(text);
      const expected = {
        title: desc.title,
        medias: desc.medias.map((m, i) => ({ ...m, profile: "RTP/AVP", control: `trackID=${i}` })),
      };
      assert.deepEqual(summarize(back), summarize(expected));
      // Writing the parsed description again gives the same text.
      assert.equal(formatSessionDescription(back), text);
    });

    it("real bodies survive parse, format, parse with equal formats", () => {
      for (
        const file of [
          "ffmpeg_h264_aac.sdp",
          "ffmpeg_h265_opus.sdp",
          "gstreamer_rtspclientsink_h264_opus.sdp",
          "vlc_mpa_h264.sdp",
          "hikvision_h264_pcmu.sdp",
          "axis_h264_metadata.sdp",
        ]
      ) {
        const first = parseSessionDescription(sdp(file));
        const second = parseSessionDescription(formatSessionDescription(first));
        assert.deepEqual(
          second.medias.map((m) => m.formats.map(summary)),
          first.medias.map((m) => m.formats.map(summary)),
          file,
        );
      }
    });
  });
});
