import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { canonicalHeaderName, RtspHeaders } from "../../src/rtsp/headers.ts";

describe("RtspHeaders", () => {
  it("canonicalHeaderName() spells RFC 2326 names and capitalises others", () => {
    const cases: [string, string][] = [
      ["cseq", "CSeq"],
      ["CSEQ", "CSeq"],
      ["www-authenticate", "WWW-Authenticate"],
      ["rtp-info", "RTP-Info"],
      ["content-base", "Content-Base"],
      ["CONTENT-LENGTH", "Content-Length"],
      ["keymgmt", "KeyMgmt"],
      ["session", "Session"],
      ["x-sessioncookie", "X-Sessioncookie"],
      ["sec-websocket-protocol", "Sec-WebSocket-Protocol"],
      ["user-agent", "User-Agent"],
    ];
    for (const [input, expected] of cases) assert.equal(canonicalHeaderName(input), expected);
  });
  it("get() and has() ignore case; get() returns the first value", () => {
    const headers = new RtspHeaders([["CSeq", "1"], ["cseq", "2"]]);
    assert.equal(headers.get("CSEQ"), "1");
    assert.equal(headers.has("cSeQ"), true);
    assert.equal(headers.has("Session"), false);
    assert.equal(headers.get("Session"), undefined);
    assert.deepEqual(headers.getAll("cseq"), ["1", "2"]);
    assert.deepEqual(headers.getAll("session"), []);
    assert.equal(headers.size, 2);
  });
  it("entries() yields canonical names in insertion order", () => {
    const headers = new RtspHeaders({
      "rtp-info": "url=x",
      cseq: "4",
      "content-base": "rtsp://h/",
    });
    headers.append("www-authenticate", 'Basic realm="ipcam"');
    assert.deepEqual([...headers.entries()], [
      ["RTP-Info", "url=x"],
      ["CSeq", "4"],
      ["Content-Base", "rtsp://h/"],
      ["WWW-Authenticate", 'Basic realm="ipcam"'],
    ]);
    assert.deepEqual([...headers], [...headers.entries()]);
  });
  it("set() replaces every value at the position of the first", () => {
    const headers = new RtspHeaders([["A", "1"], ["B", "2"], ["a", "3"], ["C", "4"]]);
    headers.set("a", "9");
    assert.deepEqual([...headers], [["A", "9"], ["B", "2"], ["C", "4"]]);
    headers.set("D", "5");
    assert.deepEqual([...headers].at(-1), ["D", "5"]);
  });
  it("delete() removes every value", () => {
    const headers = new RtspHeaders([["A", "1"], ["B", "2"], ["a", "3"]]);
    headers.delete("A");
    assert.deepEqual([...headers], [["B", "2"]]);
    headers.delete("missing");
    assert.equal(headers.size, 1);
  });
  it("constructor() copies another RtspHeaders", () => {
    const source = new RtspHeaders([["CSeq", "1"], ["Session", "abc"]]);
    const copy = new RtspHeaders(source);
    copy.set("CSeq", "2");
    assert.equal(source.get("CSeq"), "1");
    assert.deepEqual([...copy], [["CSeq", "2"], ["Session", "abc"]]);
  });
  it("append() and set() reject invalid names and values with CR, LF or NUL", () => {
    const headers = new RtspHeaders();
    assert.throws(() => headers.append("", "x"), TypeError);
    assert.throws(() => headers.append("Bad Name", "x"), TypeError);
    assert.throws(() => headers.append("X:", "x"), TypeError);
    assert.throws(() => headers.set("X", "a\r\nInjected: 1"), TypeError);
    assert.throws(() => headers.append("X", "a\nb"), TypeError);
    assert.throws(() => headers.append("X", "a\0b"), TypeError);
    assert.throws(() => new RtspHeaders({ "X Y": "1" }), TypeError);
    assert.equal(headers.size, 0);
  });
});
