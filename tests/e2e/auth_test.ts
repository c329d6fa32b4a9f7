// Authentication (SPEC §7.1) end to end: examples/server-auth.ts (on the runtime running this
// file) with ffmpeg publishing and reading with credentials in the URL, GStreamer rtspsrc reading
// with user-id/user-pw, wrong credentials refused; then raw loopback exchanges against the same
// example: challenges, Basic / Digest-MD5 / Digest-SHA-256 retries, wrong credentials.
import { after, afterEach, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { type ChildProcessHandle, spawnProcess } from "../_helpers/process.ts";
import { type RawResponse, RawRtspClient } from "../_helpers/raw_rtsp_client.ts";
import { md5Hex, sha256Hex } from "../../src/rtsp/auth.ts";
import {
  ffmpegFrameStat,
  ffmpegPublishArgs,
  GST_READ_ELEMENTS,
  gstReadArgs,
  I420_FRAME_BYTES,
  outputs,
  readWithFfmpeg,
  skipUnless,
  tools,
  useExample,
} from "./harness.ts";
import {
  describeStatusWith,
  type ExampleServer,
  startExample,
  withCredentials,
} from "../robustness/_example_server.ts";

const PUBLISHER = { user: "cam", pass: "pub-Secret1" };
const READER = { user: "viewer", pass: "read-Secret2" };
const ENV = {
  PUBLISH_USER: PUBLISHER.user,
  PUBLISH_PASS: PUBLISHER.pass,
  READ_USER: READER.user,
  READ_PASS: READER.pass,
  // These suites send wrong credentials on purpose, several per minute from 127.0.0.1: with the
  // failed-login throttle on, one test more would lock the following ones out. The throttle has
  // its own tests (last suite below, and tests/server/conn_auth_test.ts).
  AUTH_MAX_FAILURES: "0",
};
const FRAMES = 10;
const skipFfmpeg = skipUnless({ ffmpeg: true });

/** Runs ffmpeg publishing to `url` for `seconds`; resolves once it ended. */
async function publishOnce(url: string, seconds: number): Promise<ChildProcessHandle> {
  const child = spawnProcess(tools.ffmpeg!, ffmpegPublishArgs(url, "tcp", seconds), {
    name: "ffmpeg(publish)",
    deadlineMs: (seconds + 15) * 1000,
  });
  await child.exited;
  return child;
}

describe("server-auth example e2e with ffmpeg and GStreamer", { skip: skipFfmpeg }, () => {
  // One publisher for the whole suite, with credentials in the URL.
  const ex = useExample(skipFfmpeg, "server-auth.ts", {
    env: ENV,
    path: "/cam",
    credentials: READER,
    publish: (server) =>
      spawnProcess(
        tools.ffmpeg!,
        ffmpegPublishArgs(server.urlWith("/cam", PUBLISHER.user, PUBLISHER.pass), "tcp", 60),
        { name: "ffmpeg(publish tcp /cam)", deadlineMs: 90_000 },
      ),
  });

  it("ffmpeg publishes with user:pass in the URL; DESCRIBE without credentials gets 401", {
    timeout: 30_000,
  }, async () => {
    assert.equal(ex.publisher!.exitResult, undefined, outputs(ex.publisher, ex.server.process));
    assert.equal(await describeStatusWith(ex.server, "/cam"), 401);
    assert.equal(await describeStatusWith(ex.server, "/cam", READER), 200);
  });

  it(
    "ffmpeg reads (TCP) with the reader's credentials in the URL",
    { timeout: 30_000 },
    async () => {
      const read = await readWithFfmpeg(
        withCredentials(ex.server, READER.user, READER.pass),
        "/cam",
        "tcp",
        FRAMES,
      );
      ex.children.push(read.child);
      const why = outputs(read.child, ex.publisher, ex.server.process);
      assert.equal(read.code, 0, `reader exit code ${read.code}${why}`);
      assert.equal(ffmpegFrameStat(read.child.stderr), FRAMES, why);
    },
  );

  it(
    "ffmpeg reads (UDP) with the reader's credentials in the URL",
    { timeout: 30_000 },
    async () => {
      const read = await readWithFfmpeg(
        withCredentials(ex.server, READER.user, READER.pass),
        "/cam",
        "udp",
        FRAMES,
      );
      const why = outputs(read.child, ex.publisher, ex.server.process);
      assert.equal(read.code, 0, `reader exit code ${read.code}${why}`);
      assert.equal(ffmpegFrameStat(read.child.stderr), FRAMES, why);
    },
  );

  it(
    "ffmpeg with a wrong reader password exits non-zero with 401",
    { timeout: 30_000 },
    async () => {
      const read = await readWithFfmpeg(
        withCredentials(ex.server, READER.user, "wrong"),
        "/cam",
        "tcp",
        FRAMES,
      );
      const why = outputs(read.child, ex.server.process);
      assert.notEqual(read.code, 0, why);
      assert.match(read.child.stderr, /401/, why);
      assert.equal(read.frames.length, 0, why);
    },
  );

  it("the reader's credentials cannot publish and a wrong publisher password is refused", {
    timeout: 40_000,
  }, async () => {
    for (const creds of [READER, { user: PUBLISHER.user, pass: "wrong" }]) {
      const child = await publishOnce(ex.server.urlWith("/cam", creds.user, creds.pass), 3);
      ex.children.push(child);
      const why = outputs(child, ex.server.process);
      assert.notEqual(child.exitResult!.code, 0, why);
      assert.match(child.stderr, /401/, why);
    }
    // The running publisher was not replaced.
    assert.equal(ex.publisher!.exitResult, undefined, outputs(ex.publisher, ex.server.process));
    assert.equal(await describeStatusWith(ex.server, "/cam", READER), 200);
  });

  const skipGst = skipUnless({ gst: GST_READ_ELEMENTS });
  for (
    const c of [
      { how: "user-id/user-pw properties", creds: READER, inUrl: false, ok: true },
      { how: "credentials in the URL", creds: READER, inUrl: true, ok: true },
      {
        how: "a wrong password",
        creds: { user: READER.user, pass: "wrong" },
        inUrl: false,
        ok: false,
      },
    ]
  ) {
    it(
      `GStreamer rtspsrc reads (TCP) with ${c.how}`,
      { skip: skipGst, timeout: 30_000 },
      async () => {
        const url = c.inUrl
          ? ex.server.urlWith("/cam", c.creds.user, c.creds.pass)
          : ex.server.url("/cam");
        const args = gstReadArgs(url, "tcp", FRAMES);
        if (!c.inUrl) args.splice(3, 0, `user-id=${c.creds.user}`, `user-pw=${c.creds.pass}`);
        const child = spawnProcess(tools.gst!, args, {
          name: `gst-launch(read ${c.how})`,
          deadlineMs: 20_000,
          binaryStdout: true,
        });
        ex.children.push(child);
        const exit = await child.exited;
        const why = outputs(child, ex.server.process);
        if (c.ok) {
          assert.equal(exit.code, 0, why);
          assert.ok(child.stdoutBytes / I420_FRAME_BYTES >= FRAMES, why);
        } else {
          assert.notEqual(exit.code, 0, why);
          assert.equal(child.stdoutBytes, 0, why);
          assert.match(child.stderr, /401|[Uu]nauthori[sz]ed/, why);
        }
      },
    );
  }
});

// ---------------------------------------------------------------- loopback

/** Authorization value of a Digest response (RFC 2617 without qop, as ffmpeg sends it). */
function digest(
  method: string,
  uri: string,
  creds: { user: string; pass: string },
  challenge: { realm: string; nonce: string; algorithm: "MD5" | "SHA-256" },
): string {
  const h = challenge.algorithm === "MD5" ? md5Hex : sha256Hex;
  const ha1 = h(`${creds.user}:${challenge.realm}:${creds.pass}`);
  const response = h(`${ha1}:${challenge.nonce}:${h(`${method}:${uri}`)}`);
  return `Digest username="${creds.user}", realm="${challenge.realm}", nonce="${challenge.nonce}", ` +
    `uri="${uri}", response="${response}", algorithm=${challenge.algorithm}`;
}

/** Realm and nonce of a challenge response. */
function challengeOf(res: RawResponse): { realm: string; nonce: string } {
  const d = res.headers.getAll("WWW-Authenticate").find((v) => v.startsWith("Digest"));
  assert.ok(d, `no Digest challenge in ${[...res.headers.entries()].join("; ")}`);
  return { realm: /realm="([^"]*)"/.exec(d)![1], nonce: /nonce="([^"]*)"/.exec(d)![1] };
}

const SDP = [
  "v=0",
  "o=- 0 0 IN IP4 127.0.0.1",
  "s=test",
  "c=IN IP4 0.0.0.0",
  "t=0 0",
  "m=video 0 RTP/AVP 96",
  "a=control:streamid=0",
  "a=rtpmap:96 H264/90000",
  "a=fmtp:96 packetization-mode=1",
  "",
].join("\r\n");
const ANNOUNCE_HEADERS = { "Content-Type": "application/sdp" };

/** Everything of a response but CSeq and Server, for comparing two refusals. */
function shape(res: RawResponse): string {
  const headers = [...res.headers.entries()].filter(([k]) => k !== "CSeq");
  return JSON.stringify([res.statusCode, res.statusMessage, headers, res.text]);
}

/**
 * examples/server-auth.ts with `env` for the tests of the current describe block, and `connect()`
 * for raw clients to it (closed after each test). `example()` is the running example.
 */
function useRawExample(
  env: Record<string, string>,
): { example: () => ExampleServer; connect: () => Promise<RawRtspClient> } {
  let server: ExampleServer;
  const clients: RawRtspClient[] = [];

  before(async () => {
    server = await startExample("server-auth.ts", {
      env,
      deadlineMs: 10 * 60_000,
    });
  });

  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });

  after(async () => {
    if (server) await server.process.kill();
  });

  async function connect(): Promise<RawRtspClient> {
    const c = await RawRtspClient.connect(server.rtspPort);
    clients.push(c);
    return c;
  }

  return { example: () => server, connect };
}

describe("server-auth example over loopback (raw RTSP)", () => {
  const { example, connect } = useRawExample({
    ...ENV,
    AUTH_METHODS: "basic,digest-md5,digest-sha256",
  });

  it("401 carries one WWW-Authenticate per enabled method, in order; the connection stays", async () => {
    const c = await connect();
    const url = example().url("/cam");
    const res = await c.request("ANNOUNCE", url, ANNOUNCE_HEADERS, SDP);
    assert.equal(res.statusCode, 401);
    const challenges = res.headers.getAll("WWW-Authenticate");
    assert.equal(challenges.length, 3, challenges.join(" | "));
    assert.equal(challenges[0], 'Basic realm="ipcam"');
    const nonce = challengeOf(res).nonce;
    assert.match(nonce, /^[0-9a-f]{32}$/);
    assert.equal(challenges[1], `Digest realm="ipcam", nonce="${nonce}", algorithm="MD5"`);
    assert.equal(challenges[2], `Digest realm="ipcam", nonce="${nonce}", algorithm="SHA-256"`);
    // Readers too, and the same nonce on the same connection.
    const d = await c.request("DESCRIBE", url);
    assert.equal(d.statusCode, 401);
    assert.equal(challengeOf(d).nonce, nonce);
    assert.equal(c.closed, false);
    assert.equal((await c.request("OPTIONS", url)).statusCode, 200);
  });

  it("repeated or unusable Authorization headers are treated as absent (challenge, kept)", async () => {
    const c = await connect();
    const url = example().url("/cam");
    const basic = `Basic ${btoa(`${READER.user}:${READER.pass}`)}`;
    const cases: Record<string, string>[] = [
      { Authorization: basic, authorization: basic },
      { Authorization: "Bearer abc" },
      { Authorization: `Basic ${btoa(":nouser")}` },
      { Authorization: "Basic !!!" },
    ];
    for (const headers of cases) {
      const res = await c.request("DESCRIBE", url, headers);
      assert.equal(res.statusCode, 401, JSON.stringify(headers));
      assert.equal(res.headers.getAll("WWW-Authenticate").length, 3, JSON.stringify(headers));
    }
    assert.equal(c.closed, false);
  });

  for (const method of ["Basic", "Digest-MD5", "Digest-SHA256"] as const) {
    it(`${method} retry after the challenge ⇒ ANNOUNCE 200 (publisher) and DESCRIBE 404 (reader)`, async () => {
      const c = await connect();
      const url = example().url(`/loop-${method}`);
      const first = await c.request("ANNOUNCE", url, ANNOUNCE_HEADERS, SDP);
      assert.equal(first.statusCode, 401);
      const auth = (m: string, creds: typeof READER) =>
        method === "Basic"
          ? `Basic ${btoa(`${creds.user}:${creds.pass}`)}`
          : digest(m, url, creds, {
            ...challengeOf(first),
            algorithm: method === "Digest-MD5" ? "MD5" : "SHA-256",
          });
      const res = await c.request("ANNOUNCE", url, {
        ...ANNOUNCE_HEADERS,
        Authorization: auth("ANNOUNCE", PUBLISHER),
      }, SDP);
      assert.equal(res.statusCode, 200);
      c.close();
      // A reader on a new connection: 200 once a stream exists (ours, until the session ends).
      const r = await connect();
      const d1 = await r.request("DESCRIBE", url);
      assert.equal(d1.statusCode, 401);
      const readAuth = method === "Basic"
        ? `Basic ${btoa(`${READER.user}:${READER.pass}`)}`
        : digest("DESCRIBE", url, READER, {
          ...challengeOf(d1),
          algorithm: method === "Digest-MD5" ? "MD5" : "SHA-256",
        });
      const d2 = await r.request("DESCRIBE", url, { Authorization: readAuth });
      // The publisher left without RECORD: its session (and the stream) may already be gone.
      assert.ok(d2.statusCode === 200 || d2.statusCode === 404, `DESCRIBE ${d2.statusCode}`);
      assert.equal(r.closed, false);
    });
  }

  it("Digest with a path-only uri (relative form) is accepted", async () => {
    const c = await connect();
    const url = example().url("/cam");
    const first = await c.request("DESCRIBE", url);
    const res = await c.request("DESCRIBE", url, {
      Authorization: digest("DESCRIBE", "/cam", READER, {
        ...challengeOf(first),
        algorithm: "MD5",
      }),
    });
    assert.ok(res.statusCode === 200 || res.statusCode === 404, `DESCRIBE ${res.statusCode}`);
  });

  it("wrong credentials ⇒ 401 without challenge, then the connection is closed", async () => {
    const c = await connect();
    const url = example().url("/cam");
    const res = await c.request("DESCRIBE", url, {
      Authorization: `Basic ${btoa(`${READER.user}:nope`)}`,
    });
    assert.equal(res.statusCode, 401);
    assert.equal(res.headers.getAll("WWW-Authenticate").length, 0);
    await c.waitClosed();
  });

  it("the refusal is the same whether the user or the password was wrong (Basic and Digest)", async () => {
    const url = example().url("/cam");
    const shapes = new Set<string>();
    for (
      const creds of [{ user: "nobody", pass: READER.pass }, { user: READER.user, pass: "nope" }]
    ) {
      for (const scheme of ["basic", "digest"]) {
        const c = await connect();
        const first = await c.request("DESCRIBE", url);
        const authorization = scheme === "basic"
          ? `Basic ${btoa(`${creds.user}:${creds.pass}`)}`
          : digest("DESCRIBE", url, creds, { ...challengeOf(first), algorithm: "MD5" });
        const res = await c.request("DESCRIBE", url, { Authorization: authorization });
        shapes.add(shape(res));
        await c.waitClosed();
      }
    }
    assert.equal(shapes.size, 1, [...shapes].join("\n"));
    assert.match([...shapes][0], /^\[401,/);
  });

  it("a publisher's credentials do not authorize reading, nor a reader's publishing", async () => {
    const url = example().url("/cam");
    const r = await connect();
    const d = await r.request("DESCRIBE", url, {
      Authorization: `Basic ${btoa(`${PUBLISHER.user}:${PUBLISHER.pass}`)}`,
    });
    assert.equal(d.statusCode, 401);
    await r.waitClosed();
    const p = await connect();
    const a = await p.request("ANNOUNCE", url, {
      ...ANNOUNCE_HEADERS,
      Authorization: `Basic ${btoa(`${READER.user}:${READER.pass}`)}`,
    }, SDP);
    assert.equal(a.statusCode, 401);
    await p.waitClosed();
  });

  it("a Digest response signed with another connection's nonce is refused and closes", async () => {
    const url = example().url("/cam");
    const a = await connect();
    const ch = challengeOf(await a.request("DESCRIBE", url));
    const b = await connect();
    const chB = challengeOf(await b.request("DESCRIBE", url));
    assert.notEqual(chB.nonce, ch.nonce);
    const res = await b.request("DESCRIBE", url, {
      Authorization: digest("DESCRIBE", url, READER, { ...ch, algorithm: "MD5" }),
    });
    assert.equal(res.statusCode, 401);
    await b.waitClosed();
  });

  it("SETUP without DESCRIBE is also checked (reader)", async () => {
    const c = await connect();
    const res = await c.request("SETUP", example().url("/cam/trackID=0"), {
      Transport: "RTP/AVP/TCP;unicast;interleaved=0-1",
    });
    assert.equal(res.statusCode, 401);
    assert.equal(res.headers.getAll("WWW-Authenticate").length, 3);
  });
});

describe("server-auth example: nonce lifetime and failed-login throttle (raw RTSP)", () => {
  const { example, connect } = useRawExample({
    ...ENV,
    NONCE_LIFETIME_MS: "300",
    AUTH_MAX_FAILURES: "2",
  });

  it("nonces expire and a stale one is answered with stale=true and a fresh nonce", async () => {
    const c = await connect();
    const url = example().url("/cam");
    const first = challengeOf(await c.request("DESCRIBE", url));
    // The example process has no fake clock: let its 300 ms nonce lifetime pass.
    await new Promise((resolve) => setTimeout(resolve, 400));
    const res = await c.request("DESCRIBE", url, {
      Authorization: digest("DESCRIBE", url, READER, { ...first, algorithm: "MD5" }),
    });
    assert.equal(res.statusCode, 401);
    const md5 = res.headers.getAll("WWW-Authenticate").find((v) => v.startsWith("Digest"))!;
    assert.match(md5, /, stale=true$/);
    const fresh = challengeOf(res);
    assert.notEqual(fresh.nonce, first.nonce);
    assert.equal(c.closed, false);
    const retry = await c.request("DESCRIBE", url, {
      Authorization: digest("DESCRIBE", url, READER, { ...fresh, algorithm: "MD5" }),
    });
    assert.ok(retry.statusCode === 200 || retry.statusCode === 404, `DESCRIBE ${retry.statusCode}`);
  });

  it("after AUTH_MAX_FAILURES wrong logins, even the right credentials are refused", async () => {
    const url = example().url("/cam");
    const right = { Authorization: `Basic ${btoa(`${READER.user}:${READER.pass}`)}` };
    const ok = await (await connect()).request("DESCRIBE", url, right);
    assert.ok(ok.statusCode === 200 || ok.statusCode === 404, `DESCRIBE ${ok.statusCode}`);
    for (let i = 0; i < 2; i++) {
      const c = await connect();
      const res = await c.request("DESCRIBE", url, {
        Authorization: `Basic ${btoa(`${READER.user}:wrong${i}`)}`,
      });
      assert.equal(res.statusCode, 401);
      await c.waitClosed();
    }
    const locked = await connect();
    const res = await locked.request("DESCRIBE", url, right);
    assert.equal(res.statusCode, 401);
    assert.equal(res.headers.getAll("WWW-Authenticate").length, 0);
    await locked.waitClosed();
  });
});
