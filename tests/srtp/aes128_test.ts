import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createCipheriv, randomBytes } from "node:crypto";
import { Aes128 } from "../../src/srtp/aes128.ts";
import { decodeHex, encodeHex } from "../../src/bytes/mod.ts";

describe("Aes128", () => {
  it("encryptBlock() matches FIPS-197 Appendix C.1", () => {
    const aes = new Aes128(decodeHex("000102030405060708090a0b0c0d0e0f"));
    const out = new Uint8Array(16);
    aes.encryptBlock(decodeHex("00112233445566778899aabbccddeeff"), out);
    assert.equal(encodeHex(out), "69c4e0d86a7b0430d8cdb78070b4c55a");
  });

  it("encryptBlock() matches FIPS-197 Appendix B", () => {
    const aes = new Aes128(decodeHex("2b7e151628aed2a6abf7158809cf4f3c"));
    const block = decodeHex("3243f6a8885a308d313198a2e0370734");
    aes.encryptBlock(block, block);
    assert.equal(encodeHex(block), "3925841d02dc09fbdc118597196a0b32");
  });

  it("encryptBlock() agrees with node:crypto aes-128-ecb on random keys", () => {
    for (let i = 0; i < 50; i++) {
      const key = new Uint8Array(randomBytes(16));
      const block = new Uint8Array(randomBytes(16));
      const cipher = createCipheriv("aes-128-ecb", key, null);
      cipher.setAutoPadding(false);
      const expected = new Uint8Array(cipher.update(block));
      const out = new Uint8Array(16);
      new Aes128(key).encryptBlock(block, out);
      assert.deepEqual(out, expected);
    }
  });

  it("constructor rejects a key that is not 16 bytes", () => {
    assert.throws(() => new Aes128(new Uint8Array(24)), RangeError);
  });
});
