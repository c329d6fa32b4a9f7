import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { decodeMikey, encodeMikey, type MikeyMessage } from "../../src/mikey/mikey_message.ts";
import { parseKeyMgmt } from "../../src/mikey/key_mgmt_header.ts";
import { decodeBase64, decodeHex, encodeHex } from "../../src/bytes/mod.ts";
import { ParseError } from "../../src/errors.ts";

function testdata(name: string): string {
  return readFileSync(new URL(`../testdata/mikey/${name}`, import.meta.url), "utf8").trim();
}

// gortsplib pkg/mikey/message_test.go case "a": an Axis-style message, field by field below.
const AXIS = decodeHex(
  "010005" + "00" + "e69d51f8" + "01" + "00" + "00" + "30685760" + "00000000" + // HDR
    "0b" + "00" + "ebfe6f2db1c13fd0" + // T: next RAND, NTP-UTC
    "0a" + "10" + "c2dde443a84930a5757a7ed9c3a417fb" + // RAND: next SP, 16 bytes
    "01" + "00" + "00" + "0015" + "000101" + "010110" + "020101" + "03010a" + "070101" +
    "080101" + "0a0101" + // SP: next KEMAC, policy 0, SRTP, 21 bytes of parameters
    "00" + "00" + "0022" + // KEMAC: last, NULL encryption, 34 bytes
    "00" + "20" + "001e" + "9091783dfce8ddcd443a53508b64509f35bd8a86bc4d8b7637a502493daf" +
    "00", // key data: last, TEK/no KV, 30 bytes; MAC NULL
);

describe("decodeMikey", () => {
  it("decodes every field of an SRTP key message", () => {
    const msg = decodeMikey(AXIS);
    assert.equal(msg.dataType, 0);
    assert.equal(msg.verify, false);
    assert.equal(msg.prf, 0);
    assert.equal(msg.csbId, 0xe69d51f8);
    assert.deepEqual(msg.cryptoSessions, [{ policyNo: 0, ssrc: 0x30685760, roc: 0 }]);
    assert.equal(msg.payloads.length, 4);
    assert.deepEqual(msg.payloads[0], {
      kind: "timestamp",
      tsType: 0,
      seconds: 0xebfe6f2d,
      fraction: 0xb1c13fd0,
    });
    assert.deepEqual(msg.payloads[1], {
      kind: "rand",
      data: decodeHex("c2dde443a84930a5757a7ed9c3a417fb"),
    });
    const sp = msg.payloads[2];
    assert.equal(sp.kind, "sp");
    assert.deepEqual(
      sp.kind === "sp" ? sp.params.map((p) => [p.type, p.value[0]]) : [],
      [[0, 1], [1, 16], [2, 1], [3, 10], [7, 1], [8, 1], [10, 1]],
    );
    const kemac = msg.payloads[3];
    assert.ok(kemac.kind === "kemac");
    assert.equal(kemac.encrAlg, 0);
    assert.equal(kemac.macAlg, 0);
    assert.equal(kemac.keys.length, 1);
    assert.equal(kemac.keys[0].type, 2);
    assert.equal(kemac.keys[0].kv, 0);
    assert.equal(
      encodeHex(kemac.keys[0].key),
      "9091783dfce8ddcd443a53508b64509f35bd8a86bc4d8b7637a502493daf",
    );
  });

  it("decodes the KeyMgmt of a GStreamer 1.22 rtspsrc SETUP", () => {
    const header = parseKeyMgmt(testdata("gstreamer_1.22_rtspsrc_setup_keymgmt.txt"));
    assert.equal(header.uri, "rtsps://127.0.0.1:41823/s/trackID=0");
    const msg = decodeMikey(decodeBase64(header.data));
    assert.equal(msg.cryptoSessions.length, 1);
    assert.deepEqual(msg.payloads.map((p) => p.kind), ["timestamp", "rand", "sp", "kemac"]);
    const kemac = msg.payloads[3];
    assert.ok(kemac.kind === "kemac" && kemac.keys[0].key.length === 30);
    assert.deepEqual(encodeMikey(msg), decodeBase64(header.data));
  });

  it("decodes the MIKEY of a GStreamer 1.22 rtspclientsink ANNOUNCE and SETUP", () => {
    const announce = decodeMikey(
      decodeBase64(testdata("gstreamer_1.22_rtspclientsink_announce_sdp_mikey.txt")),
    );
    const setup = decodeMikey(
      decodeBase64(parseKeyMgmt(testdata("gstreamer_1.22_rtspclientsink_setup_keymgmt.txt")).data),
    );
    assert.equal(setup.cryptoSessions.length, 2);
    assert.equal(setup.cryptoSessions[0].ssrc, announce.cryptoSessions[0].ssrc);
    const key = (m: MikeyMessage) => m.payloads.find((p) => p.kind === "kemac");
    assert.deepEqual(key(setup), key(announce));
  });

  it("encodeMikey() reproduces the bytes it decoded", () => {
    assert.deepEqual(encodeMikey(decodeMikey(AXIS)), AXIS);
  });

  it("round-trips key data with salt, SPI (MKI) and an interval, and a counter timestamp", () => {
    const msg: MikeyMessage = {
      dataType: 0,
      verify: true,
      prf: 0,
      csbId: 7,
      cryptoSessions: [{ policyNo: 0, ssrc: 1, roc: 2 }, { policyNo: 0, ssrc: 3, roc: 4 }],
      payloads: [
        { kind: "timestamp", tsType: 2, seconds: 99, fraction: 0 },
        {
          kind: "kemac",
          encrAlg: 0,
          keys: [
            {
              type: 3,
              key: new Uint8Array(16).fill(1),
              salt: new Uint8Array(14).fill(2),
              kv: 1,
              spi: new Uint8Array([0, 0, 0, 1]),
            },
            {
              type: 2,
              key: new Uint8Array(30),
              kv: 2,
              interval: [new Uint8Array([1]), new Uint8Array([2, 3])],
            },
          ],
          macAlg: 0,
          mac: new Uint8Array(0),
        },
      ],
    };
    assert.deepEqual(decodeMikey(encodeMikey(msg)), msg);
  });

  it("throws only ParseError on every truncation and on garbage", () => {
    for (let n = 0; n < AXIS.length; n++) {
      assert.throws(() => decodeMikey(AXIS.subarray(0, n)), ParseError, `length ${n}`);
    }
    const extra = new Uint8Array(AXIS.length + 1);
    extra.set(AXIS);
    assert.throws(() => decodeMikey(extra), ParseError);
    let seed = 1;
    for (let i = 0; i < 2000; i++) {
      const b = AXIS.slice();
      for (let k = 0; k < 3; k++) {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        b[seed % b.length] = seed >>> 8;
      }
      try {
        decodeMikey(b);
      } catch (e) {
        assert.ok(e instanceof ParseError, String(e));
      }
    }
    assert.throws(() => decodeMikey(new Uint8Array(10000)), ParseError);
  });
});
