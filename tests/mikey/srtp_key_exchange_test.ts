import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { decodeMikey, encodeMikey } from "../../src/mikey/mikey_message.ts";
import { createSrtpMikey, srtpKeyFromMikey } from "../../src/mikey/srtp_key_exchange.ts";
import { parseKeyMgmt } from "../../src/mikey/key_mgmt_header.ts";
import { decodeBase64 } from "../../src/bytes/mod.ts";
import { ParseError } from "../../src/errors.ts";

const NOW = Date.UTC(2026, 10, 26, 1, 0, 0);
const KEY = new Uint8Array(30).map((_, i) => i);

describe("createSrtpMikey", () => {
  it("builds the HDR · T · RAND · SP · KEMAC shape GStreamer sends", () => {
    const gst = decodeMikey(decodeBase64(
      parseKeyMgmt(
        readFileSync(
          new URL("../testdata/mikey/gstreamer_1.22_rtspsrc_setup_keymgmt.txt", import.meta.url),
          "utf8",
        ).trim(),
      ).data,
    ));
    const ours = createSrtpMikey({
      keyAndSalt: KEY,
      cryptoSessions: [{ ssrc: 0xabc, roc: 3 }],
      nowMs: NOW,
    });
    assert.deepEqual(ours.payloads.map((p) => p.kind), gst.payloads.map((p) => p.kind));
    assert.deepEqual(ours.payloads[2], gst.payloads[2]);
    assert.deepEqual(ours.cryptoSessions, [{ policyNo: 0, ssrc: 0xabc, roc: 3 }]);
    assert.equal(encodeMikey(ours).length, encodeMikey(gst).length);
  });

  it("advertises the MKI as the SPI of the key", () => {
    const mki = new Uint8Array([0, 0, 0, 7]);
    const msg = decodeMikey(
      encodeMikey(createSrtpMikey({ keyAndSalt: KEY, cryptoSessions: [], mki, nowMs: NOW })),
    );
    assert.deepEqual(srtpKeyFromMikey(msg, NOW).mki, mki);
  });
});

describe("srtpKeyFromMikey", () => {
  it("extracts the key of a GStreamer 1.22 rtspclientsink message at its capture time", () => {
    const value = readFileSync(
      new URL("../testdata/mikey/gstreamer_1.22_rtspclientsink_setup_keymgmt.txt", import.meta.url),
      "utf8",
    ).trim();
    const msg = decodeMikey(decodeBase64(parseKeyMgmt(value).data));
    const key = srtpKeyFromMikey(msg, Date.UTC(2026, 10, 26, 0, 59, 15));
    assert.equal(key.keyAndSalt.length, 30);
    assert.equal(key.mki, undefined);
    assert.equal(key.cryptoSessions.length, 2);
  });

  it("accepts a timestamp within one hour and rejects one further away", () => {
    const msg = createSrtpMikey({ keyAndSalt: KEY, cryptoSessions: [], nowMs: NOW });
    assert.deepEqual(srtpKeyFromMikey(msg, NOW + 3599_000).keyAndSalt, KEY);
    assert.deepEqual(srtpKeyFromMikey(msg, NOW - 3599_000).keyAndSalt, KEY);
    assert.throws(() => srtpKeyFromMikey(msg, NOW + 3601_000), ParseError);
    assert.throws(() => srtpKeyFromMikey(msg, NOW - 3601_000), ParseError);
  });

  it("joins a 16-byte TEK and a 14-byte salt", () => {
    const msg = createSrtpMikey({ keyAndSalt: KEY, cryptoSessions: [], nowMs: NOW });
    const kemac = msg.payloads[3];
    assert.ok(kemac.kind === "kemac");
    kemac.keys[0] = { type: 3, key: KEY.slice(0, 16), salt: KEY.slice(16), kv: 0 };
    assert.deepEqual(srtpKeyFromMikey(msg, NOW).keyAndSalt, KEY);
  });

  it("rejects a missing timestamp or KEMAC, a short key, and unsupported policies", () => {
    const base = () => createSrtpMikey({ keyAndSalt: KEY, cryptoSessions: [], nowMs: NOW });
    const noT = base();
    noT.payloads.shift();
    assert.throws(() => srtpKeyFromMikey(noT, NOW), ParseError);
    const noKemac = base();
    noKemac.payloads.pop();
    assert.throws(() => srtpKeyFromMikey(noKemac, NOW), ParseError);
    const short = base();
    const kemac = short.payloads[3];
    assert.ok(kemac.kind === "kemac");
    kemac.keys[0].key = new Uint8Array(16);
    assert.throws(() => srtpKeyFromMikey(short, NOW), ParseError);
    const aes256 = base();
    const sp = aes256.payloads[2];
    assert.ok(sp.kind === "sp");
    sp.params[1].value = new Uint8Array([32]);
    assert.throws(() => srtpKeyFromMikey(aes256, NOW), ParseError);
    const tag32 = base();
    const sp2 = tag32.payloads[2];
    assert.ok(sp2.kind === "sp");
    sp2.params[3].value = new Uint8Array([4]);
    assert.throws(() => srtpKeyFromMikey(tag32, NOW), ParseError);
  });
});
