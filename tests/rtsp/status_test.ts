import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { STATUS_TEXT, statusText } from "../../src/rtsp/status.ts";

// RFC 2326 §7.1.1, in the title case the contract asks for.
const RFC2326: [number, string][] = [
  [100, "Continue"],
  [200, "OK"],
  [201, "Created"],
  [250, "Low on Storage Space"],
  [300, "Multiple Choices"],
  [301, "Moved Permanently"],
  [302, "Moved Temporarily"],
  [303, "See Other"],
  [304, "Not Modified"],
  [305, "Use Proxy"],
  [400, "Bad Request"],
  [401, "Unauthorized"],
  [402, "Payment Required"],
  [403, "Forbidden"],
  [404, "Not Found"],
  [405, "Method Not Allowed"],
  [406, "Not Acceptable"],
  [407, "Proxy Authentication Required"],
  [408, "Request Time-out"],
  [410, "Gone"],
  [411, "Length Required"],
  [412, "Precondition Failed"],
  [413, "Request Entity Too Large"],
  [414, "Request-URI Too Large"],
  [415, "Unsupported Media Type"],
  [451, "Parameter Not Understood"],
  [452, "Conference Not Found"],
  [453, "Not Enough Bandwidth"],
  [454, "Session Not Found"],
  [455, "Method Not Valid in This State"],
  [456, "Header Field Not Valid for Resource"],
  [457, "Invalid Range"],
  [458, "Parameter Is Read-Only"],
  [459, "Aggregate Operation Not Allowed"],
  [460, "Only Aggregate Operation Allowed"],
  [461, "Unsupported Transport"],
  [462, "Destination Unreachable"],
  [500, "Internal Server Error"],
  [501, "Not Implemented"],
  [502, "Bad Gateway"],
  [503, "Service Unavailable"],
  [504, "Gateway Time-out"],
  [505, "RTSP Version Not Supported"],
  [551, "Option Not Supported"],
];

describe("status", () => {
  it("STATUS_TEXT holds every RFC 2326 §7.1.1 code and nothing else", () => {
    assert.deepEqual(Object.entries(STATUS_TEXT).map(([k, v]) => [Number(k), v]), RFC2326);
    assert.ok(Object.isFrozen(STATUS_TEXT));
  });
  it("statusText() returns the reason phrase, or an empty string for unknown codes", () => {
    for (const [code, text] of RFC2326) assert.equal(statusText(code), text);
    assert.equal(statusText(299), "");
    assert.equal(statusText(0), "");
  });
});
