import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { RtspError } from "../../src/errors.ts";
import { readerPathAndQuery, setupPathQueryAndTrack } from "../../src/rtsp/path_rules.ts";
import { parseRtspUrl } from "../../src/rtsp/url.ts";

const setup = (url: string) => setupPathQueryAndTrack(parseRtspUrl(url));
const reader = (url: string) => readerPathAndQuery(parseRtspUrl(url));

describe("path_rules (SPEC §2.3)", () => {
  const setupCases: [string, string, { path: string; query?: string; trackId: string }][] = [
    ["(b) GStreamer form", "rtsp://h:8554/teststream/trackID=1", {
      path: "/teststream",
      trackId: "1",
    }],
    ["(a) ffmpeg query form", "rtsp://h:8554/teststream?x=1/trackID=1", {
      path: "/teststream",
      query: "x=1",
      trackId: "1",
    }],
    ["(b) GStreamer form with query", "rtsp://h:8554/teststream/trackID=1?x=1", {
      path: "/teststream",
      query: "x=1",
      trackId: "1",
    }],
    ["(d) no control, trailing slash", "rtsp://h:8554/teststream/", {
      path: "/teststream",
      trackId: "0",
    }],
    ["(c) query with trailing slash", "rtsp://h:8554/teststream?param=value/", {
      path: "/teststream",
      query: "param=value",
      trackId: "0",
    }],
    ["(b) empty path", "rtsp://h:8554/trackID=1", { path: "", trackId: "1" }],
    ["(b) double slash", "rtsp://h:8554//trackID=1", { path: "/", trackId: "1" }],
    ["(b) sub-path (scenario 14)", "rtsp://h:8554/test/stream/trackID=0", {
      path: "/test/stream",
      trackId: "0",
    }],
    ["(d) sub-path with trailing slash", "rtsp://h:8554/test/stream/", {
      path: "/test/stream",
      trackId: "0",
    }],
    ["(e) path /", "rtsp://h:8554/", { path: "/", trackId: "0" }],
    ["(e) empty path", "rtsp://h:8554", { path: "", trackId: "0" }],
    ["(a) last /trackID= of the query wins", "rtsp://h/s?a/trackID=2/trackID=3", {
      path: "/s",
      query: "a/trackID=2",
      trackId: "3",
    }],
    ["(b) last /trackID= of the path wins", "rtsp://h/a/trackID=2/trackID=3", {
      path: "/a/trackID=2",
      trackId: "3",
    }],
    ["(a) empty track ID", "rtsp://h/s?k=v/trackID=", { path: "/s", query: "k=v", trackId: "" }],
    [
      "(a) ffmpeg query form from fixture",
      "rtsp://127.0.0.1:8554/teststream?param=value/trackID=0",
      {
        path: "/teststream",
        query: "param=value",
        trackId: "0",
      },
    ],
    ["(b) VLC form", "rtsp://127.0.0.1:8554/teststream/trackID=0", {
      path: "/teststream",
      trackId: "0",
    }],
  ];
  for (const [name, url, expected] of setupCases) {
    it(`setupPathQueryAndTrack() handles ${name}: ${url}`, () => {
      assert.deepEqual(setup(url), expected);
    });
  }
  for (
    const url of [
      "rtsp://h/invalid",
      "rtsp://h/teststream/track1",
      "rtsp://h/s?k=v",
      "rtsp://h/trackid=1",
    ]
  ) {
    it(`setupPathQueryAndTrack() throws RtspError 400 on ${url} (case f, scenario 15)`, () => {
      assert.throws(() => setup(url), (e) => {
        assert.ok(e instanceof RtspError);
        assert.equal(e.status, 400);
        assert.equal(e.code, "INVALID_SETUP_PATH");
        assert.equal(e.close, true);
        return true;
      });
    });
  }
  const readerCases: [string, { path: string; query?: string }][] = [
    ["rtsp://h:8554/teststream", { path: "/teststream" }],
    ["rtsp://h:8554/teststream/", { path: "/teststream" }], // GStreamer PLAY
    ["rtsp://h:8554/teststream?param=value/", { path: "/teststream", query: "param=value" }], // ffmpeg PLAY
    ["rtsp://h:8554/teststream/?param=value/", { path: "/teststream/", query: "param=value" }],
    ["rtsp://h:8554/teststream?param=value", { path: "/teststream", query: "param=value" }],
    ["rtsp://h:8554/", { path: "/" }],
    ["rtsp://h:8554", { path: "" }],
    ["rtsp://h:8554/?/", { path: "/" }],
    ["rtsp://h:8554/test/stream/", { path: "/test/stream" }],
  ];
  for (const [url, expected] of readerCases) {
    it(`readerPathAndQuery() extracts ${JSON.stringify(expected)} from ${url}`, () => {
      assert.deepEqual(reader(url), expected);
    });
  }
  it("parseRtspUrl() gives ANNOUNCE its path and query as-is (scenario 49)", () => {
    const announce = parseRtspUrl("rtsp://h:8554/test/stream?testing=0");
    assert.equal(announce.path, "/test/stream");
    assert.equal(announce.query, "testing=0");
    const bare = parseRtspUrl("rtsp://h:8554");
    assert.equal(bare.path, "");
    assert.equal(bare.query, undefined);
  });
});
