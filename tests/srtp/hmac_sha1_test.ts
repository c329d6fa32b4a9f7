import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHmac, randomBytes } from "node:crypto";
import { HmacSha1 } from "../../src/srtp/hmac_sha1.ts";
import { encodeHex } from "../../src/bytes/mod.ts";

const text = new TextEncoder();

// RFC 2202 §3 test cases 1, 2, 3, 6 and 7.
const RFC2202: [Uint8Array, Uint8Array, string][] = [
  [
    new Uint8Array(20).fill(0x0b),
    text.encode("Hi There"),
    "b617318655057264e28bc0b6fb378c8ef146be00",
  ],
  [
    text.encode("Jefe"),
    text.encode("what do ya want for nothing?"),
    "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79",
  ],
  [
    new Uint8Array(20).fill(0xaa),
    new Uint8Array(50).fill(0xdd),
    "125d7342b9ac11cd91a39af48aa17b4f63f175d3",
  ],
  [
    new Uint8Array(80).fill(0xaa),
    text.encode("Test Using Larger Than Block-Size Key - Hash Key First"),
    "aa4ae5e15272d00e95705637ce8a3b55ed402112",
  ],
  [
    new Uint8Array(80).fill(0xaa),
    text.encode("Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data"),
    "e8e99d0f45237d786d6bbaa7965c7808bbff1a91",
  ],
];

describe("HmacSha1", () => {
  RFC2202.forEach(([key, data, expected], i) => {
    it(`digest() matches RFC 2202 case ${[1, 2, 3, 6, 7][i]}`, () => {
      const mac = new HmacSha1(key);
      mac.update(data);
      assert.equal(encodeHex(mac.digest()), expected);
    });
  });

  it("digestInto() truncates, restarts, and agrees with node:crypto", () => {
    const key = new Uint8Array(randomBytes(20));
    const mac = new HmacSha1(key);
    for (const length of [0, 12, 64, 200, 1400]) {
      const data = new Uint8Array(randomBytes(length));
      mac.update(data);
      const out = new Uint8Array(12);
      mac.digestInto(out, 2, 10);
      const expected = createHmac("sha1", key).update(data).digest().subarray(0, 10);
      assert.deepEqual(out.subarray(2), new Uint8Array(expected));
    }
  });
});
