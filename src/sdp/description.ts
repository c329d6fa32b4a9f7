/**
 * Session descriptions (SDP, RFC 8866) as RTSP uses them: parsing ANNOUNCE bodies with the
 * checks of the server, and writing DESCRIBE bodies in one fixed layout.
 *
 * @module
 */
import { parse } from "sdp-transform";
import { ParseError } from "../errors.ts";
import { type Format, formatFromSdp } from "../formats/format.ts";
import { H264Format } from "../formats/h264/h264_format.ts";

/** One media (`m=` section) of a session description. */
export interface Media {
  /** `"video"`, `"audio"`, `"application"`, ... */
  type: string;
  /** `a=mid` value, if any. */
  id?: string;
  /** A back channel (ONVIF audio output): written with `a=sendonly`. */
  isBackChannel: boolean;
  /** Transport profile of the `m=` line, e.g. `"RTP/AVP"`. */
  profile?: string;
  /** `a=control` value; `""` when absent. */
  control: string;
  /** The formats, in `m=` line order. */
  formats: Format[];
}

/** A session description: title and medias. */
export interface SessionDescription {
  /** `s=` value; undefined when empty or a single space. */
  title?: string;
  /** True when the connection address is a multicast group. */
  multicast?: boolean;
  /** The medias, in order. */
  medias: Media[];
}

/** Options of {@linkcode formatSessionDescription}. */
export interface FormatSdpOptions {
  /** Address of the `c=` line; default `0.0.0.0`. */
  connectionAddress?: string;
  /** Transport profile of every `m=` line; default `RTP/AVP` (`RTP/SAVP` with TLS). */
  profile?: "RTP/AVP" | "RTP/SAVP";
  /** List back-channel medias (the request had `Require: www.onvif.org/ver20/backchannel`). */
  includeBackChannels?: boolean;
  /**
   * The `a=key-mgmt` value of a media, by index in the full media list: `"mikey <base64>"`, or
   * just the base64 MIKEY message (then `mikey ` is prepended).
   */
  keyMgmt?: (mediaIndex: number) => string | undefined;
}

function invalid(code: string, message: string): ParseError {
  return new ParseError(code, `Invalid SDP: ${message}`, { status: 400, fatal: false });
}

function parseFmtpConfig(config: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of config.split(";")) {
    const kv = part.trim();
    if (kv === "") continue;
    const eq = kv.indexOf("=");
    if (eq <= 0) continue;
    out[kv.slice(0, eq).trim()] = kv.slice(eq + 1).trim();
  }
  return out;
}

function isMulticastAddress(address: string): boolean {
  const m = /^(\d{1,3})\./.exec(address);
  if (m !== null) {
    const first = Number(m[1]);
    return first >= 224 && first <= 239;
  }
  return /^ff[0-9a-f]{2}:/i.test(address);
}

const MID_PATTERN = /^[A-Za-z0-9]+$/;

/**
 * Parses a session description and applies the ANNOUNCE checks of the server (SPEC §2.6):
 * at least one media; every format has a known clock rate (RFC 3551 static table or rtpmap;
 * `application` media may have none); `a=mid` values alphanumeric, unique and on all medias or
 * none; no mix of `sendonly` and other medias (all `sendonly` counts as normal); no H264 in
 * packetization mode 0 (also when the parameter is missing, RFC 6184 §8.1).
 *
 * Bodies from ffmpeg, GStreamer, VLC and IP cameras are accepted: relative and absolute
 * `a=control`, session-level attributes (`a=tool`, `a=range`, `b=AS`) are ignored.
 *
 * @param text The SDP text (CRLF or LF line ends).
 * @returns The description; `isBackChannel` is false on every media.
 * @throws {ParseError} With status 400 and a code such as `SDP_NO_MEDIA`, `SDP_INVALID_MEDIA`,
 * `SDP_NO_CLOCK_RATE`, `SDP_INVALID_FORMAT`, `SDP_INVALID_MID`, `SDP_MIXED_DIRECTIONS` or
 * `SDP_H264_MODE_0`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseSessionDescription } from "./description.ts";
 * const desc = parseSessionDescription(
 *   "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=Stream\r\nt=0 0\r\n" +
 *     "m=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=fmtp:96 packetization-mode=1\r\n" +
 *     "a=control:streamid=0\r\n",
 * );
 * assert.equal(desc.title, "Stream");
 * assert.equal(desc.medias[0].control, "streamid=0");
 * assert.equal(desc.medias[0].formats[0].codec, "H264");
 * ```
 */
export function parseSessionDescription(text: string): SessionDescription {
  if (typeof text !== "string") throw invalid("SDP_INVALID", "not text");
  if (!/^\s*v=/.test(text)) throw invalid("SDP_INVALID", "missing v= line");
  let session: ReturnType<typeof parse>;
  try {
    session = parse(text);
  } catch (cause) {
    throw invalid("SDP_INVALID", `cannot parse (${(cause as Error)?.message ?? cause})`);
  }
  const rawMedias = Array.isArray(session.media) ? session.media : [];
  if (rawMedias.length === 0) throw invalid("SDP_NO_MEDIA", "no media");

  const medias: Media[] = [];
  let multicast = isMulticastAddress(String(session.connection?.ip ?? ""));
  let sendOnlyCount = 0;
  let midCount = 0;
  const mids = new Set<string>();

  for (let i = 0; i < rawMedias.length; i++) {
    const m = rawMedias[i];
    const type = m.type === undefined ? "" : String(m.type);
    if (type === "" || m.protocol === undefined || m.payloads === undefined) {
      throw invalid("SDP_INVALID_MEDIA", `media ${i}: malformed m= line`);
    }
    const payloadTypes = String(m.payloads).trim().split(/\s+/);
    if (payloadTypes.length === 0 || payloadTypes[0] === "") {
      throw invalid("SDP_INVALID_MEDIA", `media ${i}: no formats`);
    }
    const formats: Format[] = [];
    for (const token of payloadTypes) {
      if (!/^\d{1,3}$/.test(token) || Number(token) > 127) {
        throw invalid("SDP_INVALID_MEDIA", `media ${i}: invalid payload type "${token}"`);
      }
      const payloadType = Number(token);
      const rtp = (m.rtp ?? []).find((r) => Number(r.payload) === payloadType);
      let rtpMap: string | undefined;
      if (rtp !== undefined && rtp.codec !== undefined && String(rtp.codec) !== "") {
        rtpMap = String(rtp.codec);
        if (rtp.rate !== undefined && String(rtp.rate) !== "") rtpMap += `/${rtp.rate}`;
        if (rtp.encoding !== undefined && String(rtp.encoding) !== "") rtpMap += `/${rtp.encoding}`;
      }
      const fmtpLine = (m.fmtp ?? []).find((f) => Number(f.payload) === payloadType);
      const fmtp = fmtpLine === undefined
        ? undefined
        : parseFmtpConfig(String(fmtpLine.config ?? ""));
      let format: Format;
      try {
        format = formatFromSdp(payloadType, rtpMap, fmtp, type);
      } catch (e) {
        if (e instanceof ParseError) {
          throw new ParseError(e.code, `Invalid SDP: media ${i}: ${e.message}`, {
            status: 400,
            fatal: false,
          });
        }
        throw e;
      }
      if (format instanceof H264Format && format.packetizationMode === 0) {
        throw invalid(
          "SDP_H264_MODE_0",
          `media ${i}: H264 packetization-mode 0 is not supported`,
        );
      }
      formats.push(format);
    }

    const media: Media = {
      type,
      isBackChannel: false,
      profile: String(m.protocol),
      control: m.control === undefined ? "" : String(m.control),
      formats,
    };
    if (m.mid !== undefined) {
      const id = String(m.mid);
      if (!MID_PATTERN.test(id)) {
        throw invalid("SDP_INVALID_MID", `media ${i}: mid "${id}" is not alphanumeric`);
      }
      if (mids.has(id)) throw invalid("SDP_INVALID_MID", `media ${i}: duplicate mid "${id}"`);
      mids.add(id);
      media.id = id;
      midCount++;
    }
    if (m.direction === "sendonly") sendOnlyCount++;
    if (isMulticastAddress(String(m.connection?.ip ?? ""))) multicast = true;
    medias.push(media);
  }

  if (midCount !== 0 && midCount !== medias.length) {
    throw invalid("SDP_INVALID_MID", "mid must be set on all medias or on none");
  }
  if (sendOnlyCount !== 0 && sendOnlyCount !== medias.length) {
    throw invalid("SDP_MIXED_DIRECTIONS", "mixing sendonly and other medias is not supported");
  }

  const desc: SessionDescription = { medias };
  const title = session.name === undefined ? "" : String(session.name);
  if (title.trim() !== "") desc.title = title;
  if (multicast) desc.multicast = true;
  return desc;
}

/**
 * Writes a session description in the layout of SPEC §2.5 (CRLF line ends):
 *
 * ```text
 * v=0
 * o=- 0 0 IN IP4 127.0.0.1
 * s=<title or a single space>
 * c=IN IP4 <connectionAddress>
 * t=0 0
 * m=<type> 0 <profile> <payload types>       one section per listed media
 * a=mid:<id>                                 when set
 * a=sendonly                                 back channel
 * a=key-mgmt:mikey <base64>                  when keyMgmt returns one
 * a=control:trackID=<index in the full media list>
 * a=rtpmap:<pt> <rtpmap>                     per format, when it has one
 * a=fmtp:<pt> <k=v; k=v>                     per format, keys sorted
 * a=recvonly                                 normal media, when a back channel is listed
 * ```
 *
 * @param desc The description.
 * @param options Connection address, profile, back channels and key management.
 * @returns The SDP text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatSessionDescription } from "./description.ts";
 * import { G711Format } from "../formats/g711/g711_format.ts";
 * const sdp = formatSessionDescription({
 *   medias: [{ type: "audio", isBackChannel: false, control: "", formats: [new G711Format({ mulaw: true })] }],
 * });
 * assert.equal(
 *   sdp,
 *   "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns= \r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\n" +
 *     "m=audio 0 RTP/AVP 0\r\na=control:trackID=0\r\na=rtpmap:0 PCMU/8000\r\n",
 * );
 * ```
 */
export function formatSessionDescription(
  desc: SessionDescription,
  options: FormatSdpOptions = {},
): string {
  const address = options.connectionAddress ?? "0.0.0.0";
  const profile = options.profile ?? "RTP/AVP";
  const includeBackChannels = options.includeBackChannels ?? false;
  const title = desc.title === undefined || desc.title === "" ? " " : desc.title;
  const lines = [
    "v=0",
    "o=- 0 0 IN IP4 127.0.0.1",
    `s=${title}`,
    `c=IN ${address.includes(":") ? "IP6" : "IP4"} ${address}`,
    "t=0 0",
  ];
  const listsBackChannel = includeBackChannels && desc.medias.some((m) => m.isBackChannel);
  desc.medias.forEach((media, index) => {
    if (media.isBackChannel && !includeBackChannels) return;
    lines.push(`m=${media.type} 0 ${profile} ${media.formats.map((f) => f.payloadType).join(" ")}`);
    if (media.id !== undefined) lines.push(`a=mid:${media.id}`);
    if (media.isBackChannel) lines.push("a=sendonly");
    const keyMgmt = options.keyMgmt?.(index);
    if (keyMgmt !== undefined) {
      lines.push(`a=key-mgmt:${keyMgmt.startsWith("mikey ") ? keyMgmt : `mikey ${keyMgmt}`}`);
    }
    lines.push(`a=control:trackID=${index}`);
    for (const format of media.formats) {
      const rtpMap = format.rtpMap();
      if (rtpMap !== undefined) lines.push(`a=rtpmap:${format.payloadType} ${rtpMap}`);
      const fmtp = format.fmtp();
      if (fmtp !== undefined) {
        const keys = Object.keys(fmtp).sort();
        if (keys.length > 0) {
          lines.push(
            `a=fmtp:${format.payloadType} ${keys.map((k) => `${k}=${fmtp[k]}`).join("; ")}`,
          );
        }
      }
    }
    if (listsBackChannel && !media.isBackChannel) lines.push("a=recvonly");
  });
  return lines.join("\r\n") + "\r\n";
}
