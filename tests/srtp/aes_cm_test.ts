import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createCipheriv, randomBytes } from "node:crypto";
import { Aes128 } from "../../src/srtp/aes128.ts";
import { applyAesCm } from "../../src/srtp/aes_cm.ts";
import { decodeHex, encodeHex } from "../../src/bytes/mod.ts";

function words(iv: Uint8Array): Int32Array {
  const w = new Int32Array(4);
  for (let i = 0; i < 4; i++) {
    w[i] = (iv[4 * i] << 24) | (iv[4 * i + 1] << 16) | (iv[4 * i + 2] << 8) | iv[4 * i + 3];
  }
  return w;
}

describe("applyAesCm", () => {
  it("produces the keystream of RFC 3711 Appendix B.2", () => {
    const aes = new Aes128(decodeHex("2B7E151628AED2A6ABF7158809CF4F3C"));
    const data = new Uint8Array(48);
    applyAesCm(aes, words(decodeHex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000")), data, 0, 48);
    assert.equal(
      encodeHex(data),
      "e03ead0935c95e80e166b16dd92b4eb4" + "d23513162b02d0f72a43a2fe4a5f97ab" +
        "41e95b3bb0a2e8dd477901e4fca894c0",
    );
  });

  it("agrees with node:crypto aes-128-ctr for partial blocks and offsets", () => {
    for (const length of [0, 1, 15, 16, 17, 100, 1400]) {
      const key = new Uint8Array(randomBytes(16));
      const iv = new Uint8Array(randomBytes(16));
      iv[14] = 0;
      iv[15] = 0;
      const plain = new Uint8Array(randomBytes(length));
      const expected = new Uint8Array(createCipheriv("aes-128-ctr", key, iv).update(plain));
      const data = new Uint8Array(length + 5);
      data.set(plain, 5);
      applyAesCm(new Aes128(key), words(iv), data, 5, 5 + length);
      assert.deepEqual(data.subarray(5), expected);
    }
  });
});
