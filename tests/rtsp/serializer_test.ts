import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { RtspHeaders } from "../../src/rtsp/headers.ts";
import {
  encodeInterleavedFrame,
  encodeRequest,
  encodeResponse,
} from "../../src/rtsp/serializer.ts";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const EMPTY = new Uint8Array(0);

describe("serializer", () => {
  it("encodeRequest() writes the request line, canonical headers and no Content-Length without body", () => {
    const headers = new RtspHeaders([["cseq", "2"], ["accept", "application/sdp"]]);
    assert.equal(
      text(encodeRequest({ method: "DESCRIBE", url: "rtsp://h/s", headers, body: EMPTY })),
      "DESCRIBE rtsp://h/s RTSP/1.0\r\nCSeq: 2\r\nAccept: application/sdp\r\n\r\n",
    );
  });
  it("encodeRequest() adds Content-Length, replacing a given one", () => {
    const headers = new RtspHeaders([["CSeq", "2"], ["Content-Length", "99"], [
      "Content-Type",
      "application/sdp",
    ]]);
    const body = new TextEncoder().encode("v=0\r\n");
    assert.equal(
      text(encodeRequest({ method: "ANNOUNCE", url: "rtsp://h/s", headers, body })),
      "ANNOUNCE rtsp://h/s RTSP/1.0\r\nCSeq: 2\r\nContent-Type: application/sdp\r\nContent-Length: 5\r\n\r\nv=0\r\n",
    );
  });
  it("encodeRequest() rejects a method or URL with spaces", () => {
    assert.throws(
      () => encodeRequest({ method: "A B", url: "*", headers: new RtspHeaders(), body: EMPTY }),
      TypeError,
    );
    assert.throws(
      () => encodeRequest({ method: "A", url: "r s", headers: new RtspHeaders(), body: EMPTY }),
      TypeError,
    );
    assert.throws(
      () => encodeRequest({ method: "", url: "*", headers: new RtspHeaders(), body: EMPTY }),
      TypeError,
    );
  });
  it("encodeResponse() writes the standard reason when statusMessage is empty", () => {
    const headers = new RtspHeaders([["CSeq", "5"], [
      "Public",
      "DESCRIBE, SETUP, TEARDOWN, PLAY, PAUSE",
    ]]);
    assert.equal(
      text(encodeResponse({ statusCode: 200, statusMessage: "", headers, body: EMPTY })),
      "RTSP/1.0 200 OK\r\nCSeq: 5\r\nPublic: DESCRIBE, SETUP, TEARDOWN, PLAY, PAUSE\r\n\r\n",
    );
  });
  it("encodeResponse() keeps a given reason and writes a body with Content-Length", () => {
    const headers = new RtspHeaders([["CSeq", "2"], ["Content-Base", "rtsp://h/s/"], [
      "Content-Type",
      "application/sdp",
    ]]);
    const body = new TextEncoder().encode("foo-sdp");
    assert.equal(
      text(encodeResponse({ statusCode: 200, statusMessage: "Fine", headers, body })),
      "RTSP/1.0 200 Fine\r\nCSeq: 2\r\nContent-Base: rtsp://h/s/\r\nContent-Type: application/sdp\r\nContent-Length: 7\r\n\r\nfoo-sdp",
    );
  });
  it("encodeResponse() writes non-ASCII header values as UTF-8 in one buffer", () => {
    const headers = new RtspHeaders([["X-Name", "caméra"]]);
    const bytes = encodeResponse({
      statusCode: 200,
      statusMessage: "",
      headers,
      body: new Uint8Array([1]),
    });
    assert.equal(
      bytes.length,
      "RTSP/1.0 200 OK\r\nX-Name: caméra\r\nContent-Length: 1\r\n\r\n".length + 1 + 1,
    );
    assert.equal(
      text(bytes.subarray(0, bytes.length - 1)),
      "RTSP/1.0 200 OK\r\nX-Name: caméra\r\nContent-Length: 1\r\n\r\n",
    );
    assert.equal(bytes[bytes.length - 1], 1);
  });
  it("encodeResponse() writes an unknown code with an empty reason and rejects bad codes", () => {
    assert.equal(
      text(
        encodeResponse({
          statusCode: 299,
          statusMessage: "",
          headers: new RtspHeaders(),
          body: EMPTY,
        }),
      ),
      "RTSP/1.0 299 \r\n\r\n",
    );
    assert.throws(
      () =>
        encodeResponse({
          statusCode: 99,
          statusMessage: "",
          headers: new RtspHeaders(),
          body: EMPTY,
        }),
      RangeError,
    );
    assert.throws(
      () =>
        encodeResponse({
          statusCode: 200.5,
          statusMessage: "",
          headers: new RtspHeaders(),
          body: EMPTY,
        }),
      RangeError,
    );
    assert.throws(
      () =>
        encodeResponse({
          statusCode: 200,
          statusMessage: "a\r\nb",
          headers: new RtspHeaders(),
          body: EMPTY,
        }),
      TypeError,
    );
  });
  it("encodeInterleavedFrame() writes '$', channel, 16-bit length and payload (RFC 2326 §10.12)", () => {
    assert.deepEqual(
      encodeInterleavedFrame(0, new Uint8Array([0x80, 0x60])),
      new Uint8Array([0x24, 0, 0, 2, 0x80, 0x60]),
    );
    assert.deepEqual(encodeInterleavedFrame(7, new Uint8Array(0)), new Uint8Array([0x24, 7, 0, 0]));
    const big = encodeInterleavedFrame(255, new Uint8Array(65535).fill(3));
    assert.deepEqual([...big.subarray(0, 4)], [0x24, 255, 0xff, 0xff]);
    assert.equal(big.length, 65539);
    assert.equal(big[65538], 3);
  });
  it("encodeInterleavedFrame() rejects channels outside 0..255 and payloads over 65535 bytes", () => {
    assert.throws(() => encodeInterleavedFrame(256, new Uint8Array(1)), RangeError);
    assert.throws(() => encodeInterleavedFrame(-1, new Uint8Array(1)), RangeError);
    assert.throws(() => encodeInterleavedFrame(1.5, new Uint8Array(1)), RangeError);
    assert.throws(() => encodeInterleavedFrame(0, new Uint8Array(65536)), RangeError);
  });
});
