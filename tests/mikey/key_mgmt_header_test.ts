import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { formatKeyMgmt, parseKeyMgmt } from "../../src/mikey/key_mgmt_header.ts";
import { ParseError } from "../../src/errors.ts";

describe("parseKeyMgmt", () => {
  it("parses the RFC 4567 §3.2 form with spaces and quotes", () => {
    assert.deepEqual(parseKeyMgmt('prot=mikey; uri="rtsps://h/s;x"; data="AQA="'), {
      prot: "mikey",
      uri: "rtsps://h/s;x",
      data: "AQA=",
    });
    assert.deepEqual(parseKeyMgmt("prot=MIKEY;data=AQA="), { prot: "mikey", data: "AQA=" });
  });

  it("rejects another protocol or a missing data field", () => {
    assert.throws(() => parseKeyMgmt('prot=sdes;data="x"'), ParseError);
    assert.throws(() => parseKeyMgmt('prot=mikey;uri="x"'), ParseError);
    assert.throws(() => parseKeyMgmt(""), ParseError);
  });
});

describe("formatKeyMgmt", () => {
  it("writes prot, quoted uri and quoted data", () => {
    const value = formatKeyMgmt({ prot: "mikey", uri: "rtsps://h/s/trackID=0", data: "AQA=" });
    assert.equal(value, 'prot=mikey;uri="rtsps://h/s/trackID=0";data="AQA="');
    assert.deepEqual(parseKeyMgmt(value), {
      prot: "mikey",
      uri: "rtsps://h/s/trackID=0",
      data: "AQA=",
    });
  });
});
