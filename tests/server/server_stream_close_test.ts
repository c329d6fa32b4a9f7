/**
 * ServerStream.close() says goodbye (RFC 3550 §6.6): every reader gets an RTCP BYE for each SSRC
 * that sent packets, over its own transport, before its session closes. Raw loopback sockets.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { RawRtspClient } from "../_helpers/raw_rtsp_client.ts";
import type { RtcpPacket } from "../../src/rtp/mod.ts";
import type { Media } from "../../src/sdp/description.ts";
import type { ServerStream } from "../../src/server/server_stream.ts";
import { clientUdp, type Fixture, parseRtcp, rtp, SDP_TWO_MEDIAS, testScope } from "./_fixture.ts";
import { cnameAfterReport } from "./_rtcp_cname.ts";
import { playSavp, TLS } from "./_savp_reader.ts";

const { defer, serve, serveOnUdpPair, connect, joinMulticast } = testScope();

function ssrcOf(stream: ServerStream, media: Media): number {
  return stream.stats().medias.get(media)!.formats.values().next().value!.localSsrc;
}

function sessionId(value: string | undefined): string {
  return value!.split(";")[0];
}

async function playTcp(f: Fixture, c: RawRtspClient, track: number, interleaved: string) {
  const s = await c.request("SETUP", `${f.url}/trackID=${track}`, {
    Transport: `RTP/AVP/TCP;unicast;interleaved=${interleaved}`,
  });
  assert.equal(s.statusCode, 200);
  const id = sessionId(s.headers.get("Session"));
  assert.equal((await c.request("PLAY", f.url, { Session: id })).statusCode, 200);
}

/**
 * Asserts a compound packet that leads with a `lead` report of `ssrc`, then its CNAME, and ends
 * with its BYE (RFC 3550 §6.1); returns the CNAME.
 */
function assertGoodbye(compound: RtcpPacket[], lead: "sr" | "rr", ssrc: number): string {
  assert.deepEqual(compound.map((p) => p.type), [lead, "sdes", "bye"]);
  const cname = cnameAfterReport(compound, ssrc);
  assert.deepEqual(compound[2], { type: "bye", ssrcs: [ssrc] });
  return cname;
}

describe("ServerStream.close()", () => {
  it("close() sends [SR, SDES, BYE] with the stream SSRC to a UDP reader and a TCP reader", async () => {
    const f = await serveOnUdpPair({ senderReportPeriodMs: 60000 });
    const stream = f.stream!;
    const media = stream.desc.medias[0];
    const ssrc = ssrcOf(stream, media);
    const udp = await clientUdp();
    defer(() => udp.close());
    const u = await connect(f);
    const s = await u.request("SETUP", f.url + "/trackID=0", {
      Transport: `RTP/AVP;unicast;client_port=${udp.rtpPort}-${udp.rtcpPort}`,
    });
    const id = sessionId(s.headers.get("Session"));
    assert.equal((await u.request("PLAY", f.url, { Session: id })).statusCode, 200);
    const t = await connect(f);
    await playTcp(f, t, 0, "0-1");

    stream.writePacketRtp(media, rtp(10, 9000, [5, 1]));
    await udp.rtp.next();
    const srOverUdp = parseRtcp(await udp.rtcp.next());
    assert.deepEqual(srOverUdp.map((p) => p.type), ["sr", "sdes"]);
    const cname = cnameAfterReport(srOverUdp, ssrc);
    await t.readFrame(0);
    const srOverTcp = parseRtcp((await t.readFrame(1)).payload);
    assert.deepEqual(srOverTcp.map((p) => p.type), ["sr", "sdes"]);
    assert.equal(cnameAfterReport(srOverTcp, ssrc), cname, "one CNAME for every reader");
    const before = stream.stats();

    stream.close();
    const overUdp = parseRtcp(await udp.rtcp.next());
    assert.equal(assertGoodbye(overUdp, "sr", ssrc), cname, "the BYE's CNAME is the SR's");
    assert.equal((overUdp[0] as { packetCount: number }).packetCount, 1);
    await t.waitClosed();
    assert.equal(assertGoodbye(parseRtcp((await t.readFrame(1)).payload), "sr", ssrc), cname);
    await u.waitClosed();
    const after = stream.stats();
    assert.equal(after.outboundRtcpPackets - before.outboundRtcpPackets, 2);
    // SR 28, SDES 28 (4 + SSRC 4 + CNAME item 2 + 16 + null item, padded), BYE 8.
    assert.equal(after.outboundBytes - before.outboundBytes, 2 * (28 + 28 + 8));
  });

  it("close() leads with an empty RR when sender reports are off, and skips unwritten medias", async () => {
    const f = await serve({ sdp: SDP_TWO_MEDIAS, disableRtcpSenderReports: true });
    const stream = f.stream!;
    const [video, audio] = stream.desc.medias;
    const c = await connect(f);
    await playTcp(f, c, 0, "0-1");
    // A reader of the audio media only: its SSRC never sends a packet.
    const a = await connect(f);
    await playTcp(f, a, 1, "0-1");
    stream.writePacketRtp(video, rtp(1, 0, [5]));
    await c.readFrame(0);

    stream.close();
    await c.waitClosed();
    assertGoodbye(parseRtcp((await c.readFrame(1)).payload), "rr", ssrcOf(stream, video));
    await a.waitClosed();
    assert.deepEqual(a.queuedKinds(), [], "nothing, no BYE, for the audio SSRC");
    assert.notEqual(ssrcOf(stream, audio), ssrcOf(stream, video));
  });

  it("close() sends the BYE to a multicast group", async () => {
    const mp = 20000 + 4 * Math.floor(Math.random() * 10000);
    const f = await serve({
      senderReportPeriodMs: 60000,
      multicastIpRange: "224.3.0.0/16",
      multicastRtpPort: mp,
      multicastRtcpPort: mp + 1,
    });
    const stream = f.stream!;
    const media = stream.desc.medias[0];
    const c = await connect(f);
    const s = await c.request("SETUP", f.url + "/trackID=0", { Transport: "RTP/AVP;multicast" });
    assert.equal(s.statusCode, 200);
    const group = /destination=([0-9.]+)/.exec(s.headers.get("Transport")!)![1];
    const got = await joinMulticast(group, mp + 1);
    await c.request("PLAY", f.url, { Session: sessionId(s.headers.get("Session")) });
    stream.writePacketRtp(media, rtp(1, 0, [5]));
    const sr = parseRtcp(await got.next());
    assert.deepEqual(sr.map((p) => p.type), ["sr", "sdes"]);
    const cname = cnameAfterReport(sr, ssrcOf(stream, media));

    stream.close();
    assert.equal(assertGoodbye(parseRtcp(await got.next()), "sr", ssrcOf(stream, media)), cname);
  });

  it("close() protects the BYE with SRTCP for a SAVP reader", async () => {
    const f = await serveOnUdpPair({
      tls: TLS,
      senderReportPeriodMs: 60000,
    });
    const stream = f.stream!;
    const media = stream.desc.medias[0];
    const { client: c, srtp: rx } = await playSavp(f, "RTP/SAVP/TCP;unicast;interleaved=0-1");
    defer(() => c.close());
    stream.writePacketRtp(media, rtp(1, 0, [5]));
    rx.unprotectRtp((await c.readFrame(0)).payload);
    const sr = parseRtcp(rx.unprotectRtcp((await c.readFrame(1)).payload));
    assert.deepEqual(sr.map((p) => p.type), ["sr", "sdes"]);
    const cname = cnameAfterReport(sr, ssrcOf(stream, media));

    stream.close();
    await c.waitClosed();
    const bye = (await c.readFrame(1)).payload;
    assert.equal(bye.length, 28 + 28 + 8 + 14, "SR + SDES + BYE + SRTCP trailer");
    assert.equal(
      assertGoodbye(parseRtcp(rx.unprotectRtcp(bye)), "sr", ssrcOf(stream, media)),
      cname,
    );
  });

  it("close() without readers or packets neither throws nor counts RTCP", async () => {
    const f = await serve();
    const stream = f.stream!;
    stream.writePacketRtp(stream.desc.medias[0], rtp(1, 0, [5]));
    stream.close();
    assert.equal(stream.stats().outboundRtcpPackets, 0);
    assert.throws(() => stream.writePacketRtp(stream.desc.medias[0], rtp(2, 0, [5])), /closed/);
  });
});
