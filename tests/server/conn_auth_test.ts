/**
 * Authentication over loopback (SPEC §7.1, issue #6): digest nonces that expire (stale=true),
 * the per-IP failed-login throttle, and wrong credentials that never tell which part was wrong.
 * The clients compute their Digest responses themselves; time enters through the `now` hook.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { FuzzClient } from "../../scripts/fuzz/client.ts";
import type { AuthMethod } from "../../src/rtsp/auth.ts";
import { md5Hex, sha256Hex } from "../../src/rtsp/auth.ts";
import type { RtspResponse } from "../../src/rtsp/message.ts";
import type { ServerOptions } from "../../src/server/server.ts";
import { ServerAuthError } from "../../src/server/server_auth_error.ts";
import { type Fixture, startServer, testScope } from "./_fixture.ts";

const scope = testScope();

const USER = "myuser";
const PASS = "mypass";

/** A fake clock in ms; timeouts are long so that only the auth logic sees its jumps. */
class Clock {
  ms = 1_700_000_000_000;
  now = (): number => this.ms;
}

async function serve(options: Partial<ServerOptions> = {}): Promise<Fixture> {
  const f: Fixture = await scope.serve({
    readTimeoutMs: 3_600_000,
    idleTimeoutMs: 3_600_000,
    ...options,
    extra: {
      onDescribe: ({ conn, request }) =>
        conn.verifyCredentials(request, USER, PASS)
          ? { response: { statusCode: 200 }, stream: f.stream }
          : { response: { statusCode: 401 }, error: new ServerAuthError() },
    },
  });
  return f;
}

async function connect(f: Fixture, localAddress?: string): Promise<FuzzClient> {
  const c = await FuzzClient.connect(f.port, { localAddress });
  scope.defer(() => c.close());
  return c;
}

async function describeWith(
  c: FuzzClient,
  url: string,
  authorization?: string,
): Promise<RtspResponse> {
  const headers: Record<string, string> = {};
  if (authorization !== undefined) headers.Authorization = authorization;
  const r = await c.request("DESCRIBE", url, headers, "", 3000);
  assert.ok(r !== undefined, "no response");
  return r;
}

interface Challenge {
  nonce: string;
  stale: boolean;
}

function digestChallenge(r: RtspResponse, method: AuthMethod): Challenge {
  const algorithm = method === "digest-sha256" ? "SHA-256" : "MD5";
  const h = r.headers.getAll("WWW-Authenticate").find((v) =>
    v.startsWith("Digest") && v.includes(`algorithm="${algorithm}"`)
  );
  assert.ok(h !== undefined, `no ${algorithm} challenge`);
  return { nonce: /nonce="([0-9a-f]{32})"/.exec(h)![1], stale: /,\s*stale=true/.test(h) };
}

/** An `Authorization: Digest` value computed as a client does (RFC 2617 §3.2.2, RFC 7616). */
function digest(
  opts: {
    method: AuthMethod;
    nonce: string;
    url: string;
    user?: string;
    pass?: string;
    qop?: boolean;
    requestMethod?: string;
  },
): string {
  const h = opts.method === "digest-sha256" ? sha256Hex : md5Hex;
  const user = opts.user ?? USER;
  const ha1 = h(`${user}:ipcam:${opts.pass ?? PASS}`);
  const ha2 = h(`${opts.requestMethod ?? "DESCRIBE"}:${opts.url}`);
  const algorithm = opts.method === "digest-sha256" ? "SHA-256" : "MD5";
  let value = `Digest username="${user}", realm="ipcam", nonce="${opts.nonce}", ` +
    `uri="${opts.url}", algorithm=${algorithm}`;
  if (opts.qop === true) {
    const cnonce = "0a4f113b";
    const response = h(`${ha1}:${opts.nonce}:00000001:${cnonce}:auth:${ha2}`);
    value += `, qop=auth, nc=00000001, cnonce="${cnonce}", response="${response}"`;
  } else {
    value += `, response="${h(`${ha1}:${opts.nonce}:${ha2}`)}"`;
  }
  return value;
}

function flipFirst(hex: string): string {
  return (hex[0] === "f" ? "e" : "f") + hex.slice(1);
}

function basic(user: string, pass: string): string {
  return "Basic " + btoa(`${user}:${pass}`);
}

describe("ServerConn.verifyCredentials(): nonce lifetime (RFC 7616 §3.3 stale)", () => {
  const variants: [AuthMethod, boolean][] = [
    ["digest-md5", false],
    ["digest-md5", true],
    ["digest-sha256", false],
    ["digest-sha256", true],
  ];
  for (const [method, qop] of variants) {
    it(`a ${method}${qop ? " qop=auth" : ""} nonce older than the default 5 minutes gets 401 stale=true and a fresh nonce`, async () => {
      const clock = new Clock();
      const f = await serve({ now: clock.now, authMethods: ["basic", method] });
      const c = await connect(f);
      const first = await describeWith(c, f.url);
      assert.equal(first.statusCode, 401);
      const n1 = digestChallenge(first, method);
      assert.equal(n1.stale, false);
      assert.equal(
        (await describeWith(c, f.url, digest({ method, qop, nonce: n1.nonce, url: f.url })))
          .statusCode,
        200,
      );
      clock.ms += 299_000;
      assert.equal(
        (await describeWith(c, f.url, digest({ method, qop, nonce: n1.nonce, url: f.url })))
          .statusCode,
        200,
      );
      clock.ms += 1_000;
      const stale = await describeWith(
        c,
        f.url,
        digest({ method, qop, nonce: n1.nonce, url: f.url }),
      );
      assert.equal(stale.statusCode, 401);
      const n2 = digestChallenge(stale, method);
      assert.equal(n2.stale, true);
      assert.notEqual(n2.nonce, n1.nonce);
      // The Basic challenge has no nonce and no stale flag.
      assert.deepEqual(
        stale.headers.getAll("WWW-Authenticate").filter((v) => v.startsWith("Basic")),
        ['Basic realm="ipcam"'],
      );
      assert.equal(c.closed, false);
      // The client retries silently with the fresh nonce.
      assert.equal(
        (await describeWith(c, f.url, digest({ method, qop, nonce: n2.nonce, url: f.url })))
          .statusCode,
        200,
      );
      // The old nonce is gone for good.
      const old = await describeWith(
        c,
        f.url,
        digest({ method, qop, nonce: n1.nonce, url: f.url }),
      );
      assert.equal(old.statusCode, 401);
      assert.deepEqual(old.headers.getAll("WWW-Authenticate"), []);
      assert.ok(await c.waitClosed(3000));
      assert.equal(f.server.stats().failedLogins, 1);
    });
  }

  it("an expired nonce with wrong credentials gets a bare 401 (no stale) and the connection closes", async () => {
    const clock = new Clock();
    const f = await serve({ now: clock.now, authNonceLifetimeMs: 1000 });
    for (const wrong of [{ pass: "nope" }, { user: "other" }]) {
      const c = await connect(f);
      const n1 = digestChallenge(await describeWith(c, f.url), "digest-md5");
      clock.ms += 5000;
      const r = await describeWith(
        c,
        f.url,
        digest({ method: "digest-md5", nonce: n1.nonce, url: f.url, ...wrong }),
      );
      assert.equal(r.statusCode, 401);
      assert.deepEqual(r.headers.getAll("WWW-Authenticate"), []);
      assert.ok(await c.waitClosed(3000));
    }
    assert.equal(f.server.stats().failedLogins, 2);
  });

  it("authNonceLifetimeMs is configurable; a challenge after expiry carries a fresh nonce", async () => {
    const clock = new Clock();
    const f = await serve({ now: clock.now, authNonceLifetimeMs: 10_000 });
    const c = await connect(f);
    const n1 = digestChallenge(await describeWith(c, f.url), "digest-md5");
    clock.ms += 9_000;
    assert.equal(digestChallenge(await describeWith(c, f.url), "digest-md5").nonce, n1.nonce);
    clock.ms += 1_000;
    const n2 = digestChallenge(await describeWith(c, f.url), "digest-md5");
    assert.notEqual(n2.nonce, n1.nonce);
    assert.equal(n2.stale, false);
    assert.equal(
      (await describeWith(c, f.url, digest({ method: "digest-md5", nonce: n2.nonce, url: f.url })))
        .statusCode,
      200,
    );
  });

  it("Basic credentials do not expire", async () => {
    const clock = new Clock();
    const f = await serve({ now: clock.now, authNonceLifetimeMs: 1000 });
    const c = await connect(f);
    clock.ms += 60_000;
    assert.equal((await describeWith(c, f.url, basic(USER, PASS))).statusCode, 200);
  });

  it("invalid auth options are refused by start()", async () => {
    for (
      const o of [
        { authNonceLifetimeMs: 0 },
        { authMaxFailures: -1 },
        { authMaxFailures: 1.5 },
        { authFailureWindowMs: -5 },
        { authLockoutMs: Number.NaN },
      ]
    ) {
      await assert.rejects(startServer(o), RangeError, JSON.stringify(o));
    }
  });
});

describe("failed-login throttle (authMaxFailures)", () => {
  it("locks out an IP after authMaxFailures wrong logins; other IPs and challenges unaffected; ends after authLockoutMs", async () => {
    const clock = new Clock();
    const f = await serve({ now: clock.now, authMaxFailures: 3, authLockoutMs: 30_000 });
    for (let i = 0; i < 3; i++) {
      const c = await connect(f);
      const r = await describeWith(c, f.url, basic(USER, "guess" + i));
      assert.equal(r.statusCode, 401);
      assert.ok(await c.waitClosed(3000));
    }
    assert.equal(f.server.stats().failedLogins, 3);
    assert.equal(f.server.stats().throttledLogins, 0);

    // The right password from the locked-out IP is refused unchecked, like a wrong one.
    const locked = await connect(f);
    const refused = await describeWith(locked, f.url, basic(USER, PASS));
    assert.equal(refused.statusCode, 401);
    assert.deepEqual(refused.headers.getAll("WWW-Authenticate"), []);
    assert.ok(await locked.waitClosed(3000));
    assert.equal(f.server.stats().throttledLogins, 1);
    assert.equal(f.server.stats().failedLogins, 3);

    // Digest too, and a request without credentials still gets its challenge.
    const locked2 = await connect(f);
    const challenge = await describeWith(locked2, f.url);
    assert.equal(challenge.statusCode, 401);
    const { nonce } = digestChallenge(challenge, "digest-md5");
    assert.equal(
      (await describeWith(locked2, f.url, digest({ method: "digest-md5", nonce, url: f.url })))
        .statusCode,
      401,
    );
    assert.equal(f.server.stats().throttledLogins, 2);

    // Another client IP logs in as usual.
    const other = await connect(f, "127.0.0.2");
    assert.equal((await describeWith(other, f.url, basic(USER, PASS))).statusCode, 200);
    assert.equal(f.server._ctx!.conns.size >= 1, true);

    clock.ms += 30_000;
    const back = await connect(f);
    assert.equal((await describeWith(back, f.url, basic(USER, PASS))).statusCode, 200);
    assert.equal(f.server.stats().throttledLogins, 2);
  });

  it("failures spread wider than authFailureWindowMs do not lock out", async () => {
    const clock = new Clock();
    const f = await serve({ now: clock.now, authMaxFailures: 2, authFailureWindowMs: 10_000 });
    for (let i = 0; i < 4; i++) {
      const c = await connect(f);
      assert.equal((await describeWith(c, f.url, basic(USER, "x"))).statusCode, 401);
      assert.ok(await c.waitClosed(3000));
      clock.ms += 10_000;
    }
    const c = await connect(f);
    assert.equal((await describeWith(c, f.url, basic(USER, PASS))).statusCode, 200);
    assert.equal(f.server.stats().failedLogins, 4);
    assert.equal(f.server.stats().throttledLogins, 0);
  });

  it("authMaxFailures: 0 disables the throttle", async () => {
    const f = await serve({ authMaxFailures: 0 });
    for (let i = 0; i < 8; i++) {
      const c = await connect(f);
      assert.equal((await describeWith(c, f.url, basic(USER, "x"))).statusCode, 401);
    }
    const c = await connect(f);
    assert.equal((await describeWith(c, f.url, basic(USER, PASS))).statusCode, 200);
    assert.equal(f.server.stats().throttledLogins, 0);
  });
});

describe("wrong credentials never tell which part was wrong", () => {
  /** Everything of a response but CSeq, as it went over the wire. */
  function shape(r: RtspResponse): unknown {
    return {
      status: r.statusCode,
      message: r.statusMessage,
      headers: [...r.headers].filter(([k]) => k.toLowerCase() !== "cseq"),
      body: [...r.body],
    };
  }

  it("Basic and Digest: wrong user, wrong password or both get the same bare 401, then close", async () => {
    const f = await serve({
      authMethods: ["basic", "digest-md5", "digest-sha256"],
      authMaxFailures: 0,
    });
    const shapes: unknown[] = [];
    const cases: ((nonce: string) => string)[] = [
      () => basic("other", PASS),
      () => basic(USER, "wrong"),
      () => basic("x", "y"),
      () => basic(USER + "longer-name", PASS + "-and-a-longer-password"),
      (nonce) => digest({ method: "digest-md5", nonce, url: f.url, user: "other" }),
      (nonce) => digest({ method: "digest-md5", nonce, url: f.url, pass: "wrong" }),
      (nonce) => digest({ method: "digest-sha256", nonce, url: f.url, user: "other" }),
      (nonce) => digest({ method: "digest-sha256", nonce, url: f.url, pass: "wrong" }),
      (nonce) => digest({ method: "digest-md5", nonce: flipFirst(nonce), url: f.url }),
      (nonce) =>
        digest({ method: "digest-md5", nonce, url: f.url }).replace(
          /response="([0-9a-f]+)"/,
          (_, r) => `response="${flipFirst(r)}"`,
        ),
    ];
    for (const make of cases) {
      const c = await connect(f);
      const { nonce } = digestChallenge(await describeWith(c, f.url), "digest-md5");
      const r = await describeWith(c, f.url, make(nonce));
      assert.equal(r.statusCode, 401, make(nonce));
      shapes.push(shape(r));
      assert.ok(await c.waitClosed(3000), "connection kept after wrong credentials");
    }
    for (const s of shapes) assert.deepEqual(s, shapes[0]);
    assert.deepEqual(shapes[0], {
      status: 401,
      message: "Unauthorized",
      headers: [["Server", "rtspkit"]],
      body: [],
    });
    assert.equal(f.server.stats().failedLogins, cases.length);
  });
});
