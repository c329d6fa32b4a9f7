// Regenerates the RTSP fixtures of this folder: `node tests/testdata/rtsp/_generate.mjs`.
// Requests are written as the clients send them (header order, User-Agent), with CRLF line ends;
// Content-Length and digest responses are computed, not typed.
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";

const dir = new URL("./", import.meta.url);
const md5 = (s) => createHash("md5").update(s).digest("hex");
function message(lines, body = "") {
  const head = lines.join("\r\n") + "\r\n";
  if (body === "") return head + "\r\n";
  const bytes = Buffer.from(body);
  return head + `Content-Length: ${bytes.length}\r\n\r\n` + body;
}
function write(name, data) {
  writeFileSync(new URL(name, dir), data);
}

const LAVF = "User-Agent: Lavf58.76.100";
const GST = "User-Agent: GStreamer/1.20.3";
const DATE = "Date: Wed, 25 Nov 2026 20:42:01 GMT";
const VLC = "User-Agent: LibVLC/3.0.18 (LIVE555 Streaming Media v2016.11.28)";
const ANNOUNCE_SDP = [
  "v=0",
  "o=- 0 0 IN IP4 127.0.0.1",
  "s=No Name",
  "c=IN IP4 127.0.0.1",
  "t=0 0",
  "a=tool:libavformat 58.76.100",
  "m=video 0 RTP/AVP 96",
  "a=rtpmap:96 H264/90000",
  "a=fmtp:96 packetization-mode=1; sprop-parameter-sets=Z2QAFKzZQUH7ARAAAAMAEAAAAwPA8UKZYA==,aOvjyyLA; profile-level-id=640014",
  "a=control:streamid=0",
  "m=audio 0 RTP/AVP 97",
  "b=AS:128",
  "a=rtpmap:97 MPEG4-GENERIC/44100/2",
  "a=fmtp:97 profile-level-id=1;mode=AAC-hbr;sizelength=13;indexlength=3;indexdeltalength=3; config=121056E500",
  "a=control:streamid=1",
  "",
].join("\r\n");

write("ffmpeg_options.txt", message(["OPTIONS rtsp://127.0.0.1:8554/teststream RTSP/1.0", "CSeq: 1", LAVF]));
write("ffmpeg_describe.txt", message([
  "DESCRIBE rtsp://127.0.0.1:8554/teststream?param=value RTSP/1.0",
  "Accept: application/sdp",
  "CSeq: 2",
  LAVF,
]));
write("ffmpeg_setup_udp.txt", message([
  "SETUP rtsp://127.0.0.1:8554/teststream?param=value/trackID=0 RTSP/1.0",
  "Transport: RTP/AVP/UDP;unicast;client_port=19274-19275",
  "CSeq: 3",
  LAVF,
]));
write("ffmpeg_setup_tcp.txt", message([
  "SETUP rtsp://127.0.0.1:8554/teststream?param=value/trackID=1 RTSP/1.0",
  "Transport: RTP/AVP/TCP;unicast;interleaved=2-3",
  "CSeq: 4",
  LAVF,
  "Session: 0d9f2e8c4b6a41d3a5e7f90123456789",
]));
write("ffmpeg_play.txt", message([
  "PLAY rtsp://127.0.0.1:8554/teststream?param=value/ RTSP/1.0",
  "Range: npt=0.000-",
  "CSeq: 5",
  LAVF,
  "Session: 0d9f2e8c4b6a41d3a5e7f90123456789",
]));
write("ffmpeg_announce.txt", message([
  "ANNOUNCE rtsp://127.0.0.1:8554/live RTSP/1.0",
  "Content-Type: application/sdp",
  "CSeq: 2",
  LAVF,
], ANNOUNCE_SDP));
write("ffmpeg_setup_record_udp.txt", message([
  "SETUP rtsp://127.0.0.1:8554/live/streamid=0 RTSP/1.0",
  "Transport: RTP/AVP/UDP;unicast;client_port=20000-20001;mode=record",
  "CSeq: 3",
  LAVF,
]));
write("ffmpeg_setup_record_tcp.txt", message([
  "SETUP rtsp://127.0.0.1:8554/live/streamid=0 RTSP/1.0",
  "Transport: RTP/AVP/TCP;unicast;interleaved=0-1;mode=record",
  "CSeq: 3",
  LAVF,
]));
// RECORD over TCP, then RTP/RTCP frames intermixed with a keepalive request.
const record = Buffer.from(message([
  "RECORD rtsp://127.0.0.1:8554/live RTSP/1.0",
  "Range: npt=0.000-",
  "CSeq: 5",
  LAVF,
  "Session: 71c2aa09b3d84e6f8a1b2c3d4e5f6071",
]));
const rtp = Buffer.from([0x80, 0x60, 0x00, 0x01, 0x00, 0x00, 0x0b, 0xb8, 0x12, 0x34, 0x56, 0x78, 0x65, 0x88, 0x84]);
const rtcp = Buffer.from([0x80, 0xc8, 0x00, 0x06, 0x12, 0x34, 0x56, 0x78, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0b, 0xb8, 0, 0, 0, 1, 0, 0, 0, 3]);
const frame = (ch, p) => Buffer.concat([Buffer.from([0x24, ch, p.length >> 8, p.length & 0xff]), p]);
const keepalive = Buffer.from(message([
  "GET_PARAMETER rtsp://127.0.0.1:8554/live RTSP/1.0",
  "CSeq: 6",
  LAVF,
  "Session: 71c2aa09b3d84e6f8a1b2c3d4e5f6071",
]));
write("ffmpeg_record_tcp.bin", Buffer.concat([record, frame(0, rtp), frame(1, rtcp), keepalive, frame(0, Buffer.alloc(1400, 0xab)), frame(2, Buffer.alloc(0))]));

write("gst_options.txt", message(["OPTIONS rtsp://127.0.0.1:8554/teststream RTSP/1.0", "CSeq: 1", GST, DATE]));
write("gst_describe.txt", message([
  "DESCRIBE rtsp://127.0.0.1:8554/teststream RTSP/1.0",
  "CSeq: 2",
  GST,
  "Accept: application/sdp",
  DATE,
]));
write("gst_setup_udp.txt", message([
  "SETUP rtsp://127.0.0.1:8554/teststream/trackID=0 RTSP/1.0",
  "CSeq: 3",
  GST,
  "Transport: RTP/AVP;unicast;client_port=52340-52341",
  DATE,
]));
write("gst_setup_tcp.txt", message([
  "SETUP rtsp://127.0.0.1:8554/teststream/trackID=0 RTSP/1.0",
  "CSeq: 3",
  GST,
  "Transport: RTP/AVP/TCP;unicast;interleaved=0-1",
  DATE,
]));
write("gst_play.txt", message([
  "PLAY rtsp://127.0.0.1:8554/teststream/ RTSP/1.0",
  "CSeq: 5",
  GST,
  "Range: npt=0-",
  "Session: 0d9f2e8c4b6a41d3a5e7f90123456789",
  DATE,
]));
write("gst_setup_record.txt", message([
  "SETUP rtsp://127.0.0.1:8554/live/stream=0 RTSP/1.0",
  "CSeq: 3",
  GST,
  "Transport: RTP/AVP;unicast;client_port=5000-5001;mode=RECORD",
  DATE,
]));

write("vlc_describe.txt", message([
  "DESCRIBE rtsp://127.0.0.1:8554/teststream RTSP/1.0",
  "CSeq: 3",
  VLC,
  "Accept: application/sdp",
]));
write("vlc_setup.txt", message([
  "SETUP rtsp://127.0.0.1:8554/teststream/trackID=0 RTSP/1.0",
  "CSeq: 4",
  VLC,
  "Transport: RTP/AVP;unicast;client_port=55768-55769",
]));
write("vlc_setup_tcp.txt", message([
  "SETUP rtsp://127.0.0.1:8554/teststream/trackID=0 RTSP/1.0",
  "CSeq: 4",
  VLC,
  "Transport: RTP/AVP/TCP;unicast;interleaved=0-1",
]));
// VLC signs SETUP with the base URL, not the track URL (SPEC §7.1).
const nonce = "0123456789abcdef0123456789abcdef";
const base = "rtsp://127.0.0.1:8554/teststream/";
const ha1 = md5("myuser:ipcam:mypass");
write("vlc_setup_digest.txt", message([
  "SETUP rtsp://127.0.0.1:8554/teststream/trackID=0 RTSP/1.0",
  "CSeq: 5",
  `Authorization: Digest username="myuser", realm="ipcam", nonce="${nonce}", uri="${base}", response="${md5(`${ha1}:${nonce}:${md5(`SETUP:${base}`)}`)}"`,
  VLC,
  "Transport: RTP/AVP;unicast;client_port=55768-55769",
]));
write("live555_response_describe.txt", message([
  "RTSP/1.0 200 OK",
  "CSeq: 2",
  "Date: Wed, Nov 25 2026 20:42:01 GMT",
  "Content-Base: rtsp://192.168.1.10:8554/cam/",
  "Content-Type: application/sdp",
], "v=0\r\no=- 1700000000 1 IN IP4 192.168.1.10\r\ns=H.264 Video\r\nt=0 0\r\nm=video 0 RTP/AVP 96\r\na=control:track1\r\n"));

// Invalid and truncated variants.
write("invalid_bare_lf.txt", "OPTIONS rtsp://127.0.0.1:8554/teststream RTSP/1.0\nCSeq: 1\n\n");
write("invalid_content_length.txt", message([
  "ANNOUNCE rtsp://127.0.0.1:8554/live RTSP/1.0",
  "CSeq: 2",
  "Content-Type: application/sdp",
  "Content-Length: 12a",
]));
write("invalid_body_too_large.txt", message([
  "ANNOUNCE rtsp://127.0.0.1:8554/live RTSP/1.0",
  "CSeq: 2",
  "Content-Type: application/sdp",
  "Content-Length: 131073",
]));
write("invalid_fragment_url.txt", message(["DESCRIBE rtsp://127.0.0.1:8554/teststream#x RTSP/1.0", "CSeq: 2"]));
write("invalid_http_scheme.txt", message(["DESCRIBE http://127.0.0.1:8554/teststream RTSP/1.0", "CSeq: 2"]));
write("invalid_version.txt", message(["DESCRIBE rtsp://127.0.0.1:8554/teststream RTSP/2.0", "CSeq: 2"]));
write("invalid_header_no_colon.txt", message(["OPTIONS rtsp://127.0.0.1:8554/ RTSP/1.0", "CSeq 1"]));
write("truncated_describe.txt", message([
  "DESCRIBE rtsp://127.0.0.1:8554/teststream RTSP/1.0",
  "Accept: application/sdp",
  "CSeq: 2",
  LAVF,
]).slice(0, -2));
write("truncated_announce_body.txt", message([
  "ANNOUNCE rtsp://127.0.0.1:8554/live RTSP/1.0",
  "Content-Type: application/sdp",
  "CSeq: 2",
  LAVF,
], ANNOUNCE_SDP).slice(0, -40));
write("truncated_frame.bin", Buffer.concat([frame(0, rtp)]).subarray(0, 10));
