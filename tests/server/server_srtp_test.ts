/**
 * SPEC scenarios 22, 23, 51 (rtsps-savp) and 59 (SRTP half) over real loopback sockets: a raw
 * RTSPS client, raw UDP sockets, and the library's own SRTP/MIKEY code to check what arrives.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { RawRtspClient } from "../_helpers/raw_rtsp_client.ts";
import { TEST_SERVER_CERT, TEST_SERVER_KEY } from "../_helpers/tls_certs.ts";
import { decodeBase64, encodeBase64 } from "../../src/bytes/mod.ts";
import {
  createSrtpMikey,
  decodeMikey,
  encodeMikey,
  parseKeyMgmt,
  srtpKeyFromMikey,
} from "../../src/mikey/mod.ts";
import {
  decodeRtcp,
  decodeRtp,
  encodeRtcp,
  type RtcpPacket,
  type RtpPacket,
} from "../../src/rtp/mod.ts";
import { SrtpContext } from "../../src/srtp/mod.ts";
import {
  clientUdp,
  Events,
  type Fixture,
  rtp,
  rtpBytes,
  SDP_ONE_MEDIA,
  type StartServerOptions,
  testScope,
} from "./_fixture.ts";
import { cnameAfterReport } from "./_rtcp_cname.ts";
import type { ServerHandler } from "../../src/server/server_handler.ts";

const TLS = { cert: TEST_SERVER_CERT, key: TEST_SERVER_KEY };
const { defer, serve, serveOnUdpPair, connect, joinMulticast } = testScope();

/** A client key and the `KeyMgmt` header value that hands it to the server. */
function clientKey(url: string, ssrc = 0x11223344): { keyAndSalt: Uint8Array; header: string } {
  const keyAndSalt = crypto.getRandomValues(new Uint8Array(30));
  const data = encodeBase64(
    encodeMikey(createSrtpMikey({ keyAndSalt, cryptoSessions: [{ ssrc, roc: 0 }] })),
  );
  return { keyAndSalt, header: `prot=mikey;uri="${url}";data="${data}"` };
}

function keyOf(base64: string): Uint8Array {
  return srtpKeyFromMikey(decodeMikey(decodeBase64(base64))).keyAndSalt;
}

interface Reader {
  f: Fixture;
  c: RawRtspClient;
  url: string;
  rtcpIn: Events<RtcpPacket>;
  errors: Events<Error>;
}

async function tlsServer(
  options: StartServerOptions = {},
  extra: ServerHandler = {},
): Promise<Reader> {
  const rtcpIn = new Events<RtcpPacket>();
  const errors = new Events<Error>();
  const f = await serveOnUdpPair({
    tls: TLS,
    disableRtcpSenderReports: true,
    ...options,
    extra: {
      onPlay: ({ session }) => {
        session.onPacketRtcpAny((_m, pkt) => rtcpIn.push(pkt));
        return { response: { statusCode: 200 } };
      },
      onDecodeError: ({ error }) => errors.push(error),
      onPacketsLost: () => {},
      ...extra,
    },
  });
  const c = await RawRtspClient.connectTls(f.port);
  defer(() => c.close());
  return { f, c, url: f.url.replace("rtsp:", "rtsps:"), rtcpIn, errors };
}

/** DESCRIBE, then SETUP with `transport` and a fresh client key; returns what the server gave. */
async function setupSavp(r: Reader, transport: string) {
  const d = await r.c.request("DESCRIBE", r.url);
  assert.equal(d.statusCode, 200);
  const sdpKey = /a=key-mgmt:mikey (\S+)/.exec(d.text)![1];
  const setupUrl = r.url + "/trackID=0";
  const client = clientKey(setupUrl);
  const s = await r.c.request("SETUP", setupUrl, { Transport: transport, KeyMgmt: client.header });
  assert.equal(s.statusCode, 200);
  const keyMgmt = parseKeyMgmt(s.headers.get("KeyMgmt")!);
  assert.equal(keyMgmt.uri, setupUrl);
  const serverKey = keyOf(keyMgmt.data);
  assert.deepEqual(serverKey, keyOf(sdpKey), "SETUP repeats the key of the SDP");
  const id = s.headers.get("Session")!.split(";")[0];
  return { d, s, id, serverKey, clientKey: client.keyAndSalt };
}

describe("Server SRTP (RTSPS + RTP/SAVP)", () => {
  it("scenario 22: the SDP offers RTP/SAVP with a MIKEY key per media", async () => {
    const r = await tlsServer();
    const d = await r.c.request("DESCRIBE", r.url);
    assert.match(d.text, /^m=video 0 RTP\/SAVP 96$/m);
    const keys = [...d.text.matchAll(/^a=key-mgmt:mikey (\S+)$/gm)];
    assert.equal(keys.length, 1);
    const msg = decodeMikey(decodeBase64(keys[0][1]));
    const ssrc = r.f.stream!.stats().medias.get(r.f.stream!.desc.medias[0])!.formats.values().next()
      .value!.localSsrc;
    assert.deepEqual(msg.cryptoSessions, [{ policyNo: 0, ssrc, roc: 0 }]);
    assert.equal(srtpKeyFromMikey(msg).keyAndSalt.length, 30);
  });

  it("scenario 22 (TCP): SETUP with KeyMgmt gets 200 + KeyMgmt; frames decrypt with that key", async () => {
    const r = await tlsServer();
    const { s, id, serverKey, clientKey } = await setupSavp(
      r,
      "RTP/SAVP/TCP;unicast;interleaved=0-1",
    );
    assert.match(
      s.headers.get("Transport")!,
      /^RTP\/SAVP\/TCP;unicast;interleaved=0-1;ssrc=[0-9A-F]{8}$/,
    );
    assert.equal((await r.c.request("PLAY", r.url, { Session: id })).statusCode, 200);
    const media = r.f.stream!.desc.medias[0];
    r.f.stream!.writePacketRtp(media, rtp(7, 1000, [5, 1, 2, 3]));
    r.f.stream!.writePacketRtcp(media, [{ type: "rr", ssrc: 1, reports: [] }]);
    const rx = new SrtpContext(serverKey);
    const frame = await r.c.readFrame(0);
    assert.equal(frame.payload.length, 16 + 10);
    const pkt = decodeRtp(rx.unprotectRtp(frame.payload));
    assert.deepEqual([pkt.sequenceNumber, pkt.timestamp, [...pkt.payload]], [7, 1000, [
      5,
      1,
      2,
      3,
    ]]);
    assert.equal(decodeRtcp(rx.unprotectRtcp((await r.c.readFrame(1)).payload))[0].type, "rr");
    // The client's RTCP, protected with the key of its KeyMgmt, reaches onPacketRtcp.
    const tx = new SrtpContext(clientKey);
    r.c.writeFrame(1, tx.protectRtcp(encodeRtcp([{ type: "rr", ssrc: 0x11223344, reports: [] }])));
    assert.equal((await r.rtcpIn.next()).type, "rr");
    // Unprotected RTCP cannot be unprotected: a decode error, the connection stays.
    r.c.writeFrame(1, encodeRtcp([{ type: "rr", ssrc: 0x11223344, reports: [] }]));
    assert.match((await r.errors.next()).message, /Cannot unprotect SRTCP packet/);
    assert.equal((await r.c.request("GET_PARAMETER", r.url, { Session: id })).statusCode, 200);
  });

  it("scenario 26 under SAVP (TCP): sender reports to a reader are SRTCP with the stream key", async () => {
    // A frozen clock: the SR's RTP time is the packet's plus the wall time elapsed since it was
    // written, which would otherwise vary with the machine's load.
    const frozen = Date.now();
    const r = await tlsServer({
      disableRtcpSenderReports: false,
      senderReportPeriodMs: 100,
      now: () => frozen,
    });
    const { id, serverKey } = await setupSavp(r, "RTP/SAVP/TCP;unicast;interleaved=0-1");
    assert.equal((await r.c.request("PLAY", r.url, { Session: id })).statusCode, 200);
    r.f.stream!.writePacketRtp(r.f.stream!.desc.medias[0], rtp(1, 240000, [5]));
    const rx = new SrtpContext(serverKey);
    decodeRtp(rx.unprotectRtp((await r.c.readFrame(0)).payload));
    const compound = decodeRtcp(rx.unprotectRtcp((await r.c.readFrame(1)).payload));
    const sr = compound[0];
    assert.equal(sr.type, "sr");
    assert.deepEqual(compound.map((p) => p.type), ["sr", "sdes"]);
    const media = r.f.stream!.desc.medias[0];
    cnameAfterReport(compound, r.f.stream!._ssrcs(media)[0]);
    assert.deepEqual(sr.type === "sr" ? [sr.rtpTime, sr.packetCount, sr.octetCount] : [], [
      240000,
      1,
      1,
    ]);
  });

  it("scenario 22 (UDP): packets to client_port decrypt; client SRTCP reaches onPacketRtcp", async () => {
    const r = await tlsServer();
    const udp = await clientUdp();
    defer(() => udp.close());
    const { s, id, serverKey, clientKey } = await setupSavp(
      r,
      `RTP/SAVP;unicast;client_port=${udp.rtpPort}-${udp.rtcpPort}`,
    );
    const ctx = r.f.server._ctx!.udp!;
    assert.equal(
      s.headers.get("Transport")!.replace(/;ssrc=.*/, ""),
      `RTP/SAVP;unicast;client_port=${udp.rtpPort}-${udp.rtcpPort};server_port=${ctx.rtpPort}-${ctx.rtcpPort}`,
    );
    assert.equal((await r.c.request("PLAY", r.url, { Session: id })).statusCode, 200);
    const media = r.f.stream!.desc.medias[0];
    const rx = new SrtpContext(serverKey);
    for (const seq of [65535, 0, 1]) {
      r.f.stream!.writePacketRtp(media, rtp(seq, 1000, [5, seq & 0xff]));
      const pkt = decodeRtp(rx.unprotectRtp(await udp.rtp.next()));
      assert.deepEqual([pkt.sequenceNumber, [...pkt.payload]], [seq, [5, seq & 0xff]]);
    }
    r.f.stream!.writePacketRtcp(media, [{ type: "rr", ssrc: 2, reports: [] }]);
    assert.equal(decodeRtcp(rx.unprotectRtcp(await udp.rtcp.next()))[0].type, "rr");
    const tx = new SrtpContext(clientKey);
    udp.sendRtcp(
      tx.protectRtcp(encodeRtcp([{ type: "rr", ssrc: 0x11223344, reports: [] }])),
      ctx.rtcpPort,
    );
    assert.equal((await r.rtcpIn.next()).type, "rr");
  });

  it("scenario 22 (multicast): RTP/SAVP;multicast packets decrypt with the SDP key", async () => {
    const mp = 20000 + 4 * Math.floor(Math.random() * 10000);
    const r = await tlsServer({
      multicastIpRange: "224.4.0.0/16",
      multicastRtpPort: mp,
      multicastRtcpPort: mp + 1,
    });
    const { s, id, serverKey } = await setupSavp(r, "RTP/SAVP;multicast");
    assert.match(
      s.headers.get("Transport")!,
      new RegExp(`^RTP/SAVP;multicast;destination=224\\.4\\.0\\.1;port=${mp}-${mp + 1};ttl=127`),
    );
    const got = await joinMulticast("224.4.0.1", mp);
    assert.equal((await r.c.request("PLAY", r.url, { Session: id })).statusCode, 200);
    r.f.stream!.writePacketRtp(r.f.stream!.desc.medias[0], rtp(3, 3, [5, 9]));
    const pkt = decodeRtp(new SrtpContext(serverKey).unprotectRtp(await got.next()));
    assert.deepEqual([pkt.sequenceNumber, [...pkt.payload]], [3, [5, 9]]);
  });

  it("a client key with a 4-byte MKI (Axis) unprotects the client's SRTCP", async () => {
    const r = await tlsServer();
    const setupUrl = r.url + "/trackID=0";
    const keyAndSalt = crypto.getRandomValues(new Uint8Array(30));
    const mki = new Uint8Array([0, 0, 0, 1]);
    const data = encodeBase64(
      encodeMikey(createSrtpMikey({ keyAndSalt, cryptoSessions: [], mki })),
    );
    const s = await r.c.request("SETUP", setupUrl, {
      Transport: "RTP/SAVP/TCP;unicast;interleaved=0-1",
      KeyMgmt: `prot=mikey;uri="${setupUrl}";data="${data}"`,
    });
    assert.equal(s.statusCode, 200);
    const id = s.headers.get("Session")!.split(";")[0];
    assert.equal((await r.c.request("PLAY", r.url, { Session: id })).statusCode, 200);
    const rr = encodeRtcp([{
      type: "rr",
      ssrc: 5,
      reports: [{
        ssrc: 6,
        fractionLost: 0,
        totalLost: 0,
        highestSequenceNumber: 1,
        jitter: 0,
        lastSenderReport: 0,
        delaySinceLastSenderReport: 0,
      }],
    }]);
    r.c.writeFrame(1, new SrtpContext(keyAndSalt, { mki }).protectRtcp(rr));
    assert.equal((await r.rtcpIn.next()).type, "rr");
    r.c.writeFrame(1, new SrtpContext(keyAndSalt).protectRtcp(rr));
    assert.match((await r.errors.next()).message, /unknown MKI/);
  });

  it("SETUP with SAVP but without a usable KeyMgmt gets 400 and the connection closes", async () => {
    for (const keyMgmt of [undefined, 'prot=mikey;data="AQID"', "prot=sdes;data=x", "stale"]) {
      const r = await tlsServer();
      const url = r.url + "/trackID=0";
      const headers: Record<string, string> = { Transport: "RTP/SAVP/TCP;unicast;interleaved=0-1" };
      if (keyMgmt === "stale") {
        const data = encodeBase64(encodeMikey(createSrtpMikey({
          keyAndSalt: new Uint8Array(30),
          cryptoSessions: [],
          nowMs: Date.now() - 2 * 3600_000,
        })));
        headers.KeyMgmt = `prot=mikey;data="${data}"`;
      } else if (keyMgmt !== undefined) headers.KeyMgmt = keyMgmt;
      assert.equal((await r.c.request("SETUP", url, headers)).statusCode, 400, String(keyMgmt));
      await r.c.waitClosed();
    }
  });

  it("scenario 23: RTSPS refuses plain RTP/AVP over UDP (461); RTP/AVP/TCP gets plain frames", async () => {
    const r = await tlsServer();
    const url = r.url + "/trackID=0";
    const udp = await r.c.request("SETUP", url, {
      Transport: "RTP/AVP;unicast;client_port=35000-35001",
    });
    assert.equal(udp.statusCode, 461);
    const tcp = await r.c.request("SETUP", url, {
      Transport: "RTP/AVP/TCP;unicast;interleaved=0-1",
    });
    assert.equal(tcp.statusCode, 200);
    assert.equal(tcp.headers.get("KeyMgmt"), undefined);
    const id = tcp.headers.get("Session")!.split(";")[0];
    assert.equal((await r.c.request("PLAY", r.url, { Session: id })).statusCode, 200);
    r.f.stream!.writePacketRtp(r.f.stream!.desc.medias[0], rtp(4, 4, [5, 5]));
    assert.deepEqual([...(await r.c.readFrame(0)).payload.subarray(12)], [5, 5]);
  });

  it("scenario 23: RTP/SAVP on plain RTSP gets 461 and the connection stays", async () => {
    const f = await serve();
    const c = await connect(f);
    const url = f.url + "/trackID=0";
    const { header } = clientKey(url);
    for (
      const transport of [
        "RTP/SAVP/TCP;unicast;interleaved=0-1",
        "RTP/SAVP;unicast;client_port=35000-35001",
      ]
    ) {
      assert.equal(
        (await c.request("SETUP", url, { Transport: transport, KeyMgmt: header })).statusCode,
        461,
      );
    }
    assert.equal((await c.request("OPTIONS", f.url)).statusCode, 200);
  });

  it("packets must leave room for the SRTP tag (10 bytes) and SRTCP trailer (14 bytes)", async () => {
    const r = await tlsServer({ maxPacketSize: 100 });
    const media = r.f.stream!.desc.medias[0];
    r.f.stream!.writePacketRtp(media, rtp(1, 1, new Array(90 - 12).fill(5)));
    assert.throws(
      () => r.f.stream!.writePacketRtp(media, rtp(2, 1, new Array(91 - 12).fill(5))),
      RangeError,
    );
    r.f.stream!.writePacketRtcp(media, new Uint8Array(86));
    assert.throws(() => r.f.stream!.writePacketRtcp(media, new Uint8Array(87)), RangeError);
  });
});

describe("Server SRTP publishing", () => {
  const ANNOUNCE_SDP = SDP_ONE_MEDIA.replace("RTP/AVP", "RTP/SAVP");

  async function publisher(transport: (udp: { rtpPort: number; rtcpPort: number }) => string) {
    const rtpIn = new Events<RtpPacket>();
    const r = await tlsServer({ sdp: null }, {
      onRecord: ({ session }) => {
        session.onPacketRtpAny((_m, _f, pkt) => rtpIn.push(pkt));
        return { response: { statusCode: 200 } };
      },
    });
    const udp = await clientUdp();
    defer(() => udp.close());
    assert.equal(
      (await r.c.request("ANNOUNCE", r.url, { "Content-Type": "application/sdp" }, ANNOUNCE_SDP))
        .statusCode,
      200,
    );
    const url = r.url + "/streamid=0";
    const client = clientKey(url);
    const s = await r.c.request("SETUP", url, {
      Transport: transport(udp),
      KeyMgmt: client.header,
    });
    assert.equal(s.statusCode, 200);
    const serverKey = keyOf(parseKeyMgmt(s.headers.get("KeyMgmt")!).data);
    assert.notDeepEqual(serverKey, client.keyAndSalt);
    const id = s.headers.get("Session")!.split(";")[0];
    assert.equal((await r.c.request("RECORD", r.url, { Session: id })).statusCode, 200);
    return {
      r,
      udp,
      rtpIn,
      tx: new SrtpContext(client.keyAndSalt),
      rx: new SrtpContext(serverKey),
    };
  }

  it("scenario 51 (rtsps-savp, UDP): hole punches are protected; client SRTP reaches onPacketRtp", async () => {
    const { r, udp, rtpIn, tx, rx } = await publisher((u) =>
      `RTP/SAVP;unicast;client_port=${u.rtpPort}-${u.rtcpPort};mode=record`
    );
    const punch = rx.unprotectRtp(await udp.rtp.next());
    assert.equal(punch.length, 12);
    assert.equal(decodeRtcp(rx.unprotectRtcp(await udp.rtcp.next()))[0].type, "rr");
    udp.sendRtp(tx.protectRtp(rtpBytes(1, 1000, [5, 6])), r.f.server._ctx!.udp!.rtpPort);
    const pkt = await rtpIn.next();
    assert.deepEqual([pkt.sequenceNumber, [...pkt.payload]], [1, [5, 6]]);
  });

  it("scenario 59: under SRTP an SSRC change is a decode error (wrong SSRC)", async () => {
    const { r, rtpIn, tx } = await publisher(() =>
      "RTP/SAVP/TCP;unicast;interleaved=0-1;mode=record"
    );
    r.c.writeFrame(0, tx.protectRtp(rtpBytes(1, 1, [5])));
    assert.equal((await rtpIn.next()).sequenceNumber, 1);
    r.c.writeFrame(0, tx.protectRtp(rtpBytes(2, 1, [5], 96, 0x55667788)));
    assert.match((await r.errors.next()).message, /wrong SSRC/);
    r.c.writeFrame(0, tx.protectRtp(rtpBytes(3, 1, [5])));
    assert.equal((await rtpIn.next()).sequenceNumber, 3);
    // A packet that does not authenticate is a decode error too.
    r.c.writeFrame(0, rtpBytes(4, 1, [5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
    assert.match((await r.errors.next()).message, /authentication failed/);
  });
});
