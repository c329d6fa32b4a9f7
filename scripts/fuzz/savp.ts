/**
 * The RTSPS + RTP/SAVP part of the fuzzer: an in-process TLS `Server` (with a UDP port
 * pair) fed SETUP requests with hostile `KeyMgmt` headers, and SRTP/SRTCP garbage from
 * publishers over TCP and UDP and from readers over TCP. After every round a normal client must
 * still get OPTIONS and DESCRIBE answered, and the counters must have moved as the inputs say:
 * one decode error per damaged packet (per session; exact over TCP, at most that over UDP),
 * every genuine packet delivered, each KeyMgmt answered 200 or 400 exactly as the library's own
 * key reader decides (or, over the header size limit, the connection closed unanswered).
 */
import { readFileSync } from "node:fs";
import { encodeBase64 } from "../../src/bytes/mod.ts";
import {
  createSrtpMikey,
  encodeMikey,
  type MikeyMessage,
  type MikeyPayload,
} from "../../src/mikey/mod.ts";
import type { RtspResponse } from "../../src/rtsp/message.ts";
import { encodeInterleavedFrame } from "../../src/rtsp/serializer.ts";
import { parseSessionDescription } from "../../src/sdp/description.ts";
import type { ServerHandler } from "../../src/server/server_handler.ts";
import type { ServerSession } from "../../src/server/server_session.ts";
import { ServerStream } from "../../src/server/server_stream.ts";
import { srtpContextFromKeyMgmt } from "../../src/server/_srtp_keys.ts";
import { SrtpContext } from "../../src/srtp/mod.ts";
import { FuzzClient, sessionOf } from "./client.ts";
import { mutateBytes, randomRtcp, randomRtp } from "./mutate.ts";
import { Rng } from "./rng.ts";
import { startServerOnUdpPair } from "../_server_start.ts";
import {
  bindUdp,
  bump,
  checkHealth,
  fixtureHooks,
  recordUncaught,
  replyCountingHooks,
  sleep,
} from "./_shared.ts";

/** Options of {@linkcode runSavpFuzz}. */
export interface SavpFuzzOptions {
  seed: number;
  /** Stop after this many rounds (whichever of the two limits comes first). */
  rounds: number;
  /** Stop after this many seconds. */
  seconds: number;
  /** Print one line per round. */
  log?: (line: string) => void;
}

/** What a run did and found. */
export interface SavpFuzzReport {
  seed: number;
  rounds: number;
  seconds: number;
  /** KeyMgmt cases by kind, and the statuses they got. */
  keyMgmtCases: Record<string, number>;
  responses: Record<string, number>;
  /** SRTP/SRTCP datagrams and interleaved frames sent by publishers: genuine and damaged. */
  genuineSent: number;
  damagedSent: number;
  /** Genuine packets that reached onPacketRtp. */
  packetsReceived: number;
  /** Server decode errors (stats().decodeErrors), and by error code. */
  decodeErrors: number;
  decodeErrorCodes: Record<string, number>;
  /** Datagrams from addresses no session expects (stats().foreignUdpPackets). */
  foreignUdpPackets: number;
  healthChecks: number;
  failures: string[];
  /** Requests answered 500 and exceptions that escaped the server's socket callbacks. */
  internalErrors: string[];
}

const SDP = [
  "v=0",
  "o=- 0 0 IN IP4 127.0.0.1",
  "s=savp",
  "c=IN IP4 0.0.0.0",
  "t=0 0",
  "m=video 0 RTP/SAVP 96",
  "a=control:trackID=0",
  "a=rtpmap:96 H264/90000",
  "a=fmtp:96 packetization-mode=1; profile-level-id=42C028",
  "",
].join("\r\n");

const SSRC = 0x11223344;

function readPem(name: string): string {
  return readFileSync(new URL(`../../tests/testdata/tls/${name}`, import.meta.url), "utf8");
}

/** Polls `done` until it holds or `timeoutMs` passes; returns whether it held. */
async function until(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) return false;
    await sleep(2);
  }
  return true;
}

/** A MIKEY message as a client sends it, for `nowMs`. */
function clientMikey(keyAndSalt: Uint8Array, nowMs = Date.now(), mki?: Uint8Array): MikeyMessage {
  return createSrtpMikey({ keyAndSalt, cryptoSessions: [{ ssrc: SSRC, roc: 0 }], nowMs, mki });
}

/** Sends a SETUP of `url` over `transport` with a genuine KeyMgmt for `keyAndSalt`. */
function setupWithKey(
  c: FuzzClient,
  options: { url: string; transport: string; keyAndSalt: Uint8Array },
): Promise<RtspResponse | undefined> {
  const keyMgmt = encodeBase64(encodeMikey(clientMikey(options.keyAndSalt)));
  return c.request(
    "SETUP",
    options.url,
    { Transport: options.transport, KeyMgmt: `prot=mikey; data="${keyMgmt}"` },
    "",
    3000,
  );
}

function withPayload(msg: MikeyMessage, kind: MikeyPayload["kind"], p: MikeyPayload): MikeyMessage {
  return { ...msg, payloads: msg.payloads.map((q) => (q.kind === kind ? p : q)) };
}

/** A hostile `KeyMgmt` value and the name of its kind. */
function hostileKeyMgmt(rng: Rng, url: string): [string, string] {
  const key = rng.bytes(30);
  const base = clientMikey(key);
  const wrap = (data: string) => `prot=mikey; uri="${url}"; data="${data}"`;
  const b64 = (m: MikeyMessage) => encodeBase64(encodeMikey(m));
  const kind = rng.pick([
    "badBase64",
    "truncated",
    "oversized",
    "mutated",
    "policy",
    "timestamp",
    "tek",
    "mki",
    "header",
    "valid",
  ]);
  switch (kind) {
    case "badBase64": {
      const good = b64(base);
      const at = rng.int(good.length);
      const junk = rng.pick(["!", "%%", "\u00e9", " ", "====", "A", '"']);
      return [kind, wrap(good.slice(0, at) + junk + good.slice(at))];
    }
    case "truncated": {
      const bytes = encodeMikey(base);
      return [kind, wrap(encodeBase64(bytes.subarray(0, rng.int(bytes.length))))];
    }
    case "oversized": {
      // Longer than MIKEY allows (8192 bytes), or than a header value may be: trailing bytes,
      // a huge RAND or many crypto sessions.
      const bytes = encodeMikey(base);
      const tail = rng.bytes(rng.pick([1, 100, 1200, 9000]));
      const all = new Uint8Array(bytes.length + tail.length);
      all.set(bytes);
      all.set(tail, bytes.length);
      return [kind, wrap(encodeBase64(all))];
    }
    case "mutated":
      return [kind, wrap(encodeBase64(mutateBytes(rng, encodeMikey(base))))];
    case "policy": {
      const sp = base.payloads.find((p) => p.kind === "sp")!;
      if (sp.kind !== "sp") throw new Error("unreachable");
      const params: { type: number; value: Uint8Array }[] = sp.params.map((q) => ({
        ...q,
        value: q.value.slice(),
      }));
      const i = rng.int(params.length);
      if (rng.chance(0.5)) params[i]!.value = new Uint8Array([rng.int(256)]);
      else params[i]!.value = rng.bytes(rng.int(4));
      const protType = rng.chance(0.2) ? 1 + rng.int(255) : 0;
      return [kind, wrap(b64(withPayload(base, "sp", { ...sp, protType, params })))];
    }
    case "timestamp": {
      const skewMs = rng.pick([-1, 1]) * (2 * 3600_000 + rng.int(1e9));
      const far = clientMikey(key, rng.chance(0.2) ? 0 : Date.now() + skewMs);
      if (rng.chance(0.2)) {
        // NTP seconds at both ends of their range.
        const t = far.payloads.find((p) => p.kind === "timestamp")!;
        const seconds = rng.pick([0, 0xffffffff]);
        return [kind, wrap(b64(withPayload(far, "timestamp", { ...t, seconds } as MikeyPayload)))];
      }
      return [kind, wrap(b64(far))];
    }
    case "tek": {
      const kemac = base.payloads.find((p) => p.kind === "kemac")!;
      if (kemac.kind !== "kemac") throw new Error("unreachable");
      const k = kemac.keys[0]!;
      const keys = [{ ...k, type: rng.int(4), key: rng.bytes(rng.pick([0, 16, 29, 31, 46])) }];
      const encrAlg = rng.chance(0.2) ? 1 : 0;
      return [kind, wrap(b64(withPayload(base, "kemac", { ...kemac, keys, encrAlg })))];
    }
    case "mki":
      return [kind, wrap(b64(clientMikey(key, Date.now(), rng.bytes(rng.int(8)))))];
    case "header":
      return [
        kind,
        rng.pick([
          `prot=sdes; data="${b64(base)}"`,
          `prot=mikey`,
          `prot=mikey; data=""`,
          `data="${b64(base)}"`,
          `prot=mikey; data="${b64(base)}`,
          `;;;`,
        ]),
      ];
    default:
      return [kind, wrap(b64(base))];
  }
}

/** A damaged copy of a genuine SRTP/SRTCP packet (never equal to it), or random bytes. */
function damage(rng: Rng, genuine: Uint8Array, sent: Uint8Array[], ssrcAt: number): Uint8Array {
  let b: Uint8Array;
  switch (rng.int(7)) {
    case 0: // the tag
      b = genuine.slice();
      b[b.length - 1 - rng.int(10)] ^= 1 << rng.int(8);
      break;
    case 1: // the sequence number / SRTCP index
      b = genuine.slice();
      b[rng.pick([2, 3, b.length - 11, b.length - 13])] ^= 1 << rng.int(8);
      break;
    case 2: // another SSRC
      b = genuine.slice();
      b.set(rng.bytes(4), ssrcAt);
      break;
    case 3: // a replay
      b = sent.length > 0 ? rng.pick(sent) : genuine.subarray(1);
      break;
    case 4:
      b = genuine.subarray(0, rng.int(genuine.length));
      break;
    case 5:
      b = mutateBytes(rng, genuine);
      break;
    default:
      b = ssrcAt === 8 ? randomRtp(rng) : randomRtcp(rng);
  }
  if (b.length === genuine.length && b.every((x, i) => x === genuine[i])) b = b.subarray(1);
  // Interleaved frames and UDP reads both carry at most 1472 bytes here.
  return b.length > 1400 ? b.subarray(0, 1400) : b;
}

/** Runs the SAVP fuzzer; never throws for server misbehaviour (see `failures`). */
export async function runSavpFuzz(options: SavpFuzzOptions): Promise<SavpFuzzReport> {
  const rng = new Rng(options.seed);
  const report: SavpFuzzReport = {
    seed: options.seed,
    rounds: 0,
    seconds: 0,
    keyMgmtCases: {},
    responses: {},
    genuineSent: 0,
    damagedSent: 0,
    packetsReceived: 0,
    decodeErrors: 0,
    decodeErrorCodes: {},
    foreignUdpPackets: 0,
    healthChecks: 0,
    failures: [],
    internalErrors: [],
  };
  const stopRecordingUncaught = recordUncaught(report.failures);

  const announced = new Map<ServerSession, ServerStream>();
  const received = new Map<ServerSession, number>();
  const recording: ServerSession[] = [];
  const playing: ServerSession[] = [];
  const fixture: { stream?: ServerStream } = {};
  const fixtures = fixtureHooks(fixture, announced, () => server);
  const handler: ServerHandler = {
    ...replyCountingHooks(report),
    ...fixtures,
    onSessionClose(ctx) {
      fixtures.onSessionClose(ctx);
      received.delete(ctx.session);
    },
    onDecodeError({ error }) {
      const code = (error as Error & { code?: unknown }).code;
      bump(
        report.decodeErrorCodes,
        typeof code === "string" ? code : error.message.replace(/:.*$/s, "").slice(0, 48),
      );
    },
    onPacketsLost() {},
    onStreamWriteError() {},
    onPlay({ session }) {
      playing.push(session);
      return { response: { statusCode: 200 } };
    },
    onRecord({ session }) {
      received.set(session, 0);
      recording.push(session);
      session.onPacketRtpAny(() => {
        report.packetsReceived++;
        received.set(session, (received.get(session) ?? 0) + 1);
      });
      return { response: { statusCode: 200 } };
    },
  };

  const server = await startServerOnUdpPair({
    rtspAddress: "127.0.0.1:0",
    tls: { cert: readPem("server_cert.pem"), key: readPem("server_key.pem") },
    idleTimeoutMs: 5000,
    readTimeoutMs: 3000,
    writeTimeoutMs: 3000,
    handler,
  }, { draw: (n) => rng.int(n) });
  fixture.stream = new ServerStream({ server, desc: parseSessionDescription(SDP) });
  fixture.stream.initialize();
  const port = server.address().port;
  const udpRtpPort = server._ctx!.udp!.rtpPort;
  const base = `rtsps://127.0.0.1:${port}`;

  /** One SETUP with a hostile KeyMgmt on its own connection (a 400 closes it). */
  async function keyMgmtCase(): Promise<void> {
    const url = `${base}/savp/trackID=0`;
    const [kind, value] = hostileKeyMgmt(rng, url);
    bump(report.keyMgmtCases, kind);
    let expected: number;
    try {
      srtpContextFromKeyMgmt(value);
      expected = 200;
    } catch {
      expected = 400;
    }
    const c = await FuzzClient.connectTls(port);
    try {
      const r = await c.request(
        "SETUP",
        url,
        {
          Transport: "RTP/SAVP/TCP;unicast;interleaved=0-1",
          KeyMgmt: value,
        },
        "",
        3000,
      );
      // A value over the parser's limit (2047 bytes) closes the connection without an answer.
      const tooLong = new TextEncoder().encode(value).length >= 2048;
      const ok = tooLong ? r === undefined && await c.waitClosed(3000) : r?.statusCode === expected;
      if (tooLong) bump(report.keyMgmtCases, "closedTooLong");
      if (!ok) {
        report.failures.push(
          `KeyMgmt ${kind}: got ${r?.statusCode ?? "no answer"}, expected ${
            tooLong ? "a close" : expected
          }: ${value.slice(0, 300)}`,
        );
      }
    } finally {
      c.close();
    }
  }

  /** ANNOUNCE, SETUP with a genuine client key, RECORD; returns the session and the key. */
  async function publish(
    c: FuzzClient,
    path: string,
    transport: string,
  ): Promise<{ session: ServerSession; tx: SrtpContext; id: string } | undefined> {
    const a = await c.request(
      "ANNOUNCE",
      `${base}/${path}`,
      {
        "Content-Type": "application/sdp",
      },
      SDP,
      3000,
    );
    const keyAndSalt = rng.bytes(30);
    const s = await setupWithKey(c, { url: `${base}/${path}/trackID=0`, transport, keyAndSalt });
    const id = sessionOf(s);
    const before = recording.length;
    const r = id === undefined
      ? undefined
      : await c.request("RECORD", `${base}/${path}`, { Session: id }, "", 3000);
    if (
      id === undefined || a?.statusCode !== 200 || s?.statusCode !== 200 || r?.statusCode !== 200
    ) {
      report.failures.push(
        `publisher ${transport}: ANNOUNCE ${a?.statusCode} SETUP ${s?.statusCode} RECORD ${r?.statusCode}`,
      );
      return undefined;
    }
    return { session: recording[before]!, tx: new SrtpContext(keyAndSalt), id };
  }

  /**
   * A publisher that sends genuine SRTP mixed with damaged SRTP and SRTCP, then a genuine
   * sentinel; checks the session's counters against what was sent.
   */
  async function publisherCase(udp: boolean): Promise<void> {
    const c = await FuzzClient.connectTls(port);
    const socks = udp ? [await bindUdp(), await bindUdp(), await bindUdp()] : [];
    try {
      const transport = udp
        ? `RTP/SAVP;unicast;client_port=${socks[0]!.address().port}-${
          socks[1]!.address().port
        };mode=record`
        : "RTP/SAVP/TCP;unicast;interleaved=0-1;mode=record";
      const path = `pub${rng.int(1000)}`;
      const p = await publish(c, path, transport);
      if (p === undefined) return;
      const { session, tx, id } = p;
      const sendRtp = (b: Uint8Array) =>
        udp ? socks[0]!.send(b, udpRtpPort, "127.0.0.1") : c.write(encodeInterleavedFrame(0, b));
      const sendRtcp = (b: Uint8Array) =>
        udp
          ? socks[1]!.send(b, udpRtpPort + 1, "127.0.0.1")
          : c.write(encodeInterleavedFrame(1, b));
      // Sequence numbers advance only with the genuine packets sent, so that a UDP receiver
      // never waits for a gap to fill before it delivers.
      let seq = rng.int(65536);
      const genuine = (): Uint8Array => {
        const next = (seq + 1) & 0xffff;
        // No padding, CSRCs or extension: a packet the server reads whatever its payload.
        const plain = rng.bytes(13 + rng.int(300));
        plain.set([0x80, (rng.int(2) << 7) | 96, next >> 8, next & 0xff]);
        new DataView(plain.buffer).setUint32(8, SSRC);
        return tx.protectRtp(plain);
      };
      const sendGenuine = (b: Uint8Array) => {
        sendRtp(b);
        seq = (seq + 1) & 0xffff;
      };
      // Sometimes forged packets from more SSRCs than a context tracks (64) come first: they
      // must not lock the genuine sender out.
      let damaged = 0;
      if (rng.chance(0.3)) {
        for (let i = 0; i < 70; i++) {
          const forged = genuine().slice();
          new DataView(forged.buffer).setUint32(8, 0x01000000 + i);
          sendRtp(forged);
          damaged++;
        }
      }
      // The first genuine packet fixes the publisher's SSRC.
      sendGenuine(genuine());
      let genuineSent = 1;
      if (!(await until(() => received.get(session) === 1, 2000))) {
        report.failures.push(`publisher udp=${udp}: the first genuine packet never arrived`);
        report.genuineSent += genuineSent;
        report.damagedSent += damaged;
        return;
      }
      const sent: Uint8Array[] = [];
      let foreign = 0;
      const foreignBefore = server.stats().foreignUdpPackets;
      const n = 20 + rng.int(60);
      for (let i = 0; i < n; i++) {
        const g = genuine();
        const roll = rng.int(10);
        if (roll < 3) {
          sendGenuine(g);
          sent.push(g);
          genuineSent++;
        } else if (roll < 7) {
          sendRtp(damage(rng, g, sent, 8));
          damaged++;
        } else if (roll < 9) {
          const rr = new Uint8Array([0x80, 201, 0, 1, 0, 0, 0, 0]);
          new DataView(rr.buffer).setUint32(4, SSRC);
          sendRtcp(damage(rng, tx.protectRtcp(rr), [], 4));
          damaged++;
        } else if (udp) {
          // From a port no session expects: not a decode error, a foreign packet.
          socks[2]!.send(damage(rng, g, sent, 8), udpRtpPort, "127.0.0.1");
          foreign++;
        }
        if (udp && i % 8 === 7) await sleep(1); // no burst the loopback could drop
      }
      // The sentinel: over TCP, once it arrives every frame before it has been read.
      sendGenuine(genuine());
      genuineSent++;
      report.genuineSent += genuineSent;
      report.damagedSent += damaged;
      const errors = () => {
        const st = session.stats();
        return st.inboundRtpPacketsInError + st.inboundRtcpPacketsInError;
      };
      const arrived = await until(
        () => received.get(session) === genuineSent && errors() >= damaged,
        udp ? 1000 : 3000,
      );
      const got = received.get(session) ?? 0;
      const e = errors();
      if (!udp && (!arrived || e !== damaged || got !== genuineSent)) {
        report.failures.push(
          `TCP publisher: ${got}/${genuineSent} genuine packets delivered, ${e} decode errors for ${damaged} damaged packets`,
        );
      }
      // UDP may lose a datagram now and then, but never count more than was sent.
      if (udp && (e > damaged || got > genuineSent || e < damaged / 2 || got < genuineSent / 2)) {
        report.failures.push(
          `UDP publisher: ${got}/${genuineSent} genuine packets delivered, ${e} decode errors for ${damaged} damaged packets`,
        );
      }
      if (udp && foreign > 0 && server.stats().foreignUdpPackets === foreignBefore) {
        report.failures.push(`UDP publisher: ${foreign} foreign datagrams were not counted`);
      }
      // A UDP session outlives its connection: end it, or a later socket on the same port
      // would still belong to it.
      await c.request("TEARDOWN", `${base}/${path}`, { Session: id }, "", 3000);
    } finally {
      for (const s of socks) s.close();
      c.close();
    }
  }

  /**
   * A reader that sends genuine SRTCP receiver reports mixed with damaged SRTCP (and SRTP on
   * the RTP channel); checks the session's RTCP counters against what was sent.
   */
  async function readerCase(): Promise<void> {
    const c = await FuzzClient.connectTls(port);
    try {
      const url = `${base}/savp`;
      const keyAndSalt = rng.bytes(30);
      const s = await setupWithKey(c, {
        url: `${url}/trackID=0`,
        transport: "RTP/SAVP/TCP;unicast;interleaved=0-1",
        keyAndSalt,
      });
      const id = sessionOf(s);
      const before = playing.length;
      const p = id === undefined
        ? undefined
        : await c.request("PLAY", url, { Session: id }, "", 3000);
      if (s?.statusCode !== 200 || p?.statusCode !== 200) {
        report.failures.push(`reader: SETUP ${s?.statusCode} PLAY ${p?.statusCode}`);
        return;
      }
      const session = playing[before]!;
      const tx = new SrtpContext(keyAndSalt);
      const sent: Uint8Array[] = [];
      let genuine = 0;
      let damaged = 0;
      const n = 10 + rng.int(40);
      for (let i = 0; i < n; i++) {
        const rr = new Uint8Array([0x80, 201, 0, 1, 0, 0, 0, 0]);
        new DataView(rr.buffer).setUint32(4, SSRC);
        const g = tx.protectRtcp(rr);
        if (rng.chance(0.3)) {
          c.write(encodeInterleavedFrame(1, g));
          sent.push(g);
          genuine++;
        } else {
          c.write(encodeInterleavedFrame(1, damage(rng, g, sent, 4)));
          damaged++;
        }
      }
      report.genuineSent += genuine;
      report.damagedSent += damaged;
      const counts = () => {
        const st = session.stats();
        return [st.inboundRtcpPackets, st.inboundRtcpPacketsInError];
      };
      await until(() => counts()[0]! >= genuine && counts()[1]! >= damaged, 3000);
      const [ok, bad] = counts();
      if (ok !== genuine || bad !== damaged) {
        report.failures.push(
          `TCP reader: ${ok}/${genuine} genuine SRTCP packets read, ${bad} decode errors for ${damaged} damaged packets`,
        );
      }
    } finally {
      c.close();
    }
  }

  async function healthCheck(): Promise<void> {
    report.healthChecks++;
    const problem = await checkHealth(() => FuzzClient.connectTls(port, 3000), base);
    if (problem !== undefined) {
      report.failures.push(`health check after round ${report.rounds}: ${problem}`);
    }
  }

  const started = Date.now();
  const decodeErrorsBefore = server.stats().decodeErrors;
  try {
    await healthCheck();
    while (
      report.rounds < options.rounds && Date.now() - started < options.seconds * 1000 &&
      report.failures.length === 0
    ) {
      const cases: Promise<void>[] = [];
      for (let i = 0; i < 8; i++) cases.push(keyMgmtCase());
      cases.push(publisherCase(false), readerCase());
      await Promise.all(cases.map((p) => p.catch((e: Error) => report.failures.push(e.message))));
      // UDP alone: counting is per session, but a quiet loopback loses nothing.
      await publisherCase(true).catch((e: Error) => report.failures.push(e.message));
      report.rounds++;
      await healthCheck();
      options.log?.(
        `round ${report.rounds}: ${report.genuineSent} genuine, ${report.damagedSent} damaged, ` +
          `conns ${server._ctx!.conns.size}, sessions ${server._ctx!.sessions.size}`,
      );
    }
  } finally {
    const stats = server.stats();
    report.decodeErrors = stats.decodeErrors - decodeErrorsBefore;
    report.foreignUdpPackets = stats.foreignUdpPackets;
    // Every decode error was reported to onDecodeError, and none came without a damaged packet.
    const reported = Object.values(report.decodeErrorCodes).reduce((a, b) => a + b, 0);
    if (reported !== report.decodeErrors || report.decodeErrors > report.damagedSent) {
      report.failures.push(
        `decode errors: ${report.decodeErrors} counted, ${reported} reported, ${report.damagedSent} damaged packets sent`,
      );
    }
    await server.close();
    report.seconds = (Date.now() - started) / 1000;
    await sleep(50);
    stopRecordingUncaught();
  }
  return report;
}
