import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { splitOutsideQuotes } from "../../src/bytes/split_outside_quotes.ts";

describe("splitOutsideQuotes", () => {
  const cases: [string, string, string[]][] = [
    ["", ";", [""]],
    ["a", ";", ["a"]],
    ["a;b;", ";", ["a", "b", ""]],
    ['mode="PLAY;RECORD";ttl=1', ";", ['mode="PLAY;RECORD"', "ttl=1"]],
    ['RTP/AVP;x="a,b",RTP/AVP/TCP', ",", ['RTP/AVP;x="a,b"', "RTP/AVP/TCP"]],
    // An unterminated quote keeps the rest of the text together rather than guessing.
    ['a;b="c;d', ";", ["a", 'b="c;d']],
  ];
  for (const [text, separator, expected] of cases) {
    it(`${JSON.stringify(text)} on ${JSON.stringify(separator)}`, () => {
      assert.deepEqual(splitOutsideQuotes(text, separator), expected);
    });
  }
});
