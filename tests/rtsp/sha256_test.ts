import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sha256, sha256Hex } from "../../src/rtsp/sha256.ts";
import { assertSameAsNodeCrypto } from "./_helpers.ts";

// FIPS 180-2 Appendix B and the NIST example values for the empty message.
const FIPS180: [string, string, string][] = [
  ["the empty message", "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
  ['"abc" (B.1)', "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"],
  [
    "the two-block message (B.2)",
    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
  ],
  [
    'one million "a" (B.3)',
    "a".repeat(1000000),
    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
  ],
];

describe("sha256", () => {
  for (const [name, input, digest] of FIPS180) {
    it(`sha256Hex() hashes ${name} as in FIPS 180-2`, () => {
      assert.equal(sha256Hex(input), digest);
    });
  }
  it("sha256() agrees with node:crypto on every length around the block boundaries", () => {
    assertSameAsNodeCrypto("sha256", sha256, 8);
  });
});
