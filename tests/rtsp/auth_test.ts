import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ParseError } from "../../src/errors.ts";
import {
  type AuthMethod,
  formatWwwAuthenticate,
  parseAuthorization,
  timingSafeEqual,
  verifyAuthorization,
  type VerifyAuthorizationOptions,
} from "../../src/rtsp/auth.ts";
import { md5Hex } from "../../src/rtsp/md5.ts";
import { sha256Hex } from "../../src/rtsp/sha256.ts";
import { RtspParser } from "../../src/rtsp/parser.ts";
import { fixture, fuzzText } from "./_helpers.ts";

const ALL: AuthMethod[] = ["basic", "digest-md5", "digest-sha256"];

// RFC 2617 §3.5.
const RFC2617 = 'Digest username="Mufasa",\n' +
  '                 realm="testrealm@host.com",\n' +
  '                 nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093",\n' +
  '                 uri="/dir/index.html",\n' +
  "                 qop=auth,\n" +
  "                 nc=00000001,\n" +
  '                 cnonce="0a4f113b",\n' +
  '                 response="6629fae49393a05397450978507c4ef1",\n' +
  '                 opaque="5ccc069c403ebaf9f0171e9517f40e41"';

// RFC 7616 §3.9.1, SHA-256 variant.
const RFC7616 = 'Digest username="Mufasa", realm="http-auth@example.org", uri="/dir/index.html", ' +
  'algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", nc=00000001, ' +
  'cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", qop=auth, ' +
  'response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1", ' +
  'opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"';

function digest(
  hash: (s: string) => string,
  o: { method: string; uri: string; user?: string; pass?: string; nonce?: string; realm?: string },
): string {
  const ha1 = hash(`${o.user ?? "myuser"}:${o.realm ?? "ipcam"}:${o.pass ?? "mypass"}`);
  return hash(`${ha1}:${o.nonce ?? "nonce1"}:${hash(`${o.method}:${o.uri}`)}`);
}

function opts(over: Partial<VerifyAuthorizationOptions> = {}): VerifyAuthorizationOptions {
  return {
    method: "ANNOUNCE",
    url: "rtsp://127.0.0.1:8554/live?k=v",
    user: "myuser",
    pass: "mypass",
    realm: "ipcam",
    nonce: "nonce1",
    allowed: ALL,
    ...over,
  };
}

function digestHeader(uri: string, response: string, extra = ""): string {
  return `Digest username="myuser", realm="ipcam", nonce="nonce1", uri="${uri}", response="${response}"${extra}`;
}

describe("auth: parseAuthorization()", () => {
  it("parses Basic credentials", () => {
    assert.deepEqual(parseAuthorization("Basic bXl1c2VyOm15cGFzcw=="), {
      scheme: "basic",
      user: "myuser",
      pass: "mypass",
    });
    assert.deepEqual(parseAuthorization("basic   dTo="), { scheme: "basic", user: "u", pass: "" });
    assert.deepEqual(parseAuthorization("Basic OnA="), { scheme: "basic", user: "", pass: "p" });
  });
  it("parses the RFC 2617 §3.5 example", () => {
    assert.deepEqual(parseAuthorization(RFC2617), {
      scheme: "digest",
      username: "Mufasa",
      realm: "testrealm@host.com",
      nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093",
      uri: "/dir/index.html",
      response: "6629fae49393a05397450978507c4ef1",
      qop: "auth",
      nc: "00000001",
      cnonce: "0a4f113b",
      opaque: "5ccc069c403ebaf9f0171e9517f40e41",
    });
  });
  it("parses the RFC 7616 §3.9.1 SHA-256 example", () => {
    assert.deepEqual(parseAuthorization(RFC7616), {
      scheme: "digest",
      username: "Mufasa",
      realm: "http-auth@example.org",
      nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
      uri: "/dir/index.html",
      response: "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1",
      algorithm: "SHA-256",
      qop: "auth",
      nc: "00000001",
      cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
      opaque: "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS",
    });
  });
  it("parses escapes, a comma inside quotes and algorithm=md5", () => {
    assert.deepEqual(
      parseAuthorization(
        'DIGEST username="a\\"b", realm="r,1",nonce=n, uri="u",response="x", algorithm=md5',
      ),
      {
        scheme: "digest",
        username: 'a"b',
        realm: "r,1",
        nonce: "n",
        uri: "u",
        response: "x",
        algorithm: "MD5",
      },
    );
  });
  const invalid: [string, string][] = [
    ["an empty value", ""],
    ["an unknown scheme", "Bearer abc"],
    ["Basic without credentials", "Basic"],
    ["Basic with bad base64", "Basic ***"],
    ["Basic without colon", "Basic dXNlcg=="],
    ["Basic with two colons", "Basic YTpiOmM="],
    ["Digest without response", 'Digest username="u", realm="r", nonce="n", uri="u"'],
    ["Digest with an unterminated quote", 'Digest username="u'],
    ["Digest with a parameter without '='", "Digest username"],
    [
      "Digest with MD5-sess",
      'Digest username="u", realm="r", nonce="n", uri="u", response="x", algorithm=MD5-sess',
    ],
    ["Digest with garbage after a quoted value", 'Digest username="u"x, realm="r"'],
  ];
  for (const [name, value] of invalid) {
    it(`throws ParseError on ${name}`, () => {
      assert.throws(
        () => parseAuthorization(value),
        (e) => e instanceof ParseError && e.code === "INVALID_AUTHORIZATION",
      );
    });
  }
  it("only throws ParseError on 2000 random inputs", () => {
    const tokens = [
      "Digest ",
      "Basic ",
      "username",
      "realm",
      "nonce",
      "uri",
      "response",
      "=",
      '"',
      ",",
      " ",
      "\\",
      "a",
      "YTpi",
      "==",
    ];
    fuzzText(9, tokens, (t) => parseAuthorization(t));
  });
});

describe("auth: formatWwwAuthenticate()", () => {
  it("formats the challenges of SPEC §7.1", () => {
    const nonce = "0123456789abcdef0123456789abcdef";
    assert.equal(formatWwwAuthenticate("basic", "ipcam", nonce), 'Basic realm="ipcam"');
    assert.equal(
      formatWwwAuthenticate("digest-md5", "ipcam", nonce),
      `Digest realm="ipcam", nonce="${nonce}", algorithm="MD5"`,
    );
    assert.equal(
      formatWwwAuthenticate("digest-sha256", "ipcam", nonce),
      `Digest realm="ipcam", nonce="${nonce}", algorithm="SHA-256"`,
    );
  });
  it("appends stale=true to digest challenges only", () => {
    assert.equal(
      formatWwwAuthenticate("digest-md5", "ipcam", "n", true),
      'Digest realm="ipcam", nonce="n", algorithm="MD5", stale=true',
    );
    assert.equal(
      formatWwwAuthenticate("digest-md5", "ipcam", "n", false),
      'Digest realm="ipcam", nonce="n", algorithm="MD5"',
    );
    assert.equal(formatWwwAuthenticate("basic", "ipcam", "n", true), 'Basic realm="ipcam"');
  });
  it("escapes quotes in the realm", () => {
    assert.equal(formatWwwAuthenticate("basic", 'a"b', "n"), 'Basic realm="a\\"b"');
  });
});

describe("auth: verifyAuthorization() (SPEC §7.1)", () => {
  it("verifies the RFC 2617 §3.5 example (qop=auth, MD5)", () => {
    const o = opts({
      method: "GET",
      url: "rtsp://www.nowhere.org/dir/index.html",
      user: "Mufasa",
      pass: "Circle Of Life",
      realm: "testrealm@host.com",
      nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093",
    });
    assert.equal(verifyAuthorization(RFC2617, o), true);
    assert.equal(verifyAuthorization(RFC2617, { ...o, pass: "Circle of Life" }), false);
  });
  it("verifies the RFC 7616 §3.9.1 example (qop=auth, SHA-256)", () => {
    const o = opts({
      method: "GET",
      url: "rtsp://www.example.org/dir/index.html",
      user: "Mufasa",
      pass: "Circle of Life",
      realm: "http-auth@example.org",
      nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
    });
    assert.equal(verifyAuthorization(RFC7616, o), true);
    assert.equal(verifyAuthorization(RFC7616, { ...o, allowed: ["basic", "digest-md5"] }), false);
    // The MD5 variant of the same RFC 7616 example.
    const md5Variant = RFC7616.replace("algorithm=SHA-256", "algorithm=MD5")
      .replace(/response="[0-9a-f]+"/, 'response="8ca523f5e9506fed4657c9700eebdbec"');
    assert.equal(verifyAuthorization(md5Variant, o), true);
  });
  it("verifies Basic credentials, given parsed or raw", () => {
    assert.equal(verifyAuthorization("Basic bXl1c2VyOm15cGFzcw==", opts()), true);
    assert.equal(
      verifyAuthorization({ scheme: "basic", user: "myuser", pass: "mypass" }, opts()),
      true,
    );
    assert.equal(
      verifyAuthorization({ scheme: "basic", user: "myuser", pass: "wrong" }, opts()),
      false,
    );
    assert.equal(
      verifyAuthorization({ scheme: "basic", user: "other", pass: "mypass" }, opts()),
      false,
    );
    assert.equal(
      verifyAuthorization("Basic bXl1c2VyOm15cGFzcw==", opts({ allowed: ["digest-md5"] })),
      false,
    );
  });
  it("verifies digest without qop against the full URL, and MD5 when the algorithm is absent", () => {
    const uri = "rtsp://127.0.0.1:8554/live?k=v";
    assert.equal(
      verifyAuthorization(digestHeader(uri, digest(md5Hex, { method: "ANNOUNCE", uri })), opts()),
      true,
    );
    const sha = digest(sha256Hex, { method: "ANNOUNCE", uri });
    assert.equal(verifyAuthorization(digestHeader(uri, sha, ", algorithm=SHA-256"), opts()), true);
    assert.equal(
      verifyAuthorization(
        digestHeader(uri, sha, ", algorithm=SHA-256"),
        opts({ allowed: ["digest-md5"] }),
      ),
      false,
    );
    assert.equal(
      verifyAuthorization(
        digestHeader(uri, digest(md5Hex, { method: "ANNOUNCE", uri })),
        opts({ allowed: ["basic"] }),
      ),
      false,
    );
    assert.equal(
      verifyAuthorization(
        digestHeader(uri, digest(md5Hex, { method: "ANNOUNCE", uri }).toUpperCase()),
        opts(),
      ),
      true,
    );
  });
  it("verifies digest against the relative path and query of the URL", () => {
    const uri = "/live?k=v";
    assert.equal(
      verifyAuthorization(digestHeader(uri, digest(md5Hex, { method: "ANNOUNCE", uri })), opts()),
      true,
    );
    const bare = opts({ url: "rtsp://127.0.0.1:8554" });
    assert.equal(
      verifyAuthorization(
        digestHeader("/", digest(md5Hex, { method: "ANNOUNCE", uri: "/" })),
        bare,
      ),
      true,
    );
  });
  it("accepts the base URL for SETUP of a …/trackID=N URL only (VLC, HappyTime)", () => {
    const url = "rtsp://127.0.0.1:8554/teststream/trackID=0";
    for (
      const uri of [
        "rtsp://127.0.0.1:8554/teststream",
        "rtsp://127.0.0.1:8554/teststream/",
        "/teststream",
        url,
      ]
    ) {
      const header = digestHeader(uri, digest(md5Hex, { method: "SETUP", uri }));
      assert.equal(verifyAuthorization(header, opts({ method: "SETUP", url })), true, uri);
    }
    const uri = "rtsp://127.0.0.1:8554/teststream";
    const play = digestHeader(uri, digest(md5Hex, { method: "PLAY", uri }));
    assert.equal(verifyAuthorization(play, opts({ method: "PLAY", url })), false);
  });
  it("verifies the captured VLC SETUP with Digest", () => {
    const parser = new RtspParser();
    parser.push(fixture("vlc_setup_digest.txt"));
    const message = parser.next();
    assert.ok(message?.kind === "request");
    const { request } = message;
    const o = opts({
      method: request.method,
      url: request.url,
      nonce: "0123456789abcdef0123456789abcdef",
    });
    assert.equal(verifyAuthorization(request.headers.get("Authorization"), o), true);
    assert.equal(
      verifyAuthorization(request.headers.get("Authorization"), { ...o, pass: "x" }),
      false,
    );
  });
  it("refuses a wrong realm, nonce, user, URI, response or qop", () => {
    const uri = "rtsp://127.0.0.1:8554/live?k=v";
    const good = digest(md5Hex, { method: "ANNOUNCE", uri });
    assert.equal(verifyAuthorization(digestHeader(uri, good), opts({ realm: "other" })), false);
    assert.equal(verifyAuthorization(digestHeader(uri, good), opts({ nonce: "nonce2" })), false);
    assert.equal(verifyAuthorization(digestHeader(uri, good), opts({ user: "other" })), false);
    assert.equal(verifyAuthorization(digestHeader(uri, good), opts({ method: "RECORD" })), false);
    assert.equal(
      verifyAuthorization(digestHeader("rtsp://127.0.0.1:8554/other", good), opts()),
      false,
    );
    assert.equal(verifyAuthorization(digestHeader(uri, "0".repeat(32)), opts()), false);
    assert.equal(
      verifyAuthorization(digestHeader(uri, good, ", qop=auth-int, nc=1, cnonce=c"), opts()),
      false,
    );
    assert.equal(verifyAuthorization(digestHeader(uri, good, ", qop=auth"), opts()), false);
  });
  it('never verifies an expected user "", a missing or an unparseable header', () => {
    assert.equal(
      verifyAuthorization({ scheme: "basic", user: "", pass: "" }, opts({ user: "", pass: "" })),
      false,
    );
    assert.equal(verifyAuthorization("Basic Og==", opts({ user: "", pass: "" })), false);
    assert.equal(verifyAuthorization(undefined, opts()), false);
    assert.equal(verifyAuthorization("Basic ***", opts()), false);
    assert.equal(verifyAuthorization("", opts()), false);
  });
});

describe("auth: timingSafeEqual()", () => {
  const cases: [string, string, boolean][] = [
    ["", "", true],
    ["mypass", "mypass", true],
    ["Mufasa", "Mufasa", true],
    ["6629fae49393a05397450978507c4ef1", "6629fae49393a05397450978507c4ef1", true],
    ["pässwörd 🔑", "pässwörd 🔑", true],
    ["mypass", "xypass", false],
    ["mypass", "mypasx", false],
    ["mypass", "myPass", false],
    ["mypass", "mypass2", false],
    ["mypass", "mypas", false],
    ["mypass", "", false],
    ["", "mypass", false],
    ["a", "\0", false],
    ["a\0", "a", false],
    ["6629fae49393a05397450978507c4ef1", "6629fae49393a05397450978507c4ef0", false],
    ["6629fae49393a05397450978507c4ef1", "7629fae49393a05397450978507c4ef1", false],
    ["pässwörd 🔑", "pässwörd 🔒", false],
  ];
  for (const [a, b, equal] of cases) {
    it(`returns ${equal} for ${JSON.stringify(a)} and ${JSON.stringify(b)}, both ways`, () => {
      assert.equal(timingSafeEqual(a, b), equal);
      assert.equal(timingSafeEqual(b, a), equal);
      assert.equal(timingSafeEqual(a, b), a === b);
    });
  }

  it("agrees with === on 2000 random pairs that differ at every position", () => {
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) >>> 0) % 4;
    for (let i = 0; i < 2000; i++) {
      const a = Array.from({ length: 1 + next() * 3 }, () => "ab\0\u00e9"[next()]).join("");
      const b = next() === 0
        ? a
        : Array.from({ length: 1 + next() * 3 }, () => "ab\0\u00e9"[next()]).join("");
      assert.equal(timingSafeEqual(a, b), a === b, `${JSON.stringify(a)} ${JSON.stringify(b)}`);
    }
  });

  it("verifyAuthorization() refuses a Basic user or password that differs in its last character only", () => {
    const opts = { ...OPTS_FOR_TIMING, allowed: ALL };
    assert.equal(verifyAuthorization("Basic " + btoa("myuser:mypass"), opts), true);
    assert.equal(verifyAuthorization("Basic " + btoa("myusex:mypass"), opts), false);
    assert.equal(verifyAuthorization("Basic " + btoa("myuser:mypasx"), opts), false);
    assert.equal(verifyAuthorization("Basic " + btoa("myuser:mypass\0"), opts), false);
  });
});

const OPTS_FOR_TIMING: VerifyAuthorizationOptions = {
  method: "DESCRIBE",
  url: "rtsp://h/live",
  user: "myuser",
  pass: "mypass",
  realm: "ipcam",
  nonce: "n",
  allowed: ALL,
};
