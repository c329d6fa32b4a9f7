import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { decodeBase64, encodeBase64 } from "../../src/bytes/base64.ts";

const encoder = new TextEncoder();

// RFC 4648 §10 test vectors.
const RFC4648_VECTORS: [string, string][] = [
  ["", ""],
  ["f", "Zg=="],
  ["fo", "Zm8="],
  ["foo", "Zm9v"],
  ["foob", "Zm9vYg=="],
  ["fooba", "Zm9vYmE="],
  ["foobar", "Zm9vYmFy"],
];

describe("base64", () => {
  for (const [plain, encoded] of RFC4648_VECTORS) {
    it(`encodeBase64() encodes "${plain}" as in RFC 4648 §10`, () => {
      assert.equal(encodeBase64(encoder.encode(plain)), encoded);
    });
    it(`decodeBase64() decodes "${encoded}" as in RFC 4648 §10`, () => {
      assert.deepEqual(decodeBase64(encoded), encoder.encode(plain));
    });
  }
  it("decodeBase64() rejects a character outside the alphabet", () => {
    assert.throws(() => decodeBase64("Zm9v*"), SyntaxError);
  });
  it("decodeBase64() round-trips every byte value", () => {
    const all = new Uint8Array(256).map((_, i) => i);
    assert.deepEqual(decodeBase64(encodeBase64(all)), all);
  });
});
