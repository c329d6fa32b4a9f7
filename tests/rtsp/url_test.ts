import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ParseError } from "../../src/errors.ts";
import { parseRtspUrl, type RtspUrl } from "../../src/rtsp/url.ts";
import { fuzzText } from "./_helpers.ts";

const CASES: [string, Omit<RtspUrl, "href">][] = [
  [
    "rtsp://127.0.0.1:8554/teststream",
    {
      scheme: "rtsp",
      host: "127.0.0.1:8554",
      hostname: "127.0.0.1",
      port: 8554,
      path: "/teststream",
    },
  ],
  [
    "rtsp://srv:8554/cam?k=v",
    { scheme: "rtsp", host: "srv:8554", hostname: "srv", port: 8554, path: "/cam", query: "k=v" },
  ],
  [
    "rtsps://cam.example.com/live/stream?x=1/trackID=0",
    {
      scheme: "rtsps",
      host: "cam.example.com",
      hostname: "cam.example.com",
      path: "/live/stream",
      query: "x=1/trackID=0",
    },
  ],
  ["RTSP://h", { scheme: "rtsp", host: "h", hostname: "h", path: "" }],
  ["rtsp://h:8554", { scheme: "rtsp", host: "h:8554", hostname: "h", port: 8554, path: "" }],
  ["rtsp://h:8554/", { scheme: "rtsp", host: "h:8554", hostname: "h", port: 8554, path: "/" }],
  ["rtsp://h?x", { scheme: "rtsp", host: "h", hostname: "h", path: "", query: "x" }],
  ["rtsp://h/s?", { scheme: "rtsp", host: "h", hostname: "h", path: "/s" }],
  ["rtsp://[::1]:8554/s", {
    scheme: "rtsp",
    host: "[::1]:8554",
    hostname: "::1",
    port: 8554,
    path: "/s",
  }],
  ["rtsp://[fe80::1%25eth0]/s", {
    scheme: "rtsp",
    host: "[fe80::1%25eth0]",
    hostname: "fe80::1%25eth0",
    path: "/s",
  }],
  ["rtsp://[2001:db8::7]", {
    scheme: "rtsp",
    host: "[2001:db8::7]",
    hostname: "2001:db8::7",
    path: "",
  }],
  [
    "rtsp://user:p%40ss@h:554/my%20cam/%E2%82%AC?a=%20b",
    { scheme: "rtsp", host: "h:554", hostname: "h", port: 554, path: "/my cam/€", query: "a=%20b" },
  ],
  ["rtsp://h:/s", { scheme: "rtsp", host: "h:", hostname: "h", path: "/s" }],
  ["rtsp://h//trackID=1", { scheme: "rtsp", host: "h", hostname: "h", path: "//trackID=1" }],
];

describe("url", () => {
  for (const [href, expected] of CASES) {
    it(`parseRtspUrl() parses ${href}`, () => {
      assert.deepEqual(parseRtspUrl(href), { ...expected, href });
    });
  }
  const invalid: [string, string][] = [
    ["http://h/s", "a http scheme"],
    ["rtspu://h/s", "the rtspu scheme"],
    ["/s", "a relative URL"],
    ["*", "an asterisk"],
    ["rtsp://h/s#frag", "a fragment"],
    ["rtsp://h/s?x#", "an empty fragment"],
    ["rtsp:///s", "an empty host"],
    ["rtsp://h:99999/s", "a port over 65535"],
    ["rtsp://h:8a/s", "a non-numeric port"],
    ["rtsp://[::1/s", "an unterminated IPv6 address"],
    ["rtsp://[::1]x/s", "garbage after an IPv6 address"],
    ["rtsp://[zz]/s", "an invalid IPv6 address"],
    ["rtsp://h/a b", "a space"],
    ["rtsp://h/a\u0001", "a control character"],
    ["rtsp://h/%E2%82", "bad percent-encoding"],
    ["rtsp://h<x>/s", "an invalid host"],
  ];
  for (const [url, name] of invalid) {
    it(`parseRtspUrl() throws ParseError on ${name}`, () => {
      assert.throws(
        () => parseRtspUrl(url),
        (e) => e instanceof ParseError && e.code === "INVALID_URL" && !e.fatal,
      );
    });
  }
  it("parseRtspUrl() only throws ParseError on 2000 random inputs", () => {
    const tokens = [
      "rtsp://",
      "rtsps://",
      "h",
      "[",
      "]",
      ":",
      "::1",
      "8554",
      "/",
      "?",
      "#",
      "%",
      "%2",
      "%20",
      "@",
      " ",
      "a",
      "\u00e9",
    ];
    assert.ok(fuzzText(6, tokens, (t) => parseRtspUrl(t)) > 10);
  });
});
