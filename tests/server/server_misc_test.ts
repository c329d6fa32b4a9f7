import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { RawRtspClient } from "../_helpers/raw_rtsp_client.ts";
import { TEST_SERVER_CERT, TEST_SERVER_KEY } from "../_helpers/tls_certs.ts";
import { G711Format } from "../../src/formats/g711/g711_format.ts";
import { H264Format } from "../../src/formats/h264/h264_format.ts";
import type { RtpPacket } from "../../src/rtp/mod.ts";
import type { SessionDescription } from "../../src/sdp/description.ts";
import { Server } from "../../src/server/server.ts";
import { ServerStream } from "../../src/server/server_stream.ts";
import { WriteQueue } from "../../src/server/_write_queue.ts";
import type { TcpConn } from "../../src/net/types.ts";
import { Events, freeUdpPair, readerHandler, rtpBytes, testScope } from "./_fixture.ts";

const { defer } = testScope();

async function serve(
  d: SessionDescription,
  options: Partial<ConstructorParameters<typeof Server>[0]> = {},
  extra = {},
): Promise<{ server: Server; stream: ServerStream; url: string }> {
  // deno-lint-ignore prefer-const -- assigned after the handler that reads it
  let stream: ServerStream | undefined;
  const server = new Server({
    rtspAddress: "127.0.0.1:0",
    handler: readerHandler(() => stream, extra),
    ...options,
  });
  await server.start();
  defer(() => server.close());
  stream = new ServerStream({ server, desc: d });
  stream.initialize();
  defer(() => stream!.close());
  return { server, stream, url: `rtsp://127.0.0.1:${server.address().port}/teststream` };
}

describe("Server misc", () => {
  it("scenario 45: DESCRIBE shows new SPS/PPS only after reloadDesc()", async () => {
    const format = new H264Format({
      sps: new Uint8Array([0x67, 0x42, 0xc0, 0x28]),
      pps: new Uint8Array([0x68, 1]),
    });
    const { server, stream, url } = await serve({
      medias: [{ type: "video", isBackChannel: false, control: "", formats: [format] }],
    });
    const c = await RawRtspClient.connect(server.address().port);
    defer(() => c.close());
    const before = (await c.request("DESCRIBE", url)).text;
    assert.match(before, /sprop-parameter-sets=Z0LAKA==,aAE=/);
    format.sps = new Uint8Array([0x67, 0x4d, 0x00, 0x29]);
    assert.equal((await c.request("DESCRIBE", url)).text, before);
    stream.reloadDesc();
    assert.match((await c.request("DESCRIBE", url)).text, /sprop-parameter-sets=Z00AKQ==,aAE=/);
  });

  it("scenario 34: back channel listed with Require; client RTP on it reaches onPacketRtp", async () => {
    const got = new Events<RtpPacket>();
    const { server, url } = await serve(
      {
        medias: [
          { type: "video", isBackChannel: false, control: "", formats: [new H264Format()] },
          {
            type: "audio",
            isBackChannel: true,
            control: "",
            formats: [new G711Format({ mulaw: false })],
          },
        ],
      },
      {},
      {
        onPlay: (
          { session }: { session: import("../../src/server/server_session.ts").ServerSession },
        ) => {
          session.onPacketRtpAny((_m, _f, p) => got.push(p));
          return { response: { statusCode: 200 } };
        },
      },
    );
    const c = await RawRtspClient.connect(server.address().port);
    defer(() => c.close());
    assert.doesNotMatch((await c.request("DESCRIBE", url)).text, /sendonly/);
    const d = await c.request("DESCRIBE", url, { Require: "www.onvif.org/ver20/backchannel" });
    assert.match(d.text, /a=sendonly/);
    const s = await c.request("SETUP", url + "/trackID=1", {
      Transport: "RTP/AVP/TCP;unicast;interleaved=2-3",
    });
    assert.equal(s.statusCode, 200);
    const id = s.headers.get("Session")!.split(";")[0];
    assert.equal((await c.request("PLAY", url, { Session: id })).statusCode, 200);
    c.writeFrame(2, rtpBytes(5, 5, [1, 2], 8));
    assert.equal((await got.next()).payloadType, 8);
  });

  it("scenario 23: RTSPS refuses plain RTP/AVP over UDP (461), accepts RTP/AVP/TCP", async () => {
    const p = await freeUdpPair();
    const { server, url } = await serve(
      {
        medias: [{ type: "video", isBackChannel: false, control: "", formats: [new H264Format()] }],
      },
      {
        tls: { cert: TEST_SERVER_CERT, key: TEST_SERVER_KEY },
        udpRtpAddress: `127.0.0.1:${p}`,
        udpRtcpAddress: `127.0.0.1:${p + 1}`,
      },
    );
    const c = await RawRtspClient.connectTls(server.address().port);
    defer(() => c.close());
    const u = url.replace("rtsp:", "rtsps:");
    assert.match((await c.request("DESCRIBE", u)).text, /RTP\/SAVP/);
    assert.equal(
      (await c.request("SETUP", u + "/trackID=0", {
        Transport: "RTP/AVP;unicast;client_port=35000-35001",
      })).statusCode,
      461,
    );
    assert.equal(
      (await c.request("SETUP", u + "/trackID=0", {
        Transport: "RTP/AVP/TCP;unicast;interleaved=0-1",
      })).statusCode,
      200,
    );
  });

  it("scenario 23: RTP/SAVP on plain RTSP gets 461", async () => {
    const { server, url } = await serve({
      medias: [{ type: "video", isBackChannel: false, control: "", formats: [new H264Format()] }],
    });
    const c = await RawRtspClient.connect(server.address().port);
    defer(() => c.close());
    assert.equal(
      (await c.request("SETUP", url + "/trackID=0", {
        Transport: "RTP/SAVP/TCP;unicast;interleaved=0-1",
      })).statusCode,
      461,
    );
  });

  it("WriteQueue gathers one turn's frames into one writeMany; a full queue flushes early", async () => {
    const writes: Uint8Array[][] = [];
    const conn = {
      closed: false,
      bufferedAmount: 0,
      write: (d: Uint8Array) => writes.push([d]),
      writeMany: (d: readonly Uint8Array[]) => writes.push([...d]),
    };
    const q = new WriteQueue(conn as unknown as TcpConn, 4, () => 0);
    const f = (n: number) => new Uint8Array([n]);
    assert.ok(q.push(f(1)));
    assert.equal(writes.length, 0);
    q.start();
    assert.deepEqual(writes, [[f(1)]]);
    for (let i = 2; i <= 5; i++) assert.ok(q.push(f(i)));
    assert.ok(q.push(f(6)));
    assert.deepEqual(writes[1], [f(2), f(3), f(4), f(5)]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    assert.deepEqual(writes[2], [f(6)]);
    conn.bufferedAmount = 1 << 20;
    for (let i = 0; i < 4; i++) assert.ok(q.push(f(i)));
    assert.equal(q.push(f(9)), false);
    q.close();
  });

  it("WriteQueue holds frames while the socket is backed up and records the stall", async () => {
    const writes: Uint8Array[][] = [];
    const conn = {
      closed: false,
      bufferedAmount: 1 << 20,
      write: (d: Uint8Array) => writes.push([d]),
      writeMany: (d: readonly Uint8Array[]) => writes.push([...d]),
    };
    const q = new WriteQueue(conn as unknown as TcpConn, 8, () => 42);
    q.start();
    q.push(new Uint8Array([1]));
    await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(writes.length, 0);
    assert.equal(q.stalledSince, 42);
    conn.bufferedAmount = 0;
    q.onDrain();
    await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(writes.length, 1);
    assert.equal(q.stalledSince, 0);
  });
});
