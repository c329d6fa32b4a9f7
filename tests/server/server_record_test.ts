import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  encodeRtcp,
  ntpFromUnixMs,
  ntpMiddle32,
  type ReceiverReport,
  type RtcpPacket,
  type RtpPacket,
} from "../../src/rtp/mod.ts";
import type { ServerSession } from "../../src/server/server_session.ts";
import type { ServerHandler } from "../../src/server/server_handler.ts";
import {
  clientUdp,
  Events,
  type Fixture,
  parseRtcp,
  publish,
  rtpBytes,
  type StartServerOptions,
  testScope,
} from "./_fixture.ts";

const { defer, serveOnUdpPair, connect } = testScope();

interface Recorder {
  f: Fixture;
  rtpIn: Events<RtpPacket>;
  rtcpIn: Events<RtcpPacket>;
  sessions: Events<ServerSession>;
  closed: Events<Error | undefined>;
  errors: Events<Error>;
  lost: Events<number>;
}

async function recorder(
  options: StartServerOptions = {},
  extra: ServerHandler = {},
): Promise<Recorder> {
  const rtpIn = new Events<RtpPacket>();
  const rtcpIn = new Events<RtcpPacket>();
  const sessions = new Events<ServerSession>();
  const closed = new Events<Error | undefined>();
  const errors = new Events<Error>();
  const lost = new Events<number>();
  const f = await serveOnUdpPair({
    sdp: null,
    ...options,
    extra: {
      onRecord: ({ session }) => {
        sessions.push(session);
        session.onPacketRtpAny((_m, _f, pkt) => rtpIn.push(pkt));
        session.onPacketRtcpAny((_m, pkt) => rtcpIn.push(pkt));
        session.writePacketRtcp(session.medias()[0], [{ type: "rr", ssrc: 99, reports: [] }]);
        return { response: { statusCode: 200 } };
      },
      onSessionClose: ({ error }) => closed.push(error),
      onDecodeError: ({ error }) => errors.push(error),
      onPacketsLost: ({ lost: n }) => lost.push(n),
      ...extra,
    },
  });
  return { f, rtpIn, rtcpIn, sessions, closed, errors, lost };
}

/** An encoded sender report of SSRC 0x11223344 (one packet, one byte sent). */
function senderReportBytes(unixMs: number, rtpTime: number): Uint8Array {
  const ntp = ntpFromUnixMs(unixMs);
  return encodeRtcp([{
    type: "sr",
    ssrc: 0x11223344,
    ntpMsw: ntp.msw,
    ntpLsw: ntp.lsw,
    rtpTime,
    packetCount: 1,
    octetCount: 1,
    reports: [],
  }]);
}

describe("Server recording", () => {
  it("scenario 51: UDP record: hole punching, RTCP queued in onRecord, packets reach callbacks, TEARDOWN", async () => {
    const r = await recorder();
    const udp = await clientUdp();
    defer(() => udp.close());
    const c = await connect(r.f);
    const id = await publish(
      r.f,
      c,
      `RTP/AVP/UDP;unicast;client_port=${udp.rtpPort}-${udp.rtcpPort};mode=record`,
    );
    const punch = await udp.rtp.next();
    assert.equal(punch.length, 12);
    assert.equal(punch[0], 0x80);
    const rtcp1 = parseRtcp(await udp.rtcp.next());
    assert.equal(rtcp1[0].type, "rr");
    const rtcp2 = parseRtcp(await udp.rtcp.next());
    assert.equal((rtcp2[0] as ReceiverReport).ssrc, 99);
    const ctx = r.f.server._ctx!.udp!;
    udp.sendRtp(rtpBytes(1, 1000, [5, 6]), ctx.rtpPort);
    const pkt = await r.rtpIn.next();
    assert.equal(pkt.sequenceNumber, 1);
    assert.deepEqual([...pkt.payload], [5, 6]);
    udp.sendRtcp(encodeRtcp([{ type: "rr", ssrc: 3, reports: [] }]), ctx.rtcpPort);
    assert.equal((await r.rtcpIn.next()).type, "rr");
    assert.equal((await c.request("TEARDOWN", r.f.url, { Session: id })).statusCode, 200);
    assert.equal((await r.closed.next())!.message, "Torn down");
  });

  it("scenario 51: TCP record: RTCP from onRecord after the response, frames reach callbacks", async () => {
    const r = await recorder();
    const c = await connect(r.f);
    await publish(r.f, c, "RTP/AVP/TCP;unicast;interleaved=0-1;mode=record");
    const fr = await c.readFrame(1);
    assert.equal(parseRtcp(fr.payload)[0].type, "rr");
    assert.deepEqual(c.history.slice(0, 4), ["response", "response", "response", "frame:1"]);
    c.writeFrame(0, rtpBytes(10, 1, [1]));
    assert.equal((await r.rtpIn.next()).sequenceNumber, 10);
    c.writeFrame(1, encodeRtcp([{ type: "rr", ssrc: 3, reports: [] }]));
    assert.equal((await r.rtcpIn.next()).type, "rr");
  });

  it("a throwing packet callback is counted and the session keeps receiving", async () => {
    const seen: number[] = [];
    const r = await recorder({}, {
      onRecord: ({ session }) => {
        session.onPacketRtpAny((_m, _f, pkt) => {
          seen.push(pkt.sequenceNumber);
          throw new Error("bug in the application");
        });
        session.onPacketRtcpAny(() => {
          throw new Error("bug in the application");
        });
        return { response: { statusCode: 200 } };
      },
    });
    const c = await connect(r.f);
    const id = await publish(r.f, c, "RTP/AVP/TCP;unicast;interleaved=0-1;mode=record");
    for (let i = 0; i < 3; i++) c.writeFrame(0, rtpBytes(20 + i, 1, [1]));
    c.writeFrame(1, encodeRtcp([{ type: "rr", ssrc: 3, reports: [] }]));
    const g = await c.request("GET_PARAMETER", r.f.url, { Session: id });
    assert.equal(g.statusCode, 200);
    assert.deepEqual(seen, [20, 21, 22]);
    assert.equal(r.f.server.stats().packetCallbackErrors, 4);
    assert.equal(c.closed, false);
  });

  it("packetPts() puts received packets on the session's time line, from the first IDR", async () => {
    const pts: { pts: number; ok: boolean }[] = [];
    const r = await recorder({}, {
      onRecord: ({ session }) => {
        session.onPacketRtpAny((media, _f, pkt) => pts.push(session.packetPts(media, pkt)));
        return { response: { statusCode: 200 } };
      },
    });
    const c = await connect(r.f);
    const id = await publish(r.f, c, "RTP/AVP/TCP;unicast;interleaved=0-1;mode=record");
    // H264 NAL type 1 (not IDR): no PTS yet; then IDRs (type 5) 1 s apart at 90 kHz.
    c.writeFrame(0, rtpBytes(1, 500, [1]));
    c.writeFrame(0, rtpBytes(2, 1000, [5]));
    c.writeFrame(0, rtpBytes(3, 91000, [5]));
    assert.equal((await c.request("GET_PARAMETER", r.f.url, { Session: id })).statusCode, 200);
    assert.deepEqual(pts, [{ pts: 0, ok: false }, { pts: 0, ok: true }, { pts: 90000, ok: true }]);
  });

  it("scenario 52: an interleaved frame while recording over UDP closes the connection", async () => {
    const r = await recorder();
    const c = await connect(r.f);
    await publish(r.f, c, "RTP/AVP;unicast;client_port=35200-35201;mode=record");
    c.writeFrame(0, rtpBytes(1, 1));
    await c.waitClosed();
  });

  it("scenario 53: receiver report after the period carries last seq and LSR", async () => {
    const r = await recorder({ receiverReportPeriodMs: 100 });
    const udp = await clientUdp();
    defer(() => udp.close());
    const c = await connect(r.f);
    await publish(r.f, c, `RTP/AVP;unicast;client_port=${udp.rtpPort}-${udp.rtcpPort};mode=record`);
    await udp.rtcp.next();
    await udp.rtcp.next();
    const ctx = r.f.server._ctx!.udp!;
    udp.sendRtp(rtpBytes(534, 54352, [5], 96, 0x11223344), ctx.rtpPort);
    await r.rtpIn.next();
    const srUnixMs = Date.UTC(2018, 1, 20, 19, 0, 0);
    udp.sendRtcp(senderReportBytes(srUnixMs, 54352), ctx.rtcpPort);
    await r.rtcpIn.next();
    for (;;) {
      const rr = parseRtcp(await udp.rtcp.next())[0] as ReceiverReport;
      if (rr.type !== "rr" || rr.reports.length === 0 || rr.reports[0].lastSenderReport === 0) {
        continue;
      }
      assert.equal(rr.reports[0].highestSequenceNumber, 534);
      const ntp = ntpFromUnixMs(srUnixMs);
      assert.equal(rr.reports[0].lastSenderReport, ntpMiddle32(ntp.msw, ntp.lsw));
      assert.equal(rr.reports[0].lastSenderReport, 4004511744);
      assert.equal(rr.reports[0].totalLost, 0);
      break;
    }
  });

  it("scenario 54: record read timeout closes the UDP session, and the TCP session with its connection", async () => {
    const r = await recorder({ readTimeoutMs: 500, checkStreamPeriodMs: 100 });
    const c = await connect(r.f);
    await publish(r.f, c, "RTP/AVP;unicast;client_port=35300-35301;mode=record");
    assert.match((await r.closed.next(2000))!.message, /Timed out/);
    const d = await connect(r.f);
    await publish(r.f, d, "RTP/AVP/TCP;unicast;interleaved=0-1;mode=record");
    await d.waitClosed(2000);
    await r.closed.next(2000);
  });

  it("scenario 55: UDP record survives its connection until readTimeout; same IP can GET_PARAMETER", async () => {
    const r = await recorder({ readTimeoutMs: 800, checkStreamPeriodMs: 100 });
    const c = await connect(r.f);
    const id = await publish(r.f, c, "RTP/AVP;unicast;client_port=35400-35401;mode=record");
    c.close();
    const d = await connect(r.f);
    assert.equal((await d.request("GET_PARAMETER", r.f.url, { Session: id })).statusCode, 200);
    assert.match((await r.closed.next(3000))!.message, /Timed out/);
  });

  it("scenario 56: record decode errors and packet loss", async () => {
    const r = await recorder();
    const udp = await clientUdp();
    defer(() => udp.close());
    const c = await connect(r.f);
    await publish(r.f, c, `RTP/AVP;unicast;client_port=${udp.rtpPort}-${udp.rtcpPort};mode=record`);
    const ctx = r.f.server._ctx!.udp!;
    udp.sendRtp(new Uint8Array([1, 2]), ctx.rtpPort);
    await r.errors.next();
    udp.sendRtp(rtpBytes(1, 1, [1], 111), ctx.rtpPort);
    assert.match((await r.errors.next()).message, /payload type/);
    udp.sendRtp(new Uint8Array(2000), ctx.rtpPort);
    assert.match((await r.errors.next()).message, /too big/);
    udp.sendRtcp(new Uint8Array(2000), ctx.rtcpPort);
    assert.match((await r.errors.next()).message, /too big/);
    const d = await connect(r.f);
    await publish(r.f, d, "RTP/AVP/TCP;unicast;interleaved=0-1;mode=record");
    d.writeFrame(0, rtpBytes(30, 1));
    d.writeFrame(0, rtpBytes(100, 1));
    assert.equal(await r.lost.next(), 69);
  });

  it("scenario 57: packetNtp maps RTP time through the publisher's SR; scenario 59: SSRC change accepted", async () => {
    const ntps = new Events<Date | undefined>();
    const r = await recorder({}, {
      onRecord: ({ session }) => {
        session.onPacketRtpAny((m, _f, pkt) => ntps.push(session.packetNtp(m, pkt)));
        return { response: { statusCode: 200 } };
      },
    });
    const c = await connect(r.f);
    await publish(r.f, c, "RTP/AVP/TCP;unicast;interleaved=0-1;mode=record");
    c.writeFrame(0, rtpBytes(1, 54352, [5]));
    assert.equal(await ntps.next(), undefined);
    const t = Date.UTC(2018, 1, 20, 19, 0, 0);
    c.writeFrame(1, senderReportBytes(t, 54352));
    c.writeFrame(0, rtpBytes(2, 54352 + 90000, [5]));
    assert.equal((await ntps.next())!.getTime(), t + 1000);
    c.writeFrame(0, rtpBytes(3, 54352 + 90000, [5], 96, 0x55667788));
    await ntps.next();
  });
});
