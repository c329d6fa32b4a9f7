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

/** Asserts a compound packet that leads with a `lead` report of `ssrc` and ends with its BYE. */
function assertGoodbye(compound: RtcpPacket[], lead: "sr" | "rr", ssrc: number): void {
  assert.deepEqual(compound.map((p) => p.type), [lead, "bye"]);
  const report = compound[0] as { ssrc: number };
  assert.equal(report.ssrc, ssrc);
  assert.deepEqual(compound[1], { type: "bye", ssrcs: [ssrc] });
}

describe("ServerStream.close()", () => {
  it("close() sends [SR, BYE] with the stream SSRC to a UDP reader and a TCP reader", async () => {
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
    assert.equal(parseRtcp(await udp.rtcp.next())[0].type, "sr");
    await t.readFrame(0);
    assert.equal(parseRtcp((await t.readFrame(1)).payload)[0].type, "sr");
    const before = stream.stats();

    stream.close();
    const overUdp = parseRtcp(await udp.rtcp.next());
    assertGoodbye(overUdp, "sr", ssrc);
    assert.equal((overUdp[0] as { packetCount: number }).packetCount, 1);
    await t.waitClosed();
    assertGoodbye(parseRtcp((await t.readFrame(1)).payload), "sr", ssrc);
    await u.waitClosed();
    const after = stream.stats();
    assert.equal(after.outboundRtcpPackets - before.outboundRtcpPackets, 2);
    assert.equal(after.outboundBytes - before.outboundBytes, 2 * (28 + 8));
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
    assert.equal(parseRtcp(await got.next())[0].type, "sr");

    stream.close();
    assertGoodbye(parseRtcp(await got.next()), "sr", ssrcOf(stream, media));
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
    assert.equal(parseRtcp(rx.unprotectRtcp((await c.readFrame(1)).payload))[0].type, "sr");

    stream.close();
    await c.waitClosed();
    const bye = (await c.readFrame(1)).payload;
    assert.equal(bye.length, 28 + 8 + 14, "SR + BYE + SRTCP trailer");
    assertGoodbye(parseRtcp(rx.unprotectRtcp(bye)), "sr", ssrcOf(stream, media));
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
