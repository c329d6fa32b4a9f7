import type { RtspHeaders } from "./headers.ts";
import type { RtspRequest, RtspResponse } from "./message.ts";
import { statusText } from "./status.ts";

const encoder = new TextEncoder();

/**
 * Encodes a request: request line, headers with canonical names, and the body.
 * `Content-Length` is written when the body is non-empty (any given one is replaced).
 *
 * @param req The request.
 * @returns The wire bytes.
 * @throws {TypeError} When the method or URL holds a space, CR or LF.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { RtspHeaders } from "./headers.ts";
 * import { encodeRequest } from "./serializer.ts";
 * const bytes = encodeRequest({
 *   method: "OPTIONS",
 *   url: "rtsp://cam/",
 *   headers: new RtspHeaders({ cseq: "1" }),
 *   body: new Uint8Array(0),
 * });
 * assert.equal(new TextDecoder().decode(bytes), "OPTIONS rtsp://cam/ RTSP/1.0\r\nCSeq: 1\r\n\r\n");
 * ```
 */
export function encodeRequest(req: RtspRequest): Uint8Array {
  if (/[\s]/.test(req.method) || req.method === "") {
    throw new TypeError(`Invalid request method: "${req.method}"`);
  }
  if (/[\s]/.test(req.url) || req.url === "") {
    throw new TypeError(`Invalid request URL: "${req.url}"`);
  }
  return encodeMessage(`${req.method} ${req.url} RTSP/1.0\r\n`, req.headers, req.body);
}

/**
 * Encodes a response: `RTSP/1.0 <code> <reason>`, headers with canonical names, and the body.
 * An empty `statusMessage` is replaced by the standard reason phrase. `Content-Length` is written
 * when the body is non-empty (any given one is replaced).
 *
 * @param res The response.
 * @returns The wire bytes.
 * @throws {RangeError} When the status code is not an integer in 100..999.
 * @throws {TypeError} When the reason phrase holds CR or LF.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { RtspHeaders } from "./headers.ts";
 * import { encodeResponse } from "./serializer.ts";
 * const bytes = encodeResponse({
 *   statusCode: 461,
 *   statusMessage: "",
 *   headers: new RtspHeaders({ CSeq: "3" }),
 *   body: new Uint8Array(0),
 * });
 * assert.equal(new TextDecoder().decode(bytes), "RTSP/1.0 461 Unsupported Transport\r\nCSeq: 3\r\n\r\n");
 * ```
 */
export function encodeResponse(res: RtspResponse): Uint8Array {
  const code = res.statusCode;
  if (!Number.isInteger(code) || code < 100 || code > 999) {
    throw new RangeError(`Invalid status code: ${code}`);
  }
  const reason = res.statusMessage === "" ? statusText(code) : res.statusMessage;
  if (/[\r\n]/.test(reason)) {
    throw new TypeError("Invalid status message: must not contain CR or LF");
  }
  return encodeMessage(`RTSP/1.0 ${code} ${reason}\r\n`, res.headers, res.body);
}

/**
 * Encodes an interleaved binary frame (RFC 2326 §10.12): `$`, channel, 16-bit length, payload,
 * in one allocation.
 *
 * @param channel The channel, 0..255.
 * @param payload The payload, at most 65535 bytes.
 * @returns The frame bytes.
 * @throws {RangeError} When the channel or payload size is out of range.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeInterleavedFrame } from "./serializer.ts";
 * assert.deepEqual(encodeInterleavedFrame(1, new Uint8Array([9])), new Uint8Array([0x24, 1, 0, 1, 9]));
 * ```
 */
export function encodeInterleavedFrame(channel: number, payload: Uint8Array): Uint8Array {
  if (!Number.isInteger(channel) || channel < 0 || channel > 255) {
    throw new RangeError(`Invalid interleaved channel: ${channel}`);
  }
  if (payload.length > 65535) {
    throw new RangeError(`Invalid interleaved payload size: ${payload.length} exceeds 65535`);
  }
  const out = new Uint8Array(4 + payload.length);
  out[0] = 0x24;
  out[1] = channel;
  out[2] = payload.length >>> 8;
  out[3] = payload.length & 0xff;
  out.set(payload, 4);
  return out;
}

function encodeMessage(startLine: string, headers: RtspHeaders, body: Uint8Array): Uint8Array {
  let head = startLine;
  for (const [name, value] of headers) {
    if (name === "Content-Length") continue;
    head += `${name}: ${value}\r\n`;
  }
  if (body.length > 0) head += `Content-Length: ${body.length}\r\n`;
  head += "\r\n";
  if (body.length === 0) return encoder.encode(head);
  // One allocation: UTF-8 needs at most 3 bytes per UTF-16 code unit, 1 for ASCII.
  const headBytes = /[\u0080-\uffff]/.test(head) ? head.length * 3 : head.length;
  const out = new Uint8Array(headBytes + body.length);
  const { written } = encoder.encodeInto(head, out);
  out.set(body, written);
  return out.subarray(0, written + body.length);
}
