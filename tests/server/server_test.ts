import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { RawRtspClient } from "../_helpers/raw_rtsp_client.ts";
import { Server } from "../../src/server/server.ts";
import { ServerStream } from "../../src/server/server_stream.ts";
import { ServerAuthError } from "../../src/server/server_auth_error.ts";
import type { ServerHandler } from "../../src/server/server_handler.ts";
import type { ServerSession } from "../../src/server/server_session.ts";
import { H264Format } from "../../src/formats/h264/h264_format.ts";
import { md5Hex, sha256Hex } from "../../src/rtsp/auth.ts";
import {
  desc,
  Events,
  readerHandler,
  SDP_ONE_MEDIA,
  SDP_TWO_MEDIAS,
  testScope,
} from "./_fixture.ts";

const { serve: setup, connect } = testScope();

const TCP = { Transport: "RTP/AVP/TCP;unicast;interleaved=0-1" };

describe("Server", () => {
  it("scenario 1: start() rejects bad UDP ports; close() twice is safe", async () => {
    await assert.rejects(
      new Server({ rtspAddress: "127.0.0.1:0", udpRtpAddress: ":8006", udpRtcpAddress: ":8009" })
        .start(),
    );
    await assert.rejects(
      new Server({ rtspAddress: "127.0.0.1:0", udpRtpAddress: ":8003", udpRtcpAddress: ":8004" })
        .start(),
    );
    await assert.rejects(new Server({ rtspAddress: "127.0.0.1:0", writeQueueSize: 100 }).start());
    await assert.rejects(new Server({ rtspAddress: "127.0.0.1:0", maxPacketSize: 2000 }).start());
    await assert.rejects(
      new Server({ rtspAddress: "127.0.0.1:0", multicastIpRange: "224.1.0.0/16" }).start(),
    );
    await assert.rejects(new Server({} as never).start());
    const s = new Server({ rtspAddress: "127.0.0.1:0" });
    await s.start();
    await s.close();
    await s.close();
    assert.equal((await s.wait()).message, "Terminated");
  });

  it("ServerStream.initialize() throws before start()", () => {
    const s = new Server({ rtspAddress: "127.0.0.1:0" });
    assert.throws(() => new ServerStream({ server: s, desc: desc() }).initialize(), /not started/);
  });

  it("scenario 2: OPTIONS echoes CSeq, adds Server and Public", async () => {
    const f = await setup({ extra: { onSetParameter: () => ({ response: { statusCode: 200 } }) } });
    const c = await connect(f);
    const res = await c.request("OPTIONS", f.url, { CSeq: "5" });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers.get("CSeq"), "5");
    assert.equal(res.headers.get("Server"), "rtspkit");
    assert.equal(
      res.headers.get("Public"),
      "DESCRIBE, ANNOUNCE, SETUP, PLAY, RECORD, PAUSE, GET_PARAMETER, SET_PARAMETER, TEARDOWN",
    );
  });

  it("OPTIONS Public lists only the callbacks that exist", async () => {
    const f = await setup({ handler: { onDescribe: () => ({ response: { statusCode: 404 } }) } });
    const c = await connect(f);
    const res = await c.request("OPTIONS", "*");
    assert.equal(res.headers.get("Public"), "DESCRIBE, GET_PARAMETER, TEARDOWN");
  });

  it("scenario 3: OPTIONS without CSeq gets 400 without CSeq, then close", async () => {
    const f = await setup();
    const c = await connect(f);
    c.write(`OPTIONS ${f.url} RTSP/1.0\r\n\r\n`);
    const res = await c.readResponse();
    assert.equal(res.statusCode, 400);
    assert.equal(res.headers.get("CSeq"), undefined);
    await c.waitClosed();
  });

  it("scenario 4: DESCRIBE * gets 400 and closes", async () => {
    const f = await setup();
    const c = await connect(f);
    const res = await c.request("DESCRIBE", "*");
    assert.equal(res.statusCode, 400);
    await c.waitClosed();
  });

  it("scenario 5: onDescribe body without stream is sent verbatim", async () => {
    const f = await setup({
      sdp: null,
      handler: { onDescribe: () => ({ response: { statusCode: 200, body: "foo-sdp" } }) },
    });
    const c = await connect(f);
    const res = await c.request("DESCRIBE", f.url);
    assert.equal(res.statusCode, 200);
    assert.equal(res.text, "foo-sdp");
    assert.equal(res.headers.get("Content-Base"), f.url + "/");
    assert.equal(res.headers.get("Content-Type"), "application/sdp");
  });

  it("scenario 6: DESCRIBE with a query gives SDP and Content-Base URL + /", async () => {
    const f = await setup();
    const c = await connect(f);
    const res = await c.request("DESCRIBE", f.url + "?param=value");
    assert.equal(res.statusCode, 200);
    assert.match(res.text, /a=control:trackID=0/);
    assert.match(res.text, /m=video 0 RTP\/AVP 96/);
    assert.equal(res.headers.get("Content-Base"), f.url + "?param=value/");
  });

  it("DESCRIBE without onDescribe gets 501; 200 with neither stream nor body gets 500 and close", async () => {
    const f = await setup({ handler: { onSetup: () => ({ response: { statusCode: 200 } }) } });
    const c = await connect(f);
    assert.equal((await c.request("DESCRIBE", f.url)).statusCode, 501);
    const g = await setup({ handler: { onDescribe: () => ({ response: { statusCode: 200 } }) } });
    const d = await connect(g);
    assert.equal((await d.request("DESCRIBE", g.url)).statusCode, 500);
    await d.waitClosed();
  });

  it("a throwing or rejecting handler gets 500 and close; the server keeps serving", async () => {
    const closes = new Events<Error | undefined>();
    const f = await setup({
      handler: {
        onDescribe: () => {
          throw new Error("boom");
        },
        onAnnounce: () => Promise.reject(new Error("async boom")),
        onConnClose: ({ error }) => closes.push(error),
      },
    });
    const c = await connect(f);
    assert.equal((await c.request("DESCRIBE", f.url)).statusCode, 500);
    await c.waitClosed();
    assert.equal((await closes.next())?.message, "boom");
    const d = await connect(f);
    const res = await d.request(
      "ANNOUNCE",
      f.url,
      { "Content-Type": "application/sdp" },
      SDP_ONE_MEDIA,
    );
    assert.equal(res.statusCode, 500);
    await d.waitClosed();
    const e = await connect(f);
    assert.equal((await e.request("OPTIONS", f.url)).statusCode, 200);
  });

  it("async handlers are awaited one request at a time", async () => {
    const order: string[] = [];
    const f = await setup({
      handler: {
        onDescribe: async () => {
          order.push("describe start");
          await new Promise((r) => setTimeout(r, 20));
          order.push("describe end");
          return { response: { statusCode: 404 } };
        },
        onGetParameter: () => {
          order.push("get");
          return { response: { statusCode: 200 } };
        },
      },
    });
    const c = await connect(f);
    c.write(
      `DESCRIBE ${f.url} RTSP/1.0\r\nCSeq: 1\r\n\r\nGET_PARAMETER ${f.url} RTSP/1.0\r\nCSeq: 2\r\n\r\n`,
    );
    assert.equal((await c.readResponse()).headers.get("CSeq"), "1");
    assert.equal((await c.readResponse()).headers.get("CSeq"), "2");
    assert.deepEqual(order, ["describe start", "describe end", "get"]);
  });

  it("scenario 7: SET_PARAMETER without callback gets 501 in and out of a session", async () => {
    const f = await setup();
    const c = await connect(f);
    assert.equal((await c.request("SET_PARAMETER", f.url)).statusCode, 501);
    const s = await c.request("SETUP", f.url + "/trackID=0", TCP);
    const session = s.headers.get("Session")!.split(";")[0];
    assert.equal((await c.request("SET_PARAMETER", f.url, { Session: session })).statusCode, 501);
    assert.equal((await c.request("OPTIONS", f.url)).statusCode, 200);
  });

  it("scenario 8: GET/SET_PARAMETER reach callbacks; session only inside one; body round-trips", async () => {
    const seen: (ServerSession | undefined)[] = [];
    const cb: ServerHandler["onGetParameter"] = ({ session, request }) => {
      seen.push(session);
      return { response: { statusCode: 200, body: request.body } };
    };
    const f = await setup({ extra: { onGetParameter: cb, onSetParameter: cb } });
    const c = await connect(f);
    assert.equal((await c.request("GET_PARAMETER", f.url, {}, "a: b\r\n")).text, "a: b\r\n");
    assert.equal((await c.request("SET_PARAMETER", f.url, {}, "c: d\r\n")).text, "c: d\r\n");
    const s = await c.request("SETUP", f.url + "/trackID=0", TCP);
    const session = s.headers.get("Session")!.split(";")[0];
    const r = await c.request("GET_PARAMETER", f.url, { Session: session }, "x");
    assert.equal(r.text, "x");
    assert.match(r.headers.get("Session")!, /;timeout=55$/);
    await c.request("SET_PARAMETER", f.url, { Session: session }, "y");
    assert.equal(seen[0], undefined);
    assert.equal(seen[1], undefined);
    assert.ok(seen[2] !== undefined && seen[2] === seen[3]);
  });

  it("GET_PARAMETER in a session without callback answers 200 text/parameters", async () => {
    const f = await setup();
    const c = await connect(f);
    const s = await c.request("SETUP", f.url + "/trackID=0", TCP);
    const session = s.headers.get("Session")!.split(";")[0];
    const r = await c.request("GET_PARAMETER", f.url, { Session: session });
    assert.equal(r.statusCode, 200);
    assert.equal(r.headers.get("Content-Type"), "text/parameters");
    assert.equal(r.body.length, 0);
  });

  it("scenario 9: PLAY, RECORD, PAUSE, TEARDOWN with an unknown session get 454", async () => {
    const f = await setup();
    for (const m of ["PLAY", "RECORD", "PAUSE", "TEARDOWN"]) {
      const c = await connect(f);
      assert.equal((await c.request(m, f.url, { Session: "ABC" })).statusCode, 454, m);
    }
  });

  it("PLAY without Session header gets 501; unknown method gets 501 and keeps the connection", async () => {
    const f = await setup();
    const c = await connect(f);
    assert.equal((await c.request("PLAY", f.url)).statusCode, 501);
    assert.equal((await c.request("REDIRECT", f.url)).statusCode, 501);
    assert.equal((await c.request("OPTIONS", f.url)).statusCode, 200);
  });

  it("scenario 10: SETUP falls back to TCP when UDP is not configured", async () => {
    const f = await setup();
    const c = await connect(f);
    const res = await c.request("SETUP", f.url + "/trackID=0", {
      Transport: "RTP/AVP;unicast;client_port=35466-35467,RTP/AVP/TCP;unicast;interleaved=0-1",
    });
    assert.equal(res.statusCode, 200);
    const ssrc =
      f.stream!.stats().medias.get(f.stream!.desc.medias[0])!.formats.values().next().value!
        .localSsrc;
    assert.equal(
      res.headers.get("Transport"),
      `RTP/AVP/TCP;unicast;interleaved=0-1;ssrc=${
        ssrc.toString(16).toUpperCase().padStart(8, "0")
      }`,
    );
    assert.match(res.headers.get("Session")!, /^[0-9a-f]{32};timeout=55$/);
  });

  it("SETUP with only unsupported transports gets 461 and keeps the connection", async () => {
    const f = await setup();
    const c = await connect(f);
    const res = await c.request("SETUP", f.url + "/trackID=0", {
      Transport: "RTP/AVP;unicast;client_port=35466-35467",
    });
    assert.equal(res.statusCode, 461);
    const res2 = await c.request("SETUP", f.url + "/trackID=0", {
      Transport: "RTP/SAVP/TCP;unicast;interleaved=0-1",
    });
    assert.equal(res2.statusCode, 461);
    assert.equal((await c.request("SETUP", f.url + "/trackID=0", TCP)).statusCode, 200);
  });

  it("scenario 11: TCP SETUP without interleaved picks 0-1 then 2-3", async () => {
    const f = await setup({ sdp: SDP_TWO_MEDIAS });
    const c = await connect(f);
    const r0 = await c.request("SETUP", f.url + "/trackID=0", { Transport: "RTP/AVP/TCP;unicast" });
    assert.match(r0.headers.get("Transport")!, /interleaved=0-1/);
    const session = r0.headers.get("Session")!.split(";")[0];
    const r1 = await c.request("SETUP", f.url + "/trackID=1", {
      Transport: "RTP/AVP/TCP;unicast",
      Session: session,
    });
    assert.match(r1.headers.get("Transport")!, /interleaved=2-3/);
  });

  it("scenario 12: another connection cannot take over a TCP-playing session", async () => {
    const f = await setup();
    const a = await connect(f);
    const s = await a.request("SETUP", f.url + "/trackID=0", TCP);
    const session = s.headers.get("Session")!.split(";")[0];
    assert.equal((await a.request("PLAY", f.url, { Session: session })).statusCode, 200);
    const b = await connect(f);
    const r = await b.request("SETUP", f.url + "/trackID=0", { ...TCP, Session: session });
    assert.equal(r.statusCode, 400);
    await b.waitClosed();
  });

  it("scenario 13: SETUP after TCP PLAY on the same connection gets 400", async () => {
    const f = await setup();
    const a = await connect(f);
    const s = await a.request("SETUP", f.url + "/trackID=0", TCP);
    const session = s.headers.get("Session")!.split(";")[0];
    assert.equal((await a.request("PLAY", f.url, { Session: session })).statusCode, 200);
    assert.equal((await a.request("SETUP", f.url + "/trackID=0", TCP)).statusCode, 400);
  });

  it("scenario 14: path matrix of SETUP and PLAY", async () => {
    const cases: [string, string, string, string | undefined][] = [
      [
        "/teststream?param=value/trackID=0",
        "/teststream?param=value/",
        "/teststream",
        "param=value",
      ],
      ["/teststream/trackID=0", "/teststream/", "/teststream", undefined],
      ["/teststream/", "/teststream/", "/teststream", undefined],
      ["/test/stream/trackID=0", "/test/stream", "/test/stream", undefined],
      ["/trackID=0", "", "", undefined],
      ["//trackID=0", "/", "/", undefined],
    ];
    for (const [setupPath, playPath, path, query] of cases) {
      const seen: [string, string | undefined][] = [];
      const f = await setup({
        extra: {
          onSetup: ({ path, query }) => {
            seen.push([path, query]);
            return { response: { statusCode: 200 }, stream: f.stream };
          },
          onPlay: ({ path, query }) => {
            seen.push([path, query]);
            return { response: { statusCode: 200 } };
          },
        },
      });
      const c = await connect(f);
      const base = `rtsp://127.0.0.1:${f.port}`;
      const s = await c.request("SETUP", base + setupPath, TCP);
      assert.equal(s.statusCode, 200, setupPath);
      const session = s.headers.get("Session")!.split(";")[0];
      assert.equal(
        (await c.request("PLAY", base + playPath, { Session: session })).statusCode,
        200,
        playPath,
      );
      assert.deepEqual(seen, [[path, query], [path, query]], setupPath);
    }
  });

  it("scenario 15: SETUP with an invalid path gets 400 and closes", async () => {
    const f = await setup();
    const c = await connect(f);
    assert.equal(
      (await c.request("SETUP", `rtsp://127.0.0.1:${f.port}/invalid`, TCP)).statusCode,
      400,
    );
    await c.waitClosed();
  });

  it("scenario 16: SETUP against a closed stream gets 400 and closes", async () => {
    const f = await setup();
    f.stream!.close();
    const c = await connect(f);
    assert.equal((await c.request("SETUP", f.url + "/trackID=0", TCP)).statusCode, 400);
    await c.waitClosed();
  });

  it("scenario 17: second SETUP with another path, the same media or another protocol gets 400", async () => {
    const f = await setup({ sdp: SDP_TWO_MEDIAS, udpRtpAddress: undefined });
    const variants: [string, Record<string, string>][] = [
      [`rtsp://127.0.0.1:${f.port}/other/trackID=1`, TCP],
      [f.url + "/trackID=0", { Transport: "RTP/AVP/TCP;unicast;interleaved=2-3" }],
      [f.url + "/trackID=5", { Transport: "RTP/AVP/TCP;unicast;interleaved=2-3" }],
    ];
    for (const [url, headers] of variants) {
      const c = await connect(f);
      const s = await c.request("SETUP", f.url + "/trackID=0", TCP);
      const session = s.headers.get("Session")!.split(";")[0];
      assert.equal(
        (await c.request("SETUP", url, { ...headers, Session: session })).statusCode,
        400,
        url,
      );
      await c.waitClosed();
    }
  });

  it("scenario 38: conn.close() in onConnOpen; session.close() after SETUP closes the socket", async () => {
    let closeIt = true;
    const f = await setup({
      extra: {
        onConnOpen: ({ conn }) => {
          if (closeIt) conn.close();
        },
        onSetup: ({ session }) => {
          setTimeout(() => session.close(), 10);
          return { response: { statusCode: 200 }, stream: f.stream };
        },
      },
    });
    const a = await connect(f);
    await assert.rejects(a.request("OPTIONS", f.url));
    closeIt = false;
    const b = await connect(f);
    assert.equal((await b.request("SETUP", f.url + "/trackID=0", TCP)).statusCode, 200);
    await b.waitClosed(2000);
  });

  it("scenario 39: SETUP then disconnect fires onSessionClose (also after 400 + error)", async () => {
    const closed = new Events<ServerSession>();
    let fail = false;
    const f = await setup({
      extra: {
        onSessionClose: ({ session }) => closed.push(session),
        onSetup: () =>
          fail
            ? { response: { statusCode: 400 }, error: new Error("refused") }
            : { response: { statusCode: 200 }, stream: f.stream },
      },
    });
    const a = await connect(f);
    assert.equal((await a.request("SETUP", f.url + "/trackID=0", TCP)).statusCode, 200);
    a.close();
    await closed.next();
    fail = true;
    const b = await connect(f);
    assert.equal((await b.request("SETUP", f.url + "/trackID=0", TCP)).statusCode, 400);
    await b.waitClosed();
    await closed.next();
  });

  it("scenario 40: TEARDOWN answers 200 without Session and keeps the connection", async () => {
    const closed = new Events<Error | undefined>();
    const f = await setup({ extra: { onSessionClose: ({ error }) => closed.push(error) } });
    const c = await connect(f);
    const s = await c.request("SETUP", f.url + "/trackID=0", TCP);
    const session = s.headers.get("Session")!.split(";")[0];
    const r = await c.request("TEARDOWN", f.url, { Session: session });
    assert.equal(r.statusCode, 200);
    assert.equal(r.headers.get("Session"), undefined);
    assert.equal((await closed.next())!.message, "Torn down");
    assert.equal((await c.request("OPTIONS", f.url)).statusCode, 200);
  });
});

describe("Server publishing", () => {
  const announce = (
    c: RawRtspClient,
    url: string,
    sdp = SDP_TWO_MEDIAS,
    headers: Record<string, string> = {},
  ) => c.request("ANNOUNCE", url, { "Content-Type": "application/sdp", ...headers }, sdp);

  it("scenario 46: invalid ANNOUNCE bodies and content types get 400 and close", async () => {
    const f = await setup();
    const bad: [Record<string, string>, string | Uint8Array][] = [
      [{}, SDP_ONE_MEDIA],
      [{ "Content-Type": "aa" }, SDP_ONE_MEDIA],
      [{ "Content-Type": "application/sdp" }, new Uint8Array([1, 2, 3, 4])],
      [
        { "Content-Type": "application/sdp" },
        SDP_ONE_MEDIA.replace("a=rtpmap:96 H264/90000\r\n", ""),
      ],
      [
        { "Content-Type": "application/sdp" },
        SDP_TWO_MEDIAS.replace("a=control:streamid=1", "a=control:streamid=1\r\na=sendonly"),
      ],
    ];
    for (const [headers, body] of bad) {
      const c = await connect(f);
      assert.equal(
        (await c.request("ANNOUNCE", f.url, headers, body)).statusCode,
        400,
        JSON.stringify(headers),
      );
      await c.waitClosed();
    }
  });

  it("scenario 47: ANNOUNCE has no Session; SETUP gets Session: <32 hex>;timeout=55", async () => {
    const f = await setup();
    const c = await connect(f);
    const a = await announce(c, f.url);
    assert.equal(a.statusCode, 200);
    assert.equal(a.headers.get("Session"), undefined);
    const s = await c.request("SETUP", f.url + "/streamid=0", {
      Transport: "RTP/AVP/TCP;unicast;interleaved=0-1;mode=record",
    });
    assert.equal(s.statusCode, 200);
    assert.match(s.headers.get("Session")!, /^[0-9a-f]{32};timeout=55$/);
    assert.equal(s.headers.get("Transport"), "RTP/AVP/TCP;unicast;interleaved=0-1");
  });

  it("scenario 48: publisher SETUP without mode gets 400; multicast gets 461", async () => {
    const f = await setup({
      multicastIpRange: "224.1.0.0/16",
      multicastRtpPort: 28002,
      multicastRtcpPort: 28003,
    });
    const c = await connect(f);
    await announce(c, f.url);
    const m = await c.request("SETUP", f.url + "/streamid=0", {
      Transport: "RTP/AVP;multicast;mode=record",
    });
    assert.equal(m.statusCode, 461);
    const r = await c.request("SETUP", f.url + "/streamid=0", {
      Transport: "RTP/AVP/TCP;unicast;interleaved=0-1",
    });
    assert.equal(r.statusCode, 400);
    await c.waitClosed();
  });

  it("scenario 49: record path matrix", async () => {
    const cases: [string, string, string, string | undefined][] = [
      ["/test/stream?testing=0", "/test/stream?testing=0/streamid=0", "/test/stream", "testing=0"],
      ["/test/stream?testing=0", "/test/stream/streamid=0?testing=0", "/test/stream", "testing=0"],
      ["", "/streamid=0", "", undefined],
    ];
    for (const [announcePath, setupPath, path, query] of cases) {
      const seen: [string, string | undefined][] = [];
      const f = await setup({
        extra: {
          onSetup: ({ path, query }) => {
            seen.push([path, query]);
            return { response: { statusCode: 200 } };
          },
        },
      });
      const c = await connect(f);
      const base = `rtsp://127.0.0.1:${f.port}`;
      assert.equal((await announce(c, base + announcePath, SDP_ONE_MEDIA)).statusCode, 200);
      const r = await c.request("SETUP", base + setupPath, {
        Transport: "RTP/AVP/TCP;unicast;interleaved=0-1;mode=record",
      });
      assert.equal(r.statusCode, 200, setupPath);
      assert.deepEqual(seen, [[path, query]]);
    }
  });

  it("scenario 50: same media twice gets 400; RECORD with one of two medias gets 400", async () => {
    const f = await setup();
    const c = await connect(f);
    await announce(c, f.url);
    const T = { Transport: "RTP/AVP/TCP;unicast;mode=record" };
    const s = await c.request("SETUP", f.url + "/streamid=0", T);
    const session = s.headers.get("Session")!.split(";")[0];
    assert.equal(
      (await c.request("SETUP", f.url + "/streamid=0", { ...T, Session: session })).statusCode,
      400,
    );
    await c.waitClosed();
    const d = await connect(f);
    await announce(d, f.url);
    const s2 = await d.request("SETUP", f.url + "/streamid=0", T);
    const session2 = s2.headers.get("Session")!.split(";")[0];
    assert.equal((await d.request("RECORD", f.url, { Session: session2 })).statusCode, 400);
    await d.waitClosed();
  });

  it("scenario 58: PAUSE twice while recording answers 200, 200", async () => {
    const f = await setup();
    const c = await connect(f);
    await announce(c, f.url, SDP_ONE_MEDIA);
    const s = await c.request("SETUP", f.url + "/streamid=0", {
      Transport: "RTP/AVP/TCP;unicast;mode=record",
    });
    const session = s.headers.get("Session")!.split(";")[0];
    assert.equal((await c.request("RECORD", f.url, { Session: session })).statusCode, 200);
    assert.equal((await c.request("PAUSE", f.url, { Session: session })).statusCode, 200);
    assert.equal((await c.request("PAUSE", f.url, { Session: session })).statusCode, 200);
  });

  it("scenario 60: H264 without packetization-mode is refused by ANNOUNCE and initialize()", async () => {
    const f = await setup();
    const c = await connect(f);
    const sdp = SDP_ONE_MEDIA.replace("packetization-mode=1; ", "");
    assert.equal((await announce(c, f.url, sdp)).statusCode, 400);
    const stream = new ServerStream({
      server: f.server,
      desc: {
        medias: [{
          type: "video",
          isBackChannel: false,
          control: "",
          formats: [new H264Format({ packetizationMode: 0 })],
        }],
      },
    });
    assert.throws(() => stream.initialize(), /packetization-mode/);
  });

  it("scenario 41: ANNOUNCE without credentials gets challenges; Basic and Digest retries succeed", async () => {
    for (const methods of [["basic", "digest-md5"], ["digest-sha256"]] as const) {
      const f = await setup({
        authMethods: [...methods],
        extra: {
          onAnnounce: ({ conn, request }) =>
            conn.verifyCredentials(request, "myuser", "mypass")
              ? { response: { statusCode: 200 } }
              : { response: { statusCode: 401 }, error: new ServerAuthError() },
        },
      });
      const c = await connect(f);
      const r = await announce(c, f.url);
      assert.equal(r.statusCode, 401);
      const challenges = r.headers.getAll("WWW-Authenticate");
      const nonce = /nonce="([0-9a-f]{32})"/.exec(
        challenges.find((h) => h.startsWith("Digest"))!,
      )![1];
      if (methods[0] === "basic") {
        assert.deepEqual(challenges, [
          'Basic realm="ipcam"',
          `Digest realm="ipcam", nonce="${nonce}", algorithm="MD5"`,
        ]);
        const ok = await announce(c, f.url, SDP_TWO_MEDIAS, {
          Authorization: "Basic " + btoa("myuser:mypass"),
        });
        assert.equal(ok.statusCode, 200);
        const d = await connect(f);
        const r2 = await announce(d, f.url);
        const nonce2 = /nonce="([0-9a-f]{32})"/.exec(r2.headers.getAll("WWW-Authenticate")[1])![1];
        const ha1 = md5Hex("myuser:ipcam:mypass");
        const response = md5Hex(`${ha1}:${nonce2}:${md5Hex(`ANNOUNCE:${f.url}`)}`);
        const auth =
          `Digest username="myuser", realm="ipcam", nonce="${nonce2}", uri="${f.url}", response="${response}"`;
        assert.equal(
          (await announce(d, f.url, SDP_TWO_MEDIAS, { Authorization: auth })).statusCode,
          200,
        );
      } else {
        assert.deepEqual(challenges, [
          `Digest realm="ipcam", nonce="${nonce}", algorithm="SHA-256"`,
        ]);
        const ha1 = sha256Hex("myuser:ipcam:mypass");
        const response = sha256Hex(`${ha1}:${nonce}:${sha256Hex(`ANNOUNCE:${f.url}`)}`);
        const auth =
          `Digest username="myuser", realm="ipcam", nonce="${nonce}", uri="${f.url}", response="${response}", algorithm="SHA-256"`;
        assert.equal(
          (await announce(c, f.url, SDP_TWO_MEDIAS, { Authorization: auth })).statusCode,
          200,
        );
      }
    }
  });

  it("scenario 42: ANNOUNCE with wrong credentials gets 401 and the socket closes", async () => {
    const f = await setup({
      extra: {
        onAnnounce: ({ conn, request }) =>
          conn.verifyCredentials(request, "myuser", "mypass")
            ? { response: { statusCode: 200 } }
            : { response: { statusCode: 401 }, error: new ServerAuthError() },
      },
    });
    const c = await connect(f);
    const r = await announce(c, f.url, SDP_TWO_MEDIAS, {
      Authorization: "Basic " + btoa("myuser:wrong"),
    });
    assert.equal(r.statusCode, 401);
    assert.equal(r.headers.get("WWW-Authenticate"), undefined);
    await c.waitClosed();
  });
});

void readerHandler;
