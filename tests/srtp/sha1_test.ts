import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { Sha1 } from "../../src/srtp/sha1.ts";
import { encodeHex } from "../../src/bytes/mod.ts";

const text = new TextEncoder();

describe("Sha1", () => {
  it("digest() matches FIPS 180-2 Appendix A.1 and A.2", () => {
    const a = new Sha1();
    a.update(text.encode("abc"));
    assert.equal(encodeHex(a.digest()), "a9993e364706816aba3e25717850c26c9cd0d89d");
    const b = new Sha1();
    b.update(text.encode("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"));
    assert.equal(encodeHex(b.digest()), "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  });

  it("update() in arbitrary pieces agrees with node:crypto", () => {
    for (const length of [0, 55, 56, 63, 64, 65, 119, 1000]) {
      const data = new Uint8Array(randomBytes(length));
      const h = new Sha1();
      for (let p = 0; p < length;) {
        const n = Math.min(length - p, 1 + ((p * 7) % 70));
        h.update(data, p, p + n);
        p += n;
      }
      assert.equal(encodeHex(h.digest()), createHash("sha1").update(data).digest("hex"));
    }
  });
});
