import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { md5, md5Hex } from "../../src/rtsp/md5.ts";
import { assertSameAsNodeCrypto } from "./_helpers.ts";

// RFC 1321 §A.5 test suite.
const RFC1321: [string, string][] = [
  ["", "d41d8cd98f00b204e9800998ecf8427e"],
  ["a", "0cc175b9c0f1b6a831c399e269772661"],
  ["abc", "900150983cd24fb0d6963f7d28e17f72"],
  ["message digest", "f96b697d7cb7938d525a2f31aaf161d0"],
  ["abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"],
  [
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
    "d174ab98d277d9f5a5611c2c9f419d9f",
  ],
  [
    "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
    "57edf4a22be3c955ac49da2e2107b67a",
  ],
];

describe("md5", () => {
  for (const [input, digest] of RFC1321) {
    it(`md5Hex() hashes "${input}" as in RFC 1321 §A.5`, () => {
      assert.equal(md5Hex(input), digest);
    });
  }
  it("md5Hex() hashes UTF-8 text", () => {
    assert.equal(md5Hex("caméra €"), createHash("md5").update("caméra €").digest("hex"));
  });
  it("md5() agrees with node:crypto on every length around the block boundaries", () => {
    assertSameAsNodeCrypto("md5", md5, 7);
  });
});
