/** Byte-level and RTSP/SDP-aware mutations, RTP/RTCP packet generators. */
import type { Rng } from "./rng.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const INTERESTING = [
  "",
  "0",
  "-1",
  "4294967295",
  "4294967296",
  "18446744073709551616",
  "99999999999999999999",
  "NaN",
  "1e309",
  "0x10",
  " ",
  ";;;",
  "=",
  "%00",
  "%",
  "\u00ff",
  "\u2028",
  "*",
  "..",
  "/../../",
  "rtsp://",
  "rtsp://[::1",
  "rtsp://a:b@c:99999/x",
  "RTP/AVP",
  "RTP/AVP/TCP;interleaved=255-256",
  "RTP/AVP;unicast;client_port=0-0",
  "RTP/AVP;unicast;client_port=65535-65536",
  "RTP/AVP;multicast;port=1-2;ttl=999",
  "RTP/SAVP/TCP;unicast;interleaved=0-1",
  'Digest username="", realm="ipcam", nonce="", uri="", response=""',
  "Basic Og==",
  "npt=now-",
  "npt=-1--2",
  "url=;seq=;rtptime=",
  "A".repeat(3000),
];
const METHODS = [
  "OPTIONS",
  "DESCRIBE",
  "ANNOUNCE",
  "SETUP",
  "PLAY",
  "PAUSE",
  "RECORD",
  "TEARDOWN",
  "GET_PARAMETER",
  "SET_PARAMETER",
  "REDIRECT",
  "SETX",
  "GET",
  "POST",
];

/** Random byte-level damage: flips, inserts, deletes, duplicates, truncation. */
export function mutateBytes(rng: Rng, input: Uint8Array): Uint8Array {
  let b = Array.from(input);
  const rounds = 1 + rng.int(6);
  for (let r = 0; r < rounds; r++) {
    const at = b.length === 0 ? 0 : rng.int(b.length);
    switch (rng.int(7)) {
      case 0:
        if (b.length > 0) b[at] ^= 1 << rng.int(8);
        break;
      case 1:
        if (b.length > 0) b[at] = rng.int(256);
        break;
      case 2:
        b.splice(at, 0, ...rng.bytes(1 + rng.int(16)));
        break;
      case 3:
        b.splice(at, 1 + rng.int(16));
        break;
      case 4: {
        const len = 1 + rng.int(64);
        b.splice(at, 0, ...b.slice(at, at + len));
        break;
      }
      case 5:
        b = b.slice(0, at);
        break;
      default:
        b.splice(at, 0, ...[13, 10, 36, 0, 0xff, 0x80][rng.int(6)] === 36 ? [36] : [13, 10]);
    }
  }
  return new Uint8Array(b);
}

/** RTSP-aware damage: swaps the method, replaces header values, repeats/drops lines. */
export function mutateRequest(rng: Rng, input: Uint8Array, session?: string): Uint8Array {
  const text = decoder.decode(input);
  const split = text.indexOf("\r\n\r\n");
  const head = split < 0 ? text : text.slice(0, split);
  let body = split < 0 ? "" : text.slice(split + 4);
  const lines = head.split("\r\n");
  const rounds = 1 + rng.int(4);
  for (let r = 0; r < rounds; r++) {
    const i = rng.int(lines.length);
    switch (rng.int(8)) {
      case 0: {
        const parts = lines[0].split(" ");
        parts[0] = rng.pick(METHODS);
        lines[0] = parts.join(" ");
        break;
      }
      case 1: {
        const parts = lines[0].split(" ");
        if (parts.length > 1) {
          parts[1] = rng.chance(0.5) ? rng.pick(INTERESTING) : parts[1] + rng.pick(INTERESTING);
        }
        lines[0] = parts.join(" ");
        break;
      }
      case 2:
        if (i > 0) {
          const colon = lines[i].indexOf(":");
          lines[i] = colon < 0
            ? lines[i]
            : lines[i].slice(0, colon + 1) + " " + rng.pick(INTERESTING);
        }
        break;
      case 3:
        if (i > 0) lines.splice(i, 0, lines[i]);
        break;
      case 4:
        if (i > 0) lines.splice(i, 1);
        break;
      case 5:
        lines.push(
          rng.pick([
            "Content-Length",
            "CSeq",
            "Session",
            "Transport",
            "Authorization",
            "Require",
            "Range",
          ]) + ": " + rng.pick(INTERESTING),
        );
        break;
      case 6:
        body = decoder.decode(mutateBytes(rng, encoder.encode(body)));
        break;
      default:
        if (session !== undefined) lines.push(`Session: ${session}`);
    }
  }
  return encoder.encode(lines.join("\r\n") + "\r\n\r\n" + body);
}

/** Line-level SDP damage. */
export function mutateSdp(rng: Rng, sdp: string): string {
  const lines = sdp.split(/\r?\n/);
  const rounds = 1 + rng.int(4);
  for (let r = 0; r < rounds; r++) {
    const i = rng.int(lines.length);
    switch (rng.int(6)) {
      case 0:
        lines.splice(i, 1);
        break;
      case 1:
        lines.splice(i, 0, lines[i]);
        break;
      case 2:
        lines[i] = lines[i].slice(0, 2) + rng.pick(INTERESTING);
        break;
      case 3:
        lines.splice(
          i,
          0,
          rng.pick([
            "m=video 0 RTP/AVP 96",
            "m=audio 0 RTP/AVP 300",
            "a=rtpmap:96 H264/0",
            "a=fmtp:96 packetization-mode=0",
            "a=control:" + rng.pick(INTERESTING),
            "a=sendonly",
            "a=mid:x",
            "m=application 0 RTP/AVP 107",
          ]),
        );
        break;
      case 4:
        lines[i] = lines[i].replace(/\d+/, rng.pick(["0", "-1", "4294967296", "127", "96"]));
        break;
      default:
        lines[i] = decoder.decode(mutateBytes(rng, encoder.encode(lines[i])));
    }
  }
  return lines.join("\r\n");
}

/** A plausible RTP packet (sometimes damaged): random PT, seq jumps, padding, extension, CSRCs. */
export function randomRtp(rng: Rng, payloadType = 96): Uint8Array {
  const csrc = rng.chance(0.1) ? rng.int(16) : 0;
  const ext = rng.chance(0.1);
  const payload = rng.int(rng.chance(0.05) ? 4000 : 300);
  const pad = rng.chance(0.05) ? rng.int(256) : 0;
  const size = 12 + csrc * 4 + (ext ? 4 + 4 * rng.int(4) : 0) + payload + pad;
  const out = rng.bytes(size);
  out[0] = 0x80 | (pad > 0 ? 0x20 : 0) | (ext ? 0x10 : 0) | csrc;
  out[1] = (rng.chance(0.5) ? 0x80 : 0) | (rng.chance(0.8) ? payloadType : rng.int(128));
  if (ext) {
    const at = 12 + csrc * 4;
    out[at + 2] = 0;
    out[at + 3] = rng.int(rng.chance(0.9) ? 4 : 256);
  }
  if (pad > 0) out[size - 1] = rng.chance(0.8) ? pad : rng.int(256);
  if (payload > 0) {
    out[12 + csrc * 4 + (ext ? 4 + 4 * out[15 + csrc * 4] : 0)] = rng.pick([
      5,
      7,
      8,
      1,
      24,
      28,
      0x7c,
      0x85,
    ]);
  }
  return rng.chance(0.2) ? mutateBytes(rng, out) : out;
}

/** A plausible RTCP compound (SR, RR, SDES, BYE, APP) or damaged bytes. */
export function randomRtcp(rng: Rng): Uint8Array {
  const parts: number[] = [];
  const count = 1 + rng.int(3);
  for (let p = 0; p < count; p++) {
    const type = rng.pick([200, 201, 202, 203, 204, 205, 206, 207]);
    const rc = rng.int(rng.chance(0.9) ? 3 : 32);
    const words = type === 200 ? 6 + rc * 6 : type === 201 ? 1 + rc * 6 : 1 + rng.int(8);
    const lengthField = rng.chance(0.9) ? words : rng.int(65536);
    parts.push(0x80 | rc, type, lengthField >> 8, lengthField & 0xff, ...rng.bytes(words * 4));
  }
  const out = new Uint8Array(parts);
  return rng.chance(0.2) ? mutateBytes(rng, out) : out;
}

/** An interleaved frame `$ ch len payload`, with a lying length now and then. */
export function interleaved(rng: Rng, channel: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + payload.length);
  const len = rng.chance(0.95) ? payload.length : rng.int(65536);
  out[0] = 0x24;
  out[1] = channel;
  out[2] = len >> 8;
  out[3] = len & 0xff;
  out.set(payload, 4);
  return out;
}
