import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ParseError } from "../../src/errors.ts";
import { formatSessionHeader, parseSessionHeader } from "../../src/rtsp/session_header.ts";
import { fuzzText } from "./_helpers.ts";

describe("session_header", () => {
  const cases: [string, { id: string; timeoutSeconds?: number }][] = [
    ["12345678", { id: "12345678" }], // RFC 2326 §14.1
    ["0456804596", { id: "0456804596" }], // RFC 2326 §14.4
    ["47112344;timeout=60", { id: "47112344", timeoutSeconds: 60 }], // RFC 2326 §12.37
    ["0d9f2e8c4b6a41d3a5e7f90123456789;timeout=55", {
      id: "0d9f2e8c4b6a41d3a5e7f90123456789",
      timeoutSeconds: 55,
    }],
    [" abc ; Timeout = 5 ; foo=bar", { id: "abc", timeoutSeconds: 5 }],
    ["A-b_c.d+e$;x", { id: "A-b_c.d+e$" }],
  ];
  for (const [value, expected] of cases) {
    it(`parseSessionHeader() parses "${value}"`, () => {
      assert.deepEqual(parseSessionHeader(value), expected);
      assert.deepEqual(
        parseSessionHeader(formatSessionHeader(expected.id, expected.timeoutSeconds)),
        expected,
      );
    });
  }
  it("formatSessionHeader() writes the id and the timeout (SPEC §2.4)", () => {
    assert.equal(
      formatSessionHeader("0d9f2e8c4b6a41d3a5e7f90123456789", 55),
      "0d9f2e8c4b6a41d3a5e7f90123456789;timeout=55",
    );
    assert.equal(formatSessionHeader("abc"), "abc");
    assert.throws(() => formatSessionHeader(""), TypeError);
    assert.throws(() => formatSessionHeader("a;b"), TypeError);
    assert.throws(() => formatSessionHeader("a", -1), RangeError);
  });
  for (
    const value of ["", " ", ";timeout=5", "a b", "abc;timeout=", "abc;timeout=x", "abc;timeout=-1"]
  ) {
    it(`parseSessionHeader() throws ParseError on "${value}"`, () => {
      assert.throws(
        () => parseSessionHeader(value),
        (e) => e instanceof ParseError && e.code === "INVALID_SESSION" && !e.fatal,
      );
    });
  }
  it("parseSessionHeader() only throws ParseError on 2000 random inputs", () => {
    assert.ok(fuzzText(3, "abc012;=timeout $-_ \t", (t) => parseSessionHeader(t)) > 0);
  });
});
