import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { createConnection, type Socket } from "node:net";
import type { ServerConn } from "../../src/server/server_conn.ts";
import { Events, type Fixture, testScope } from "./_fixture.ts";

const { defer, serve } = testScope();

class Raw {
  socket: Socket;
  data = "";
  bytes = new Uint8Array(0);
  events = new Events<void>();
  constructor(socket: Socket) {
    this.socket = socket;
    socket.on("data", (c: Uint8Array) => {
      const b = new Uint8Array(this.bytes.length + c.length);
      b.set(this.bytes);
      b.set(c, this.bytes.length);
      this.bytes = b;
      this.data += new TextDecoder("latin1").decode(c);
      this.events.push();
    });
    socket.on("error", () => {});
    defer(() => socket.destroy());
  }
  static connect(port: number): Promise<Raw> {
    return new Promise((resolve, reject) => {
      const s = createConnection({ port, host: "127.0.0.1" }, () => resolve(new Raw(s)));
      s.once("error", reject);
    });
  }
  async waitFor(pred: (s: string) => boolean, timeoutMs = 3000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!pred(this.data)) {
      await this.events.next(Math.max(1, deadline - Date.now()));
    }
    return this.data;
  }
}

async function setup(): Promise<
  { f: Fixture; opened: Events<ServerConn>; closed: Events<Error | undefined> }
> {
  const opened = new Events<ServerConn>();
  const closed = new Events<Error | undefined>();
  const f = await serve({
    extra: {
      onConnOpen: ({ conn }) => opened.push(conn),
      onConnClose: ({ error }) => closed.push(error),
    },
  });
  return { f, opened, closed };
}

describe("Server tunnels", () => {
  it("scenario 43: HTTP tunnel GET + POST carries RTSP, answers on the GET socket", async () => {
    const { f, opened, closed } = await setup();
    const get = await Raw.connect(f.port);
    get.socket.write(
      "GET /teststream HTTP/1.0\r\nAccept: application/x-rtsp-tunnelled\r\nX-Sessioncookie: abc123\r\n\r\n",
    );
    const head = await get.waitFor((s) => s.includes("\r\n\r\n"));
    assert.match(head, /^HTTP\/1\.[01] 200 OK\r\n/);
    for (
      const h of [
        "Cache-Control: no-cache",
        "Connection: close",
        "Content-Type: application/x-rtsp-tunnelled",
        "Pragma: no-cache",
      ]
    ) {
      assert.ok(head.includes(h + "\r\n"), h);
    }
    const post = await Raw.connect(f.port);
    const rtsp = `DESCRIBE ${f.url} RTSP/1.0\r\nCSeq: 1\r\n\r\n`;
    post.socket.write(
      "POST /teststream HTTP/1.0\r\nContent-Type: application/x-rtsp-tunnelled\r\nX-Sessioncookie: abc123\r\nContent-Length: 32767\r\n\r\n" +
        btoa(rtsp),
    );
    const out = await get.waitFor((s) => s.includes("RTSP/1.0 200 OK") && s.includes("m=video"));
    assert.match(out, /Content-Base: /);
    const postHead = await post.waitFor((s) => s.includes("\r\n\r\n"));
    assert.match(postHead, /^HTTP\/1\.[01] 200 OK\r\n/);
    const conns: ServerConn[] = [];
    while (conns.length < 3) conns.push(await opened.next());
    assert.equal(conns[2].transport().tunnel, "http");
    assert.equal((await closed.next())!.message, "Upgraded to HTTP");
    // A UDP transport through the tunnel is refused.
    post.socket.write(
      btoa(
        `SETUP ${f.url}/trackID=0 RTSP/1.0\r\nCSeq: 2\r\nTransport: RTP/AVP;unicast;client_port=3000-3001\r\n\r\n`,
      ),
    );
    await get.waitFor((s) => s.includes("RTSP/1.0 461"));
  });

  it("scenario 44: WebSocket tunnel answers DESCRIBE in a binary message", async () => {
    const { f, opened } = await setup();
    const ws = await Raw.connect(f.port);
    const key = randomBytes(16).toString("base64");
    ws.socket.write(
      `GET /teststream HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Protocol: rtsp.onvif.org\r\n\r\n`,
    );
    const head = await ws.waitFor((s) => s.includes("\r\n\r\n"));
    assert.match(head, /^HTTP\/1\.1 101 /);
    const accept = createHash("sha1").update(key + "258EAFA5-E914-47DA-95CA-C5AB0DC11B65").digest(
      "base64",
    );
    assert.ok(head.includes(`Sec-WebSocket-Accept: ${accept}\r\n`));
    assert.ok(head.includes("Sec-WebSocket-Protocol: rtsp.onvif.org\r\n"));
    const headLen = head.indexOf("\r\n\r\n") + 4;
    const payload = new TextEncoder().encode(`DESCRIBE ${f.url} RTSP/1.0\r\nCSeq: 1\r\n\r\n`);
    const mask = [1, 2, 3, 4];
    const frame = new Uint8Array(2 + 4 + payload.length);
    frame[0] = 0x82;
    frame[1] = 0x80 | payload.length;
    frame.set(mask, 2);
    for (let i = 0; i < payload.length; i++) frame[6 + i] = payload[i] ^ mask[i & 3];
    ws.socket.write(frame);
    await ws.waitFor((s) => s.includes("m=video"));
    const msg = ws.bytes.subarray(headLen);
    assert.equal(msg[0], 0x82);
    const text = new TextDecoder().decode(msg.subarray(msg[1] === 126 ? 4 : 2));
    assert.match(text, /^RTSP\/1\.0 200 OK\r\n/);
    await opened.next();
    assert.equal((await opened.next()).transport().tunnel, "websocket");
  });

  it("other HTTP requests get 400 and close", async () => {
    const { f } = await setup();
    const c = await Raw.connect(f.port);
    c.socket.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    assert.match(await c.waitFor((s) => s.includes("\r\n\r\n")), /^HTTP\/1\.1 400 /);
  });
});
