import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { type RawResponse, RawRtspClient } from "../_helpers/raw_rtsp_client.ts";
import {
  encodeRtcp,
  ntpFromUnixMs,
  type RtcpPacket,
  type SenderReport,
} from "../../src/rtp/mod.ts";
import type { Media } from "../../src/sdp/description.ts";
import { Server } from "../../src/server/server.ts";
import type { ServerSession } from "../../src/server/server_session.ts";
import { ServerStream } from "../../src/server/server_stream.ts";
import {
  type ClientUdp,
  clientUdp,
  desc,
  Events,
  type Fixture,
  parseRtcp,
  parseRtp,
  readerHandler,
  rtp,
  SDP_TWO_MEDIAS,
  testScope,
} from "./_fixture.ts";
import { cnameAfterReport } from "./_rtcp_cname.ts";

const { defer, serve: setup, serveOnUdpPair: withUdp, connect, joinMulticast } = testScope();

function sessionId(v: string | undefined): string {
  return v!.split(";")[0];
}

function hex8(n: number): string {
  return n.toString(16).toUpperCase().padStart(8, "0");
}

function streamSsrc(stream: ServerStream, media: Media): number {
  return stream.stats().medias.get(media)!.formats.values().next().value!.localSsrc;
}

async function playTcp(
  f: Fixture,
  c: RawRtspClient,
  interleaved = "0-1",
  track = 0,
): Promise<string> {
  const s = await c.request("SETUP", `${f.url}/trackID=${track}`, {
    Transport: `RTP/AVP/TCP;unicast;interleaved=${interleaved}`,
  });
  assert.equal(s.statusCode, 200);
  const id = sessionId(s.headers.get("Session"));
  const p = await c.request("PLAY", f.url + "/", { Session: id });
  assert.equal(p.statusCode, 200);
  return id;
}

/** SETUP trackID=0 over UDP to the ports of `udp`, then PLAY; returns the session id. */
async function playUdp(f: Fixture, c: RawRtspClient, udp: ClientUdp): Promise<string> {
  const s = await c.request("SETUP", f.url + "/trackID=0", {
    Transport: `RTP/AVP;unicast;client_port=${udp.rtpPort}-${udp.rtcpPort}`,
  });
  assert.equal(s.statusCode, 200);
  const id = sessionId(s.headers.get("Session"));
  assert.equal((await c.request("PLAY", f.url, { Session: id })).statusCode, 200);
  return id;
}

/** SETUP both medias over TCP (0-1, 2-3) in one session, then PLAY; returns the PLAY reply. */
async function playTwoMediasTcp(f: Fixture, c: RawRtspClient): Promise<RawResponse> {
  const s0 = await c.request("SETUP", f.url + "/trackID=0", {
    Transport: "RTP/AVP/TCP;unicast;interleaved=0-1",
  });
  const id = sessionId(s0.headers.get("Session"));
  await c.request("SETUP", f.url + "/trackID=1", {
    Transport: "RTP/AVP/TCP;unicast;interleaved=2-3",
    Session: id,
  });
  return await c.request("PLAY", f.url + "/", { Session: id });
}

const T0 = Date.UTC(2017, 7, 10, 12, 22, 0);

describe("Server playing", () => {
  it("scenario 18: two UDP readers from one IP with the same client ports: second SETUP 400", async () => {
    const f = await withUdp();
    const T = { Transport: "RTP/AVP;unicast;client_port=35466-35467" };
    const a = await connect(f);
    assert.equal((await a.request("SETUP", f.url + "/trackID=0", T)).statusCode, 200);
    const b = await connect(f);
    assert.equal((await b.request("SETUP", f.url + "/trackID=0", T)).statusCode, 400);
    await b.waitClosed();
  });

  it("scenario 19: UDP play delivers RTP and RTCP; client RTCP reaches onPacketRtcp; TEARDOWN closes", async () => {
    const rtcpIn = new Events<RtcpPacket>();
    const closed = new Events<ServerSession>();
    const f = await withUdp({
      extra: {
        onPlay: ({ session }) => {
          session.onPacketRtcpAny((_m, pkt) => rtcpIn.push(pkt));
          return { response: { statusCode: 200 } };
        },
        onSessionClose: ({ session }) => closed.push(session),
      },
    });
    const udp = await clientUdp();
    defer(() => udp.close());
    const c = await connect(f);
    const s = await c.request("SETUP", f.url + "/trackID=0", {
      Transport: `RTP/AVP;unicast;client_port=${udp.rtpPort}-${udp.rtcpPort}`,
    });
    assert.equal(s.statusCode, 200);
    const media = f.stream!.desc.medias[0];
    const ssrc = streamSsrc(f.stream!, media);
    const serverRtp = f.server._ctx!.udp!.rtpPort;
    assert.equal(
      s.headers.get("Transport"),
      `RTP/AVP;unicast;client_port=${udp.rtpPort}-${udp.rtcpPort};server_port=${serverRtp}-${
        serverRtp + 1
      };ssrc=${hex8(ssrc)}`,
    );
    const id = sessionId(s.headers.get("Session"));
    assert.equal((await c.request("PLAY", f.url + "/", { Session: id })).statusCode, 200);
    f.stream!.writePacketRtp(media, rtp(556, 123456, [5, 1, 2]));
    const got = parseRtp(await udp.rtp.next());
    assert.equal(got.ssrc, ssrc);
    assert.equal(got.sequenceNumber, 556);
    assert.equal(got.timestamp, 123456);
    assert.deepEqual([...got.payload], [5, 1, 2]);
    const compound = parseRtcp(await udp.rtcp.next());
    const sr = compound[0] as SenderReport;
    assert.equal(sr.type, "sr");
    assert.equal(sr.ssrc, ssrc);
    assert.deepEqual(compound.map((p) => p.type), ["sr", "sdes"]);
    cnameAfterReport(compound, ssrc);
    udp.sendRtcp(encodeRtcp([{ type: "rr", ssrc: 7, reports: [] }]), serverRtp + 1);
    assert.equal((await rtcpIn.next()).type, "rr");
    assert.equal((await c.request("OPTIONS", f.url, { Session: id })).statusCode, 200);
    assert.equal((await c.request("GET_PARAMETER", f.url, { Session: id })).statusCode, 200);
    assert.equal((await c.request("TEARDOWN", f.url, { Session: id })).statusCode, 200);
    await closed.next();
  });

  it("scenario 20: TCP play on 5-6: RTCP written in onPlay arrives on ch 6 after the response, RTP on ch 5", async () => {
    const f = await setup({
      extra: {
        onPlay: ({ session }) => {
          session.writePacketRtcp(session.medias()[0], [{ type: "rr", ssrc: 1, reports: [] }]);
          return { response: { statusCode: 200 } };
        },
      },
    });
    const c = await connect(f);
    await playTcp(f, c, "5-6");
    const fr = await c.readFrame(6);
    assert.equal(parseRtcp(fr.payload)[0].type, "rr");
    f.stream!.writePacketRtp(f.stream!.desc.medias[0], rtp(1, 2, [1]));
    const r = await c.readFrame(5);
    assert.equal(parseRtp(r.payload).sequenceNumber, 1);
    assert.deepEqual(c.history.slice(0, 3), ["response", "response", "frame:6"]);
  });

  it("scenario 24: stream writes inside onPlay never precede the PLAY response", async () => {
    // deno-lint-ignore prefer-const -- assigned after the handler that reads it
    let stream: ServerStream | undefined;
    const f = await setup({
      extra: {
        onPlay: () => {
          stream!.writePacketRtp(stream!.desc.medias[0], rtp(1, 1, [1]));
          return { response: { statusCode: 200 } };
        },
      },
    });
    stream = f.stream;
    const c = await connect(f);
    await playTcp(f, c);
    f.stream!.writePacketRtp(f.stream!.desc.medias[0], rtp(2, 2, [1]));
    const fr = await c.readFrame(0);
    assert.equal(parseRtp(fr.payload).sequenceNumber, 2);
    assert.deepEqual(c.history.slice(0, 2), ["response", "response"]);
  });

  it("scenario 25: PLAY, PLAY, PAUSE, PAUSE, PLAY all answer 200 and writes keep working", async () => {
    const f = await setup();
    const c = await connect(f);
    const id = await playTcp(f, c);
    const media = f.stream!.desc.medias[0];
    for (const m of ["PLAY", "PAUSE", "PAUSE", "PLAY"]) {
      assert.equal((await c.request(m, f.url + "/", { Session: id })).statusCode, 200, m);
    }
    f.stream!.writePacketRtp(media, rtp(9, 9, [1]));
    assert.equal(parseRtp((await c.readFrame(0)).payload).sequenceNumber, 9);
  });

  it("PLAY over UDP then PAUSE stops delivery; PLAY resumes", async () => {
    const f = await withUdp({ disableRtcpSenderReports: true });
    const udp = await clientUdp();
    defer(() => udp.close());
    const c = await connect(f);
    const id = await playUdp(f, c, udp);
    const media = f.stream!.desc.medias[0];
    assert.equal((await c.request("PAUSE", f.url, { Session: id })).statusCode, 200);
    f.stream!.writePacketRtp(media, rtp(1, 1, [1]));
    assert.equal((await c.request("PLAY", f.url, { Session: id })).statusCode, 200);
    f.stream!.writePacketRtp(media, rtp(2, 2, [1]));
    assert.equal(parseRtp(await udp.rtp.next()).sequenceNumber, 2);
  });

  for (const transport of ["tcp", "udp"] as const) {
    it(`scenario 26: sender reports follow the fake clock (${transport})`, async () => {
      let now = T0 + 5000;
      const f = await withUdp({ now: () => now, senderReportPeriodMs: 100 });
      const media = f.stream!.desc.medias[0];
      const c = await connect(f);
      let nextRtcp: () => Promise<Uint8Array>;
      if (transport === "tcp") {
        await playTcp(f, c);
        nextRtcp = async () => (await c.readFrame(1)).payload;
      } else {
        const udp = await clientUdp();
        defer(() => udp.close());
        await playUdp(f, c, udp);
        nextRtcp = () => udp.rtcp.next();
      }
      f.stream!.writePacketRtpWithNtp(media, rtp(1, 240000, [5]), new Date(T0));
      const compound1 = parseRtcp(await nextRtcp());
      const sr1 = compound1[0] as SenderReport;
      const ssrc = streamSsrc(f.stream!, media);
      const cname = cnameAfterReport(compound1, ssrc);
      const ntp0 = ntpFromUnixMs(T0);
      assert.deepEqual([sr1.ntpMsw, sr1.rtpTime, sr1.packetCount, sr1.octetCount], [
        ntp0.msw,
        240000,
        1,
        1,
      ]);
      now += 30000;
      let compound2: RtcpPacket[];
      let sr2: SenderReport;
      do {
        compound2 = parseRtcp(await nextRtcp());
        sr2 = compound2[0] as SenderReport;
      } while (sr2.rtpTime === 240000);
      assert.equal(sr2.ntpMsw, ntpFromUnixMs(T0 + 30000).msw);
      assert.equal(sr2.rtpTime, 240000 + 2700000);
      assert.equal(cnameAfterReport(compound2, ssrc), cname, "the CNAME stays for the stream");
    });
  }

  it("sender reports carry [SR, SDES CNAME]: one CNAME per stream for all its SSRCs, another for another stream", async () => {
    const f1 = await setup({ sdp: SDP_TWO_MEDIAS, senderReportPeriodMs: 60000 });
    const [video, audio] = f1.stream!.desc.medias;
    const c1 = await connect(f1);
    await playTwoMediasTcp(f1, c1);
    f1.stream!.writePacketRtp(video, rtp(1, 0, [5]));
    f1.stream!.writePacketRtp(audio, rtp(1, 0, [1], 8));
    const videoSr = parseRtcp((await c1.readFrame(1)).payload);
    const audioSr = parseRtcp((await c1.readFrame(3)).payload);
    assert.deepEqual(videoSr.map((p) => p.type), ["sr", "sdes"]);
    assert.deepEqual(audioSr.map((p) => p.type), ["sr", "sdes"]);
    const cname = cnameAfterReport(videoSr, streamSsrc(f1.stream!, video));
    assert.equal(cnameAfterReport(audioSr, streamSsrc(f1.stream!, audio)), cname);

    const f2 = await setup({ senderReportPeriodMs: 60000 });
    const c2 = await connect(f2);
    await playTcp(f2, c2);
    const media2 = f2.stream!.desc.medias[0];
    f2.stream!.writePacketRtp(media2, rtp(1, 0, [5]));
    const other = cnameAfterReport(
      parseRtcp((await c2.readFrame(1)).payload),
      streamSsrc(f2.stream!, media2),
    );
    assert.notEqual(other, cname);
  });

  it("scenario 27: DESCRIBE ?vlcmulticast with multicast configured gives c=IN IP4 224.1.0.0", async () => {
    const f = await setup({
      multicastIpRange: "224.1.0.0/16",
      multicastRtpPort: 28002,
      multicastRtcpPort: 28003,
    });
    const c = await connect(f);
    assert.match(
      (await c.request("DESCRIBE", f.url + "?vlcmulticast")).text,
      /c=IN IP4 224\.1\.0\.0/,
    );
    assert.match((await c.request("DESCRIBE", f.url)).text, /c=IN IP4 0\.0\.0\.0/);
  });

  it("scenario 28/29: UDP play with a silent client times out; TCP play closes with the socket", async () => {
    const closed = new Events<Error | undefined>();
    const f = await withUdp({
      idleTimeoutMs: 1000,
      checkStreamPeriodMs: 200,
      extra: { onSessionClose: ({ error }) => closed.push(error) },
    });
    const c = await connect(f);
    const s = await c.request("SETUP", f.url + "/trackID=0", {
      Transport: "RTP/AVP;unicast;client_port=35000-35001",
    });
    await c.request("PLAY", f.url, { Session: sessionId(s.headers.get("Session")) });
    c.close();
    assert.match((await closed.next(3000))!.message, /Timed out/);
    const d = await connect(f);
    await playTcp(f, d);
    d.close();
    assert.match((await closed.next(1000))!.message, /closed/);
  });

  it("scenario 30: a new connection from the same IP keeps a UDP session alive with GET_PARAMETER", async () => {
    const f = await withUdp();
    const c = await connect(f);
    const s = await c.request("SETUP", f.url + "/trackID=0", {
      Transport: "RTP/AVP;unicast;client_port=35100-35101",
    });
    const id = sessionId(s.headers.get("Session"));
    await c.request("PLAY", f.url, { Session: id });
    c.close();
    const d = await connect(f);
    assert.equal((await d.request("GET_PARAMETER", f.url, { Session: id })).statusCode, 200);
  });

  it("scenario 31: only the set-up media is delivered", async () => {
    const f = await setup({ sdp: SDP_TWO_MEDIAS, disableRtcpSenderReports: true });
    const c = await connect(f);
    await playTcp(f, c, "4-5");
    const [m0, m1] = f.stream!.desc.medias;
    f.stream!.writePacketRtp(m1, rtp(7, 7, [1], 8));
    f.stream!.writePacketRtp(m0, rtp(8, 8, [1]));
    const fr = await c.readFrame();
    assert.equal(fr.channel, 4);
    assert.equal(parseRtp(fr.payload).sequenceNumber, 8);
  });

  it("scenario 32: RTP-Info carries seq and rtptime of written medias", async () => {
    const f = await setup({ sdp: SDP_TWO_MEDIAS });
    const [m0, m1] = f.stream!.desc.medias;
    f.stream!.writePacketRtp(m0, rtp(556, 1000, [1]));
    const p = await playTwoMediasTcp(f, await connect(f));
    const base = `rtsp://127.0.0.1:${f.port}/teststream`;
    assert.match(
      p.headers.get("RTP-Info")!,
      new RegExp(`^url=${base}/trackID=0;seq=557;rtptime=\\d+,url=${base}/trackID=1$`),
    );
    f.stream!.writePacketRtp(m1, rtp(87, 1000, [1], 8));
    const p1 = await playTwoMediasTcp(f, await connect(f));
    assert.match(p1.headers.get("RTP-Info")!, /trackID=1;seq=88;rtptime=\d+$/);
  });

  it("scenario 33: stream stats count one packet per reader", async () => {
    const f = await withUdp({ disableRtcpSenderReports: true });
    const c = await connect(f);
    await playTcp(f, c);
    const udp = await clientUdp();
    defer(() => udp.close());
    const d = await connect(f);
    await playUdp(f, d, udp);
    f.stream!.writePacketRtp(f.stream!.desc.medias[0], rtp(1, 1, [1, 2, 3, 4]));
    const st = f.stream!.stats();
    assert.equal(st.outboundRtpPackets, 2);
    assert.equal(st.outboundBytes, 32);
    assert.equal(st.outboundRtcpPackets, 0);
    await c.readFrame(0);
    await udp.rtp.next();
  });

  it("a burst larger than writeQueueSize reaches a reader that keeps up", async () => {
    const errors = new Events<Error>();
    const f = await setup({
      writeQueueSize: 4,
      disableRtcpSenderReports: true,
      extra: { onStreamWriteError: ({ error }) => errors.push(error) },
    });
    const c = await connect(f);
    const id = await playTcp(f, c);
    const media = f.stream!.desc.medias[0];
    for (let i = 0; i < 10; i++) f.stream!.writePacketRtp(media, rtp(i, i, [1]));
    for (let i = 0; i < 10; i++) {
      assert.equal(parseRtp((await c.readFrame(0)).payload).sequenceNumber, i);
    }
    assert.equal(errors.length, 0);
    assert.equal((await c.request("GET_PARAMETER", f.url, { Session: id })).statusCode, 200);
  });

  it("scenario 26: sender reports to a multicast group", async () => {
    let now = T0 + 5000;
    const mp = 20000 + 4 * Math.floor(Math.random() * 10000);
    const f = await setup({
      now: () => now,
      senderReportPeriodMs: 100,
      multicastIpRange: "224.3.0.0/16",
      multicastRtpPort: mp,
      multicastRtcpPort: mp + 1,
    });
    const c = await connect(f);
    const s = await c.request("SETUP", f.url + "/trackID=0", { Transport: "RTP/AVP;multicast" });
    assert.match(
      s.headers.get("Transport")!,
      new RegExp(`destination=224\\.3\\.0\\.1;port=${mp}-${mp + 1};ttl=127`),
    );
    const got = await joinMulticast("224.3.0.1", mp + 1);
    await c.request("PLAY", f.url, { Session: sessionId(s.headers.get("Session")) });
    f.stream!.writePacketRtpWithNtp(f.stream!.desc.medias[0], rtp(1, 240000, [5]), new Date(T0));
    const sr1 = parseRtcp(await got.next())[0] as SenderReport;
    assert.deepEqual([sr1.ntpMsw, sr1.rtpTime, sr1.packetCount, sr1.octetCount], [
      ntpFromUnixMs(T0).msw,
      240000,
      1,
      1,
    ]);
    now += 30000;
    let sr2: SenderReport;
    do sr2 = parseRtcp(await got.next())[0] as SenderReport; while (sr2.rtpTime === 240000);
    assert.equal(sr2.rtpTime, 240000 + 2700000);
  });

  it("scenario 35: a reader RR with TotalLost 9 updates outboundRtpPacketsReportedLost", async () => {
    const sessions = new Events<ServerSession>();
    const rtcpIn = new Events<RtcpPacket>();
    const f = await setup({
      extra: {
        onPlay: ({ session }) => {
          sessions.push(session);
          session.onPacketRtcpAny((_m, p) => rtcpIn.push(p));
          return { response: { statusCode: 200 } };
        },
      },
    });
    const c = await connect(f);
    await playTcp(f, c);
    const session = await sessions.next();
    const ssrc = streamSsrc(f.stream!, f.stream!.desc.medias[0]);
    c.writeFrame(
      1,
      encodeRtcp([{
        type: "rr",
        ssrc: 5,
        reports: [{
          ssrc,
          fractionLost: 0,
          totalLost: 9,
          highestSequenceNumber: 0,
          jitter: 0,
          lastSenderReport: 0,
          delaySinceLastSenderReport: 0,
        }],
      }]),
    );
    await rtcpIn.next();
    assert.equal(session.stats().outboundRtpPacketsReportedLost, 9);
  });

  it("scenario 37: bad reader RTCP is a decode error; the connection is kept", async () => {
    const errors = new Events<Error>();
    const f = await withUdp({ extra: { onDecodeError: ({ error }) => errors.push(error) } });
    const c = await connect(f);
    const id = await playTcp(f, c);
    c.writeFrame(1, new Uint8Array([1, 2]));
    await errors.next();
    c.writeFrame(1, new Uint8Array(2000));
    await errors.next();
    assert.equal((await c.request("GET_PARAMETER", f.url, { Session: id })).statusCode, 200);
    const udp = await clientUdp();
    defer(() => udp.close());
    const d = await connect(f);
    await playUdp(f, d, udp);
    const serverRtcp = f.server._ctx!.udp!.rtcpPort;
    udp.sendRtcp(new Uint8Array([1, 2]), serverRtcp);
    await errors.next();
    udp.sendRtcp(new Uint8Array(2000), serverRtcp);
    assert.match((await errors.next()).message, /too big/);
  });

  it("scenario 21/36: multicast play with multicastParams echoes group and ports, packets arrive", async () => {
    // deno-lint-ignore prefer-const -- assigned after the handler that reads it
    let stream: ServerStream | undefined;
    const server = new Server({
      rtspAddress: "127.0.0.1:0",
      multicastIpRange: "224.1.0.0/16",
      multicastRtpPort: 28002,
      multicastRtcpPort: 28003,
      disableRtcpSenderReports: true,
      handler: readerHandler(() => stream),
    });
    await server.start();
    defer(() => server.close());
    const d = desc(SDP_TWO_MEDIAS);
    const mp = 20000 + 4 * Math.floor(Math.random() * 10000);
    stream = new ServerStream({
      server,
      desc: d,
      multicastParams: new Map([
        [d.medias[0], { ip: "224.2.0.50", rtpPort: mp, rtcpPort: mp + 1 }],
        [d.medias[1], { ip: "224.2.0.51", rtpPort: mp + 2, rtcpPort: mp + 3 }],
      ]),
    });
    stream.initialize();
    defer(() => stream!.close());
    const url = `rtsp://127.0.0.1:${server.address().port}/teststream`;
    const c = await RawRtspClient.connect(server.address().port);
    defer(() => c.close());
    const s0 = await c.request("SETUP", url + "/trackID=0", { Transport: "RTP/AVP;multicast" });
    assert.equal(s0.statusCode, 200);
    assert.match(
      s0.headers.get("Transport")!,
      new RegExp(
        `^RTP/AVP;multicast;destination=224\\.2\\.0\\.50;port=${mp}-${
          mp + 1
        };ttl=127;ssrc=[0-9A-F]{8}$`,
      ),
    );
    const id = sessionId(s0.headers.get("Session"));
    const s1 = await c.request("SETUP", url + "/trackID=1", {
      Transport: "RTP/AVP;multicast",
      Session: id,
    });
    assert.match(
      s1.headers.get("Transport")!,
      new RegExp(`destination=224\\.2\\.0\\.51;port=${mp + 2}-${mp + 3}`),
    );
    const got = await joinMulticast("224.2.0.50", mp);
    assert.equal((await c.request("PLAY", url, { Session: id })).statusCode, 200);
    stream.writePacketRtp(d.medias[0], rtp(3, 3, [1]));
    assert.equal(parseRtp(await got.next()).sequenceNumber, 3);
    assert.equal(stream.stats().outboundRtpPackets, 1);
  });
});
