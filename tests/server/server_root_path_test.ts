/** A stream served at the root path "/": "" and "/" are the same path (SPEC §2.3). */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseRtp, rtp, SDP_ONE_MEDIA, SDP_TWO_MEDIAS, testScope } from "./_fixture.ts";

const { serve, connect } = testScope();

function sessionId(v: string | undefined): string {
  return v!.split(";")[0];
}

describe("Server root path", () => {
  it('GStreamer\'s exchange: DESCRIBE /, SETUP /trackID=0 (path ""), PLAY // (path "/")', async () => {
    const f = await serve();
    const c = await connect(f);
    const root = `rtsp://127.0.0.1:${f.port}`;
    const d = await c.request("DESCRIBE", `${root}/`, { Accept: "application/sdp" });
    assert.equal(d.statusCode, 200);
    assert.equal(d.headers.get("Content-Base"), `${root}//`);
    const s = await c.request("SETUP", `${root}/trackID=0`, {
      Transport: "RTP/AVP/TCP;unicast;interleaved=0-1",
    });
    assert.equal(s.statusCode, 200);
    const id = sessionId(s.headers.get("Session"));
    const p = await c.request("PLAY", `${root}//`, { Session: id, Range: "npt=0-" });
    assert.equal(p.statusCode, 200);
    assert.match(p.headers.get("RTP-Info")!, new RegExp(`^url=${root}/trackID=0`));
    f.stream!.writePacketRtp(f.stream!.desc.medias[0], rtp(7, 1000, [1, 2, 3]));
    const frame = await c.readFrame(0);
    assert.equal(parseRtp(frame.payload).sequenceNumber, 7);
    const pause = await c.request("PAUSE", `${root}//`, { Session: id });
    assert.equal(pause.statusCode, 200);
    const again = await c.request("PLAY", `${root}//`, { Session: id });
    assert.equal(again.statusCode, 200);
  });

  it('SETUP //trackID=0 (path "/") then PLAY without a path (path "")', async () => {
    const f = await serve();
    const c = await connect(f);
    const root = `rtsp://127.0.0.1:${f.port}`;
    const s = await c.request("SETUP", `${root}//trackID=0`, {
      Transport: "RTP/AVP/TCP;unicast;interleaved=0-1",
    });
    assert.equal(s.statusCode, 200);
    const id = sessionId(s.headers.get("Session"));
    assert.equal((await c.request("PLAY", root, { Session: id })).statusCode, 200);
  });

  it("a real path change after a root SETUP is still 400", async () => {
    const f = await serve();
    const c = await connect(f);
    const root = `rtsp://127.0.0.1:${f.port}`;
    const s = await c.request("SETUP", `${root}/trackID=0`, {
      Transport: "RTP/AVP/TCP;unicast;interleaved=0-1",
    });
    assert.equal(s.statusCode, 200);
    const id = sessionId(s.headers.get("Session"));
    assert.equal((await c.request("PLAY", `${root}/other`, { Session: id })).statusCode, 400);
  });

  it("a second SETUP at the other spelling of the root is accepted", async () => {
    const f = await serve({ sdp: SDP_TWO_MEDIAS });
    const c = await connect(f);
    const root = `rtsp://127.0.0.1:${f.port}`;
    const s = await c.request("SETUP", `${root}/trackID=0`, {
      Transport: "RTP/AVP/TCP;unicast;interleaved=0-1",
    });
    const id = sessionId(s.headers.get("Session"));
    const s2 = await c.request("SETUP", `${root}//trackID=1`, {
      Session: id,
      Transport: "RTP/AVP/TCP;unicast;interleaved=2-3",
    });
    assert.equal(s2.statusCode, 200);
    assert.equal((await c.request("PLAY", `${root}//`, { Session: id })).statusCode, 200);
  });

  it("a publisher announcing at / records at the bare host", async () => {
    const f = await serve({ sdp: null });
    const c = await connect(f);
    const root = `rtsp://127.0.0.1:${f.port}`;
    const a = await c.request(
      "ANNOUNCE",
      `${root}/`,
      { "Content-Type": "application/sdp" },
      SDP_ONE_MEDIA,
    );
    assert.equal(a.statusCode, 200);
    const s = await c.request("SETUP", `${root}//streamid=0`, {
      Transport: "RTP/AVP/TCP;unicast;interleaved=0-1;mode=record",
    });
    assert.equal(s.statusCode, 200);
    const id = sessionId(s.headers.get("Session"));
    assert.equal((await c.request("RECORD", root, { Session: id })).statusCode, 200);
  });
});
