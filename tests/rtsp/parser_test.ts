import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ParseError } from "../../src/errors.ts";
import { RtspParser, type RtspParserLimits } from "../../src/rtsp/parser.ts";
import {
  encodeInterleavedFrame,
  encodeRequest,
  encodeResponse,
} from "../../src/rtsp/serializer.ts";
import { RtspHeaders } from "../../src/rtsp/headers.ts";
import { prng } from "../_helpers/fuzz.ts";
import { crlf, feedAllWays, fixture, type Plain } from "./_helpers.ts";

const LAVF: [string, string] = ["User-Agent", "Lavf58.76.100"];
const GST: [string, string] = ["User-Agent", "GStreamer/1.20.3"];
const DATE: [string, string] = ["Date", "Wed, 25 Nov 2026 20:42:01 GMT"];
const VLC: [string, string] = ["User-Agent", "LibVLC/3.0.18 (LIVE555 Streaming Media v2016.11.28)"];
const SESSION = "0d9f2e8c4b6a41d3a5e7f90123456789";

function request(method: string, url: string, headers: [string, string][], body = ""): Plain {
  return { kind: "request", method, url, headers, body };
}

function response(
  statusCode: number,
  statusMessage: string,
  headers: [string, string][],
  body = "",
): Plain {
  return { kind: "response", statusCode, statusMessage, headers, body };
}

function parseOne(input: Uint8Array): Plain[] {
  const result = feedAllWays(input);
  assert.equal(result.buffered, 0);
  return result.messages;
}

describe("RtspParser: captured client requests", () => {
  it("next() parses ffmpeg OPTIONS", () => {
    assert.deepEqual(parseOne(fixture("ffmpeg_options.txt")), [
      request("OPTIONS", "rtsp://127.0.0.1:8554/teststream", [["CSeq", "1"], LAVF]),
    ]);
  });
  it("next() parses ffmpeg DESCRIBE with a query", () => {
    assert.deepEqual(parseOne(fixture("ffmpeg_describe.txt")), [
      request("DESCRIBE", "rtsp://127.0.0.1:8554/teststream?param=value", [
        ["Accept", "application/sdp"],
        ["CSeq", "2"],
        LAVF,
      ]),
    ]);
  });
  it("next() parses ffmpeg SETUP over UDP", () => {
    assert.deepEqual(parseOne(fixture("ffmpeg_setup_udp.txt")), [
      request("SETUP", "rtsp://127.0.0.1:8554/teststream?param=value/trackID=0", [
        ["Transport", "RTP/AVP/UDP;unicast;client_port=19274-19275"],
        ["CSeq", "3"],
        LAVF,
      ]),
    ]);
  });
  it("next() parses ffmpeg SETUP over TCP", () => {
    assert.deepEqual(parseOne(fixture("ffmpeg_setup_tcp.txt")), [
      request("SETUP", "rtsp://127.0.0.1:8554/teststream?param=value/trackID=1", [
        ["Transport", "RTP/AVP/TCP;unicast;interleaved=2-3"],
        ["CSeq", "4"],
        LAVF,
        ["Session", SESSION],
      ]),
    ]);
  });
  it("next() parses ffmpeg PLAY", () => {
    assert.deepEqual(parseOne(fixture("ffmpeg_play.txt")), [
      request("PLAY", "rtsp://127.0.0.1:8554/teststream?param=value/", [
        ["Range", "npt=0.000-"],
        ["CSeq", "5"],
        LAVF,
        ["Session", SESSION],
      ]),
    ]);
  });
  it("next() parses ffmpeg ANNOUNCE with its SDP body", () => {
    const [message] = parseOne(fixture("ffmpeg_announce.txt"));
    assert.equal(message.kind, "request");
    if (message.kind !== "request") return;
    assert.equal(message.method, "ANNOUNCE");
    assert.equal(message.url, "rtsp://127.0.0.1:8554/live");
    assert.deepEqual(message.headers, [
      ["Content-Type", "application/sdp"],
      ["CSeq", "2"],
      LAVF,
      ["Content-Length", "490"],
    ]);
    assert.equal(message.body.length, 490);
    assert.ok(message.body.startsWith("v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\n"));
    assert.ok(message.body.endsWith("a=control:streamid=1\r\n"));
  });
  it("next() parses ffmpeg SETUP for publishing (UDP and TCP)", () => {
    assert.deepEqual(parseOne(fixture("ffmpeg_setup_record_udp.txt")), [
      request("SETUP", "rtsp://127.0.0.1:8554/live/streamid=0", [
        ["Transport", "RTP/AVP/UDP;unicast;client_port=20000-20001;mode=record"],
        ["CSeq", "3"],
        LAVF,
      ]),
    ]);
    assert.deepEqual(parseOne(fixture("ffmpeg_setup_record_tcp.txt")), [
      request("SETUP", "rtsp://127.0.0.1:8554/live/streamid=0", [
        ["Transport", "RTP/AVP/TCP;unicast;interleaved=0-1;mode=record"],
        ["CSeq", "3"],
        LAVF,
      ]),
    ]);
  });
  it("next() parses ffmpeg RECORD over TCP with frames and a keepalive intermixed", () => {
    const session: [string, string] = ["Session", "71c2aa09b3d84e6f8a1b2c3d4e5f6071"];
    assert.deepEqual(parseOne(fixture("ffmpeg_record_tcp.bin")), [
      request("RECORD", "rtsp://127.0.0.1:8554/live", [
        ["Range", "npt=0.000-"],
        ["CSeq", "5"],
        LAVF,
        session,
      ]),
      {
        kind: "frame",
        channel: 0,
        payload: [
          0x80,
          0x60,
          0x00,
          0x01,
          0x00,
          0x00,
          0x0b,
          0xb8,
          0x12,
          0x34,
          0x56,
          0x78,
          0x65,
          0x88,
          0x84,
        ],
      },
      {
        kind: "frame",
        channel: 1,
        payload: [
          0x80,
          0xc8,
          0,
          6,
          0x12,
          0x34,
          0x56,
          0x78,
          0,
          0,
          0,
          0,
          0,
          0,
          0,
          0,
          0,
          0,
          0x0b,
          0xb8,
          0,
          0,
          0,
          1,
          0,
          0,
          0,
          3,
        ],
      },
      request("GET_PARAMETER", "rtsp://127.0.0.1:8554/live", [["CSeq", "6"], LAVF, session]),
      { kind: "frame", channel: 0, payload: new Array(1400).fill(0xab) },
      { kind: "frame", channel: 2, payload: [] },
    ]);
  });
  it("next() parses GStreamer OPTIONS, DESCRIBE, SETUP (UDP, TCP, record) and PLAY", () => {
    const url = "rtsp://127.0.0.1:8554/teststream";
    assert.deepEqual(parseOne(fixture("gst_options.txt")), [
      request("OPTIONS", url, [["CSeq", "1"], GST, DATE]),
    ]);
    assert.deepEqual(parseOne(fixture("gst_describe.txt")), [
      request("DESCRIBE", url, [["CSeq", "2"], GST, ["Accept", "application/sdp"], DATE]),
    ]);
    assert.deepEqual(parseOne(fixture("gst_setup_udp.txt")), [
      request("SETUP", `${url}/trackID=0`, [
        ["CSeq", "3"],
        GST,
        ["Transport", "RTP/AVP;unicast;client_port=52340-52341"],
        DATE,
      ]),
    ]);
    assert.deepEqual(parseOne(fixture("gst_setup_tcp.txt")), [
      request("SETUP", `${url}/trackID=0`, [
        ["CSeq", "3"],
        GST,
        ["Transport", "RTP/AVP/TCP;unicast;interleaved=0-1"],
        DATE,
      ]),
    ]);
    assert.deepEqual(parseOne(fixture("gst_setup_record.txt")), [
      request("SETUP", "rtsp://127.0.0.1:8554/live/stream=0", [
        ["CSeq", "3"],
        GST,
        ["Transport", "RTP/AVP;unicast;client_port=5000-5001;mode=RECORD"],
        DATE,
      ]),
    ]);
    assert.deepEqual(parseOne(fixture("gst_play.txt")), [
      request("PLAY", `${url}/`, [
        ["CSeq", "5"],
        GST,
        ["Range", "npt=0-"],
        ["Session", SESSION],
        DATE,
      ]),
    ]);
  });
  it("next() parses VLC DESCRIBE and SETUP (UDP, TCP, with Digest)", () => {
    const url = "rtsp://127.0.0.1:8554/teststream";
    assert.deepEqual(parseOne(fixture("vlc_describe.txt")), [
      request("DESCRIBE", url, [["CSeq", "3"], VLC, ["Accept", "application/sdp"]]),
    ]);
    assert.deepEqual(parseOne(fixture("vlc_setup.txt")), [
      request("SETUP", `${url}/trackID=0`, [
        ["CSeq", "4"],
        VLC,
        ["Transport", "RTP/AVP;unicast;client_port=55768-55769"],
      ]),
    ]);
    assert.deepEqual(parseOne(fixture("vlc_setup_tcp.txt")), [
      request("SETUP", `${url}/trackID=0`, [["CSeq", "4"], VLC, [
        "Transport",
        "RTP/AVP/TCP;unicast;interleaved=0-1",
      ]]),
    ]);
    const [setup] = parseOne(fixture("vlc_setup_digest.txt"));
    assert.equal(setup.kind === "request" && setup.headers[1][0], "Authorization");
    assert.match(
      setup.kind === "request" ? setup.headers[1][1] : "",
      /^Digest username="myuser", realm="ipcam"/,
    );
  });
  it("next() parses a live555 DESCRIBE response with its body", () => {
    assert.deepEqual(parseOne(fixture("live555_response_describe.txt")), [
      response(
        200,
        "OK",
        [
          ["CSeq", "2"],
          ["Date", "Wed, Nov 25 2026 20:42:01 GMT"],
          ["Content-Base", "rtsp://192.168.1.10:8554/cam/"],
          ["Content-Type", "application/sdp"],
          ["Content-Length", "105"],
        ],
        "v=0\r\no=- 1700000000 1 IN IP4 192.168.1.10\r\ns=H.264 Video\r\nt=0 0\r\nm=video 0 RTP/AVP 96\r\na=control:track1\r\n",
      ),
    ]);
  });
});

describe("RtspParser: RFC 2326 §14 example exchanges", () => {
  it("next() parses the RFC 2326 §14.1 media on demand exchange (folded headers)", () => {
    const input = crlf(
      "SETUP rtsp://audio.example.com/twister/audio.en RTSP/1.0",
      "CSeq: 1",
      "Transport: RTP/AVP/UDP;unicast;client_port=3056-3057",
      "",
      "RTSP/1.0 200 OK",
      "CSeq: 1",
      "Session: 12345678",
      "Transport: RTP/AVP/UDP;unicast;client_port=3056-3057;",
      "           server_port=5000-5001",
      "",
      "PLAY rtsp://video.example.com/twister/video RTSP/1.0",
      "CSeq: 2",
      "Session: 23456789",
      "Range: smpte=0:10:00-",
      "",
      "RTSP/1.0 200 OK",
      "CSeq: 2",
      "Session: 23456789",
      "Range: smpte=0:10:00-0:20:00",
      "RTP-Info: url=rtsp://video.example.com/twister/video;",
      "  seq=12312232;rtptime=78712811",
      "",
      "TEARDOWN rtsp://audio.example.com/twister/audio.en RTSP/1.0",
      "CSeq: 3",
      "Session: 12345678",
      "",
      "RTSP/1.0 200 OK",
      "CSeq: 3",
      "",
    );
    assert.deepEqual(parseOne(input), [
      request("SETUP", "rtsp://audio.example.com/twister/audio.en", [
        ["CSeq", "1"],
        ["Transport", "RTP/AVP/UDP;unicast;client_port=3056-3057"],
      ]),
      response(200, "OK", [
        ["CSeq", "1"],
        ["Session", "12345678"],
        ["Transport", "RTP/AVP/UDP;unicast;client_port=3056-3057; server_port=5000-5001"],
      ]),
      request("PLAY", "rtsp://video.example.com/twister/video", [
        ["CSeq", "2"],
        ["Session", "23456789"],
        ["Range", "smpte=0:10:00-"],
      ]),
      response(200, "OK", [
        ["CSeq", "2"],
        ["Session", "23456789"],
        ["Range", "smpte=0:10:00-0:20:00"],
        ["RTP-Info", "url=rtsp://video.example.com/twister/video; seq=12312232;rtptime=78712811"],
      ]),
      request("TEARDOWN", "rtsp://audio.example.com/twister/audio.en", [["CSeq", "3"], [
        "Session",
        "12345678",
      ]]),
      response(200, "OK", [["CSeq", "3"]]),
    ]);
  });
  it("next() parses the RFC 2326 §14.2 container file exchange, including 459/460", () => {
    const sdp = [
      "v=0",
      "o=- 2890844256 2890842807 IN IP4 172.16.2.93",
      "s=RTSP Session",
      "i=An Example of RTSP Session Usage",
      "a=control:rtsp://foo/twister",
      "t=0 0",
      "m=audio 0 RTP/AVP 0",
      "a=control:rtsp://foo/twister/audio",
      "m=video 0 RTP/AVP 26",
      "a=control:rtsp://foo/twister/video",
      "",
    ].join("\r\n");
    const input = crlf(
      "DESCRIBE rtsp://foo/twister RTSP/1.0",
      "CSeq: 1",
      "",
      "RTSP/1.0 200 OK",
      "CSeq: 1",
      "Content-Type: application/sdp",
      `Content-Length: ${sdp.length}`,
      "",
      sdp + "SETUP rtsp://foo/twister/audio RTSP/1.0",
      "CSeq: 2",
      "Transport: RTP/AVP;unicast;client_port=8000-8001",
      "",
      "PAUSE rtsp://foo/twister/video RTSP/1.0",
      "CSeq: 5",
      "Session: 12345678",
      "",
      "RTSP/1.0 460 Only aggregate operation allowed",
      "CSeq: 5",
      "",
      "SETUP rtsp://foo/twister RTSP/1.0",
      "CSeq: 7",
      "Transport: RTP/AVP;unicast;client_port=10000",
      "",
      "RTSP/1.0 459 Aggregate operation not allowed",
      "CSeq: 7",
      "",
    );
    assert.deepEqual(parseOne(input), [
      request("DESCRIBE", "rtsp://foo/twister", [["CSeq", "1"]]),
      response(200, "OK", [
        ["CSeq", "1"],
        ["Content-Type", "application/sdp"],
        ["Content-Length", String(sdp.length)],
      ], sdp),
      request("SETUP", "rtsp://foo/twister/audio", [
        ["CSeq", "2"],
        ["Transport", "RTP/AVP;unicast;client_port=8000-8001"],
      ]),
      request("PAUSE", "rtsp://foo/twister/video", [["CSeq", "5"], ["Session", "12345678"]]),
      response(460, "Only aggregate operation allowed", [["CSeq", "5"]]),
      request("SETUP", "rtsp://foo/twister", [["CSeq", "7"], [
        "Transport",
        "RTP/AVP;unicast;client_port=10000",
      ]]),
      response(459, "Aggregate operation not allowed", [["CSeq", "7"]]),
    ]);
  });
  it("next() parses the RFC 2326 §14.6 recording exchange", () => {
    const sdp = [
      "v=0",
      "o=camera1 3080117314 3080118787 IN IP4 195.27.192.36",
      "s=IETF Meeting, Munich - 1",
      "c=IN IP4 224.0.1.11/127",
      "t=3080271600 3080703600",
      "m=audio 21010 RTP/AVP 5",
      "m=video 61010 RTP/AVP 31",
      "",
    ].join("\r\n");
    const input = crlf(
      "ANNOUNCE rtsp://server.example.com/meeting RTSP/1.0",
      "CSeq: 90",
      "Content-Type: application/sdp",
      `Content-Length: ${sdp.length}`,
      "",
      sdp + "SETUP rtsp://server.example.com/meeting/audiotrack RTSP/1.0",
      "CSeq: 91",
      "Transport: RTP/AVP;multicast;destination=224.0.1.11;",
      "           port=21010-21011;mode=record;ttl=127",
      "",
      "RECORD rtsp://server.example.com/meeting RTSP/1.0",
      "CSeq: 93",
      "Session: 50887676",
      "Range: clock=19961110T1925-19961110T2015",
      "",
    );
    assert.deepEqual(parseOne(input), [
      request("ANNOUNCE", "rtsp://server.example.com/meeting", [
        ["CSeq", "90"],
        ["Content-Type", "application/sdp"],
        ["Content-Length", String(sdp.length)],
      ], sdp),
      request("SETUP", "rtsp://server.example.com/meeting/audiotrack", [
        ["CSeq", "91"],
        [
          "Transport",
          "RTP/AVP;multicast;destination=224.0.1.11; port=21010-21011;mode=record;ttl=127",
        ],
      ]),
      request("RECORD", "rtsp://server.example.com/meeting", [
        ["CSeq", "93"],
        ["Session", "50887676"],
        ["Range", "clock=19961110T1925-19961110T2015"],
      ]),
    ]);
  });
  it("next() parses RFC 2326 §10.1 OPTIONS * and §10.12 interleaved data", () => {
    const head = crlf(
      "OPTIONS * RTSP/1.0",
      "CSeq: 1",
      "Require: implicit-play",
      "Proxy-Require: gzipped-messages",
      "",
      "RTSP/1.0 200 OK",
      "CSeq: 2",
      "Transport: RTP/AVP/TCP;interleaved=0-1",
      "Session: 12345678",
      "",
    );
    const input = new Uint8Array([...head, 0x24, 0, 0, 3, 0x80, 0x00, 0x01]);
    assert.deepEqual(parseOne(input), [
      request("OPTIONS", "*", [["CSeq", "1"], ["Require", "implicit-play"], [
        "Proxy-Require",
        "gzipped-messages",
      ]]),
      response(200, "OK", [["CSeq", "2"], ["Transport", "RTP/AVP/TCP;interleaved=0-1"], [
        "Session",
        "12345678",
      ]]),
      { kind: "frame", channel: 0, payload: [0x80, 0x00, 0x01] },
    ]);
  });
});

describe("RtspParser: junk, unknown methods and framing", () => {
  it("next() skips stray CRLFs and bytes that do not start a known message", () => {
    const input = new Uint8Array([
      ...crlf("", ""),
      0x00,
      0xff,
      0x58,
      ...crlf("OPTIONS * RTSP/1.0", "CSeq: 1", ""),
    ]);
    assert.deepEqual(parseOne(input), [request("OPTIONS", "*", [["CSeq", "1"]])]);
  });
  it("next() returns unknown but well-formed methods with a known prefix (REDIRECT, SETX)", () => {
    assert.deepEqual(
      parseOne(
        crlf("REDIRECT rtsp://h/s RTSP/1.0", "CSeq: 1", "", "SETX rtsp://h/s RTSP/1.0", "", ""),
      ),
      [
        request("REDIRECT", "rtsp://h/s", [["CSeq", "1"]]),
        request("SETX", "rtsp://h/s", []),
      ],
    );
  });
  it("next() skips a method with an unknown prefix until a parse failure (FOO)", () => {
    const result = feedAllWays(crlf("FOO rtsp://h/s RTSP/1.0", "CSeq: 1", ""));
    // "FOO rtsp://h/s " is skipped; "RTSP/1.0" then starts a response whose status line is invalid.
    assert.deepEqual(result.messages, [{ kind: "error", code: "INVALID_START_LINE", fatal: true }]);
  });
  it("next() keeps missing and repeated CSeq headers (the server answers 400)", () => {
    assert.deepEqual(parseOne(crlf("OPTIONS * RTSP/1.0", "CSeq: 1", "cseq: 2", "")), [
      request("OPTIONS", "*", [["CSeq", "1"], ["CSeq", "2"]]),
    ]);
  });
  it("next() trims header values and keeps empty ones", () => {
    assert.deepEqual(
      parseOne(crlf("OPTIONS * RTSP/1.0", "CSeq:3", "X-Empty:", "Accept :  a  ", "")),
      [
        request("OPTIONS", "*", [["CSeq", "3"], ["X-Empty", ""], ["Accept", "a"]]),
      ],
    );
  });
  it("next() returns a response without reason phrase", () => {
    assert.deepEqual(parseOne(crlf("RTSP/1.0 200", "CSeq: 1", "")), [
      response(200, "", [["CSeq", "1"]]),
    ]);
  });
  it("next() returns frame payloads as views of the pushed chunk", () => {
    const chunk = new Uint8Array([0x24, 5, 0, 2, 7, 8, 0x24, 6, 0, 1, 9]);
    const parser = new RtspParser();
    parser.push(chunk);
    const first = parser.next();
    const second = parser.next();
    assert.ok(first?.kind === "frame" && second?.kind === "frame");
    assert.equal(first.channel, 5);
    assert.equal(first.payload.buffer, chunk.buffer);
    assert.equal(first.payload.byteOffset, 4);
    assert.deepEqual([...first.payload], [7, 8]);
    assert.equal(second.channel, 6);
    assert.deepEqual([...second.payload], [9]);
    assert.equal(parser.bufferedBytes, 0);
  });
  it("next() keeps earlier payload views intact when the buffer grows", () => {
    const parser = new RtspParser();
    parser.push(new Uint8Array([0x24, 0, 0, 2, 1, 2, 0x24, 1, 0, 3, 3]));
    const first = parser.next();
    assert.equal(parser.next(), undefined);
    parser.push(new Uint8Array([4, 5]));
    const second = parser.next();
    assert.ok(first?.kind === "frame" && second?.kind === "frame");
    assert.deepEqual([...first.payload], [1, 2]);
    assert.deepEqual([...second.payload], [3, 4, 5]);
  });
  it("bufferedBytes counts bytes not yet consumed", () => {
    const parser = new RtspParser();
    assert.equal(parser.bufferedBytes, 0);
    parser.push(crlf("OPTIONS * RTSP/1.0"));
    assert.equal(parser.next(), undefined);
    assert.equal(parser.bufferedBytes, 0);
    parser.push(new Uint8Array([0x24, 0, 0]));
    parser.push(new Uint8Array(0));
    assert.equal(parser.bufferedBytes, 3);
  });
  it("next() round-trips what the serializer writes", () => {
    const headers = new RtspHeaders([["cseq", "9"], ["content-type", "text/parameters"]]);
    const body = new TextEncoder().encode("a: 1\r\n");
    const input = new Uint8Array([
      ...encodeRequest({ method: "SET_PARAMETER", url: "rtsp://h/s", headers, body }),
      ...encodeResponse({
        statusCode: 454,
        statusMessage: "",
        headers: new RtspHeaders({ CSeq: "9" }),
        body: new Uint8Array(0),
      }),
      ...encodeInterleavedFrame(255, new Uint8Array([1, 2, 3])),
    ]);
    assert.deepEqual(parseOne(input), [
      request("SET_PARAMETER", "rtsp://h/s", [["CSeq", "9"], ["Content-Type", "text/parameters"], [
        "Content-Length",
        "6",
      ]], "a: 1\r\n"),
      response(454, "Session Not Found", [["CSeq", "9"]]),
      { kind: "frame", channel: 255, payload: [1, 2, 3] },
    ]);
  });
});

describe("RtspParser: invalid and truncated input", () => {
  const cases: [string, string, number][] = [
    ["invalid_bare_lf.txt", "MISSING_CR", 400],
    ["invalid_content_length.txt", "INVALID_CONTENT_LENGTH", 400],
    ["invalid_body_too_large.txt", "BODY_TOO_LARGE", 413],
    ["invalid_fragment_url.txt", "INVALID_URL", 400],
    ["invalid_http_scheme.txt", "INVALID_URL", 400],
    ["invalid_version.txt", "UNSUPPORTED_VERSION", 505],
    ["invalid_header_no_colon.txt", "INVALID_HEADER", 400],
  ];
  for (const [name, code, status] of cases) {
    it(`next() throws a fatal ${code} on ${name}`, () => {
      const result = feedAllWays(fixture(name));
      assert.deepEqual(result.messages, [{ kind: "error", code, fatal: true }]);
      const parser = new RtspParser();
      parser.push(fixture(name));
      assert.throws(() => parser.next(), (e) => {
        assert.ok(e instanceof ParseError);
        assert.equal(e.code, code);
        assert.equal(e.status, status);
        assert.equal(e.fatal, true);
        return true;
      });
    });
  }
  it("next() keeps throwing the same error after a fatal one, and push() too", () => {
    const parser = new RtspParser();
    parser.push(fixture("invalid_version.txt"));
    let first: unknown;
    try {
      parser.next();
    } catch (error) {
      first = error;
    }
    assert.ok(first instanceof ParseError);
    assert.throws(() => parser.next(), (e) => e === first);
    assert.throws(() => parser.push(crlf("OPTIONS * RTSP/1.0", "")), (e) => e === first);
  });
  it("next() waits on a truncated DESCRIBE, ANNOUNCE body and frame (EOF is the caller's business)", () => {
    for (
      const name of ["truncated_describe.txt", "truncated_announce_body.txt", "truncated_frame.bin"]
    ) {
      const input = fixture(name);
      const result = feedAllWays(input);
      assert.deepEqual(result.messages, [], name);
      if (name !== "truncated_describe.txt") assert.ok(result.buffered > 0, name);
    }
  });
  it("next() reports the offset of the failure", () => {
    const parser = new RtspParser();
    parser.push(crlf("OPTIONS * RTSP/1.0", "CSeq: 1", "", "OPTIONS * RTSP/1.0", "Bad Header", ""));
    assert.ok(parser.next());
    try {
      parser.next();
      assert.fail("expected a ParseError");
    } catch (error) {
      assert.ok(error instanceof ParseError);
      assert.equal(error.code, "INVALID_HEADER");
      assert.equal(error.offset, 51);
    }
  });
  it("next() counts offsets from the first byte ever pushed, across consumed and joined chunks", () => {
    const parser = new RtspParser();
    const first = crlf("OPTIONS * RTSP/1.0", "CSeq: 1", "");
    parser.push(first);
    assert.equal(parser.next()?.kind, "request");
    assert.equal(parser.next(), undefined);
    // A frame split over two chunks, then a request with a bad header line.
    parser.push(new Uint8Array([0x24, 0, 0, 3, 1]));
    assert.equal(parser.next(), undefined);
    const rest = crlf("OPTIONS * RTSP/1.0", "Bad Header", "");
    parser.push(new Uint8Array([2, 3, ...rest]));
    const frame = parser.next();
    assert.ok(frame?.kind === "frame");
    assert.deepEqual([...frame.payload], [1, 2, 3]);
    try {
      parser.next();
      assert.fail("expected a ParseError");
    } catch (error) {
      assert.ok(error instanceof ParseError);
      assert.equal(error.code, "INVALID_HEADER");
      // 7 bytes of frame, then the 20-byte request line before "Bad Header".
      assert.equal(error.offset, first.length + 7 + 20);
    }
  });
  it("next() gives each message only its own headers when one parser reads many", () => {
    const parser = new RtspParser();
    parser.push(crlf("SETUP rtsp://h/s RTSP/1.0", "CSeq: 2", "Transport: RTP/AVP", "X: 1", ""));
    parser.push(crlf("PLAY rtsp://h/s RTSP/1.0", "CSeq: 3", ""));
    const setup = parser.next();
    const play = parser.next();
    assert.ok(setup?.kind === "request" && play?.kind === "request");
    assert.deepEqual([...setup.request.headers], [["CSeq", "2"], ["Transport", "RTP/AVP"], [
      "X",
      "1",
    ]]);
    assert.deepEqual([...play.request.headers], [["CSeq", "3"]]);
  });
});

describe("RtspParser: limits (SPEC §8)", () => {
  function errorOf(input: Uint8Array, limits?: Partial<RtspParserLimits>): string | undefined {
    const last = feedAllWays(input, limits).messages.at(-1);
    return last?.kind === "error" ? last.code : undefined;
  }
  it("accepts a method of 63 bytes and rejects 64 (the limit includes the space)", () => {
    assert.equal(errorOf(crlf(`SE${"T".repeat(61)} * RTSP/1.0`, "")), undefined);
    assert.equal(errorOf(crlf(`SE${"T".repeat(62)} * RTSP/1.0`, "")), "METHOD_TOO_LONG");
  });
  it("accepts a URL of 2047 bytes and rejects 2048", () => {
    const base = "rtsp://h/";
    assert.equal(
      errorOf(crlf(`DESCRIBE ${base}${"a".repeat(2047 - base.length)} RTSP/1.0`, "")),
      undefined,
    );
    assert.equal(
      errorOf(crlf(`DESCRIBE ${base}${"a".repeat(2048 - base.length)} RTSP/1.0`, "")),
      "URL_TOO_LONG",
    );
  });
  it("rejects a start line without LF once it exceeds every field limit", () => {
    const parser = new RtspParser();
    parser.push(new TextEncoder().encode("DESCRIBE " + "a".repeat(3000)));
    assert.throws(
      () => parser.next(),
      (e) => e instanceof ParseError && e.code === "START_LINE_TOO_LONG",
    );
  });
  it("rejects a version over the limit", () => {
    assert.equal(
      errorOf(crlf("OPTIONS * RTSP/1.0", ""), { maxVersionBytes: 8 }),
      "VERSION_TOO_LONG",
    );
    assert.equal(errorOf(crlf("OPTIONS * RTSP/1.0", ""), { maxVersionBytes: 9 }), undefined);
  });
  it("accepts 255 header lines and rejects 256", () => {
    const lines = (n: number) => Array.from({ length: n }, (_, i) => `X-H${i}: ${i}`);
    assert.equal(errorOf(crlf("OPTIONS * RTSP/1.0", ...lines(255), "")), undefined);
    assert.equal(errorOf(crlf("OPTIONS * RTSP/1.0", ...lines(256), "")), "TOO_MANY_HEADERS");
  });
  it("accepts a header name of 511 bytes and rejects 512, complete or not", () => {
    assert.equal(errorOf(crlf("OPTIONS * RTSP/1.0", `X${"n".repeat(510)}: v`, "")), undefined);
    assert.equal(
      errorOf(crlf("OPTIONS * RTSP/1.0", `X${"n".repeat(511)}: v`, "")),
      "HEADER_NAME_TOO_LONG",
    );
    const parser = new RtspParser();
    parser.push(new TextEncoder().encode(`OPTIONS * RTSP/1.0\r\nX${"n".repeat(600)}`));
    assert.throws(
      () => parser.next(),
      (e) => e instanceof ParseError && e.code === "HEADER_NAME_TOO_LONG",
    );
  });
  it("accepts a header value of 2047 bytes and rejects 2048, complete or not", () => {
    assert.equal(errorOf(crlf("OPTIONS * RTSP/1.0", `X:${"v".repeat(2047)}`, "")), undefined);
    assert.equal(
      errorOf(crlf("OPTIONS * RTSP/1.0", `X:${"v".repeat(2048)}`, "")),
      "HEADER_VALUE_TOO_LONG",
    );
    const parser = new RtspParser();
    parser.push(new TextEncoder().encode(`OPTIONS * RTSP/1.0\r\nX: ${"v".repeat(3000)}`));
    assert.throws(
      () => parser.next(),
      (e) => e instanceof ParseError && e.code === "HEADER_VALUE_TOO_LONG",
    );
  });
  it("accepts Content-Length 131072 and rejects 131073 or a non-numeric value", () => {
    const parser = new RtspParser();
    parser.push(crlf("ANNOUNCE rtsp://h/s RTSP/1.0", "Content-Length: 131072", ""));
    assert.equal(parser.next(), undefined);
    parser.push(new Uint8Array(131072));
    const message = parser.next();
    assert.equal(message?.kind === "request" && message.request.body.length, 131072);
    assert.equal(
      errorOf(crlf("ANNOUNCE rtsp://h/s RTSP/1.0", "Content-Length: 131073", "")),
      "BODY_TOO_LARGE",
    );
    assert.equal(
      errorOf(crlf("ANNOUNCE rtsp://h/s RTSP/1.0", "Content-Length: -1", "")),
      "INVALID_CONTENT_LENGTH",
    );
    assert.equal(
      errorOf(crlf("ANNOUNCE rtsp://h/s RTSP/1.0", "Content-Length:", "")),
      "INVALID_CONTENT_LENGTH",
    );
    assert.equal(
      errorOf(crlf("ANNOUNCE rtsp://h/s RTSP/1.0", "Content-Length: 1", "Content-Length: 2", "")),
      "INVALID_CONTENT_LENGTH",
    );
  });
  it("push() rejects input beyond maxBufferedBytes", () => {
    const parser = new RtspParser({ maxBufferedBytes: 10 });
    parser.push(new Uint8Array([0x24, 0, 0, 20]));
    assert.throws(
      () => parser.push(new Uint8Array(7)),
      (e) => e instanceof ParseError && e.code === "BUFFER_OVERFLOW",
    );
  });
  it("constructor() rejects a limit that is not a positive integer", () => {
    assert.throws(() => new RtspParser({ maxBodyBytes: 0 }), RangeError);
    assert.throws(() => new RtspParser({ maxUrlBytes: 1.5 }), RangeError);
  });
  it("rejects control characters, invalid methods and status lines", () => {
    assert.equal(errorOf(crlf("OPTIONS * RTSP/1.0", "X: a\rb", "")), "INVALID_HEADER");
    assert.equal(errorOf(crlf("OPTIONS * RTSP/1.0", "X Y: a", "")), "INVALID_HEADER");
    assert.equal(errorOf(crlf("DE(SCRIBE * RTSP/1.0", "")), "INVALID_METHOD");
    assert.equal(errorOf(crlf("RTSP/1.0 20 OK", "")), "INVALID_STATUS_LINE");
    assert.equal(errorOf(crlf("RTSP/1.1 200 OK", "")), "UNSUPPORTED_VERSION");
    assert.equal(errorOf(crlf("OPTIONS", "")), "INVALID_START_LINE");
    assert.equal(errorOf(crlf("OPTIONS *", "")), "INVALID_START_LINE");
  });
});

describe("RtspParser: fuzzing", () => {
  const seeds = [
    fixture("ffmpeg_announce.txt"),
    fixture("ffmpeg_record_tcp.bin"),
    fixture("gst_setup_tcp.txt"),
    fixture("vlc_setup_digest.txt"),
    fixture("live555_response_describe.txt"),
  ];
  it("next() only throws ParseError and always finishes on 2000 random or mutated inputs", () => {
    const random = prng(0x5eed);
    const alphabet = new TextEncoder().encode("$\r\n :ADEGOPRSTNLU*/0123456789abcx\t\0");
    let errors = 0;
    let messages = 0;
    for (let i = 0; i < 2000; i++) {
      let input: Uint8Array;
      const mode = i % 3;
      if (mode === 0) {
        input = new Uint8Array(Math.floor(random() * 300));
        for (let j = 0; j < input.length; j++) input[j] = Math.floor(random() * 256);
      } else if (mode === 1) {
        input = new Uint8Array(Math.floor(random() * 300));
        for (let j = 0; j < input.length; j++) {
          input[j] = alphabet[Math.floor(random() * alphabet.length)];
        }
      } else {
        input = seeds[i % seeds.length].slice();
        const flips = 1 + Math.floor(random() * 4);
        for (let f = 0; f < flips; f++) {
          input[Math.floor(random() * input.length)] = Math.floor(random() * 256);
        }
      }
      const parser = new RtspParser({ maxBodyBytes: 1024 });
      let offset = 0;
      let steps = 0;
      try {
        while (offset < input.length) {
          const size = 1 + Math.floor(random() * 64);
          parser.push(input.subarray(offset, offset + size));
          offset += size;
          for (;;) {
            assert.ok(++steps < 10000, "parser does not make progress");
            if (parser.next() === undefined) break;
            messages++;
          }
        }
      } catch (error) {
        if (!(error instanceof ParseError)) throw error;
        assert.equal(error.fatal, true);
        errors++;
      }
    }
    assert.ok(errors > 100, `errors: ${errors}`);
    assert.ok(messages > 100, `messages: ${messages}`);
  });
});
