import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { deriveSrtpKey, deriveSrtpSessionKeys } from "../../src/srtp/key_derivation.ts";
import { decodeHex, encodeHex } from "../../src/bytes/mod.ts";

// RFC 3711 Appendix B.3.
const MASTER_KEY = decodeHex("E1F97A0D3E018BE0D64FA32C06DE4139");
const MASTER_SALT = decodeHex("0EC675AD498AFEEBB6960B3AABE6");

describe("deriveSrtpKey", () => {
  it("derives the cipher key, salt and auth key of RFC 3711 Appendix B.3", () => {
    assert.equal(
      encodeHex(deriveSrtpKey(MASTER_KEY, MASTER_SALT, 0, 16)),
      "c61e7a93744f39ee10734afe3ff7a087",
    );
    assert.equal(
      encodeHex(deriveSrtpKey(MASTER_KEY, MASTER_SALT, 2, 14)),
      "30cbbc08863d8c85d49db34a9ae1",
    );
    assert.equal(
      encodeHex(deriveSrtpKey(MASTER_KEY, MASTER_SALT, 1, 20)),
      "cebe321f6ff7716b6fd4ab49af256a156d38baa4",
    );
  });
});

describe("deriveSrtpSessionKeys", () => {
  it("derives RTP keys with labels 0-2 and RTCP keys with labels 3-5", () => {
    const keys = deriveSrtpSessionKeys(MASTER_KEY, MASTER_SALT);
    assert.equal(encodeHex(keys.rtp.encryptionKey), "c61e7a93744f39ee10734afe3ff7a087");
    assert.deepEqual(keys.rtcp.encryptionKey, deriveSrtpKey(MASTER_KEY, MASTER_SALT, 3, 16));
    assert.deepEqual(keys.rtcp.authenticationKey, deriveSrtpKey(MASTER_KEY, MASTER_SALT, 4, 20));
    assert.deepEqual(keys.rtcp.salt, deriveSrtpKey(MASTER_KEY, MASTER_SALT, 5, 14));
  });

  it("rejects a master key or salt of the wrong length", () => {
    assert.throws(() => deriveSrtpSessionKeys(new Uint8Array(15), MASTER_SALT), RangeError);
    assert.throws(() => deriveSrtpSessionKeys(MASTER_KEY, new Uint8Array(12)), RangeError);
  });
});
