/**
 * Stream and session byte counters count what is put on the wire (SRTP tag and SRTCP trailer
 * included, `$` header excluded), checked against what raw readers receive.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { RawRtspClient } from "../_helpers/raw_rtsp_client.ts";
import type { ServerSession } from "../../src/server/server_session.ts";
import { clientUdp, rtp, testScope } from "./_fixture.ts";
import { playSavp, TLS } from "./_savp_reader.ts";

const { defer, serveOnUdpPair } = testScope();

describe("ServerStream.stats() and ServerSession.stats() byte counts", () => {
  it("outboundBytes of the stream and of each reader session equal the bytes readers receive", async () => {
    const sessions: ServerSession[] = [];
    const f = await serveOnUdpPair({
      tls: TLS,
      disableRtcpSenderReports: true,
      extra: {
        onPlay: ({ session }) => {
          sessions.push(session);
          return { response: { statusCode: 200 } };
        },
      },
    });
    const stream = f.stream!;
    const media = stream.desc.medias[0];
    // SAVP over TCP, SAVP over UDP, and plain RTP/AVP/TCP (allowed under RTSPS).
    const tcp = await playSavp(f, "RTP/SAVP/TCP;unicast;interleaved=0-1");
    defer(() => tcp.client.close());
    const udp = await clientUdp();
    defer(() => udp.close());
    const overUdp = await playSavp(
      f,
      `RTP/SAVP;unicast;client_port=${udp.rtpPort}-${udp.rtcpPort}`,
    );
    defer(() => overUdp.client.close());
    const plain = await RawRtspClient.connectTls(f.port);
    defer(() => plain.close());
    const base = f.url.replace("rtsp:", "rtsps:");
    const s = await plain.request("SETUP", base + "/trackID=0", {
      Transport: "RTP/AVP/TCP;unicast;interleaved=0-1",
    });
    const id = s.headers.get("Session")!.split(";")[0];
    assert.equal((await plain.request("PLAY", base, { Session: id })).statusCode, 200);
    assert.equal(sessions.length, 3);

    const payload = Array.from({ length: 100 }, (_, i) => i);
    stream.writePacketRtp(media, rtp(1, 0, payload));
    stream.writePacketRtcp(media, [{ type: "rr", ssrc: 1, reports: [] }]);
    const received = [
      (await tcp.client.readFrame(0)).payload.length +
      (await tcp.client.readFrame(1)).payload.length,
      (await udp.rtp.next()).length + (await udp.rtcp.next()).length,
      (await plain.readFrame(0)).payload.length + (await plain.readFrame(1)).payload.length,
    ];
    // The SAVP readers got the SRTP tag (10) and SRTCP trailer (14); the plain one did not.
    assert.deepEqual(received, [112 + 10 + 8 + 14, 112 + 10 + 8 + 14, 112 + 8]);
    assert.deepEqual(sessions.map((x) => x.stats().outboundBytes), received);
    const total = received.reduce((a, b) => a + b);
    assert.equal(stream.stats().outboundBytes, total);
    assert.equal(stream.stats().medias.get(media)!.outboundBytes, total);

    // A session's own write of the same packet counts the same bytes as the stream's did.
    const before = sessions[0].stats().outboundBytes;
    sessions[0].writePacketRtp(sessions[0].medias()[0], rtp(2, 0, payload));
    const frame = await tcp.client.readFrame(0);
    assert.equal(sessions[0].stats().outboundBytes - before, frame.payload.length);
  });
});
