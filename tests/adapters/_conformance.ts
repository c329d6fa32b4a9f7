/**
 * One conformance suite for every {@linkcode NetAdapter}, over real loopback sockets. Each
 * `<runtime>_adapter_test.ts` runs it for the adapters its runtime can load.
 *
 * @module
 */
import { afterEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { NetError } from "../../src/errors.ts";
import type {
  NetAdapter,
  NetAddr,
  TcpConn,
  TcpConnHandler,
  TcpListener,
  TlsOptions,
  UdpSocket,
} from "../../src/net/types.ts";
import { TEST_CA_CERT, TEST_SERVER_CERT, TEST_SERVER_KEY } from "../_helpers/tls_certs.ts";

const LOCALHOST = "127.0.0.1";
const TIMEOUT_MS = 5000;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Rejects when `promise` does not settle within `ms`. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Lets pending callbacks run (not a wait for an event: a check that nothing more comes). */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 20));
}

/** Records everything a TcpConn reports, and resolves waits on conditions over it. */
class ConnProbe implements TcpConnHandler {
  readonly chunks: Uint8Array[] = [];
  bytes = 0;
  ends = 0;
  drains = 0;
  closes = 0;
  closeError: NetError | undefined;
  /** When set, called with each chunk instead of storing it. */
  sink: ((chunk: Uint8Array) => void) | undefined;
  #waiters = new Set<() => void>();

  onData(chunk: Uint8Array): void {
    assert.ok(chunk instanceof Uint8Array);
    this.bytes += chunk.length;
    if (this.sink !== undefined) this.sink(chunk);
    else this.chunks.push(chunk);
    this.#notify();
  }

  onEnd(): void {
    this.ends++;
    this.#notify();
  }

  onDrain(): void {
    this.drains++;
    this.#notify();
  }

  onClose(error?: NetError): void {
    this.closes++;
    this.closeError = error;
    this.#notify();
  }

  text(): string {
    return decoder.decode(concatAll(this.chunks));
  }

  until(predicate: () => boolean, what: string, ms = TIMEOUT_MS): Promise<void> {
    if (predicate()) return Promise.resolve();
    let check!: () => void;
    const done = new Promise<void>((resolve) => {
      check = () => {
        if (predicate()) {
          this.#waiters.delete(check);
          resolve();
        }
      };
      this.#waiters.add(check);
    });
    return within(done, ms, what).finally(() => this.#waiters.delete(check));
  }

  #notify(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }
}

/** Queues received datagrams and hands them out in order. */
class DatagramProbe {
  readonly received: { data: Uint8Array; from: NetAddr }[] = [];
  #wake: (() => void) | undefined;

  handler = {
    onMessage: (data: Uint8Array, from: NetAddr) => {
      this.received.push({ data, from });
      this.#wake?.();
    },
  };

  async next(ms = TIMEOUT_MS): Promise<{ data: Uint8Array; from: NetAddr }> {
    const deadline = Date.now() + ms;
    while (this.received.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error("Timed out waiting for a datagram");
      await within(new Promise<void>((resolve) => (this.#wake = resolve)), left, "a datagram");
    }
    return this.received.shift()!;
  }
}

function concatAll(chunks: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const chunk of chunks) length += chunk.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

function isNetError(code: string): (error: unknown) => boolean {
  return (error: unknown) => {
    assert.ok(error instanceof NetError, `expected a NetError, got ${String(error)}`);
    assert.equal(error.code, code);
    return true;
  };
}

/** A free loopback port (bound then released). */
async function freePort(adapter: NetAdapter): Promise<number> {
  const listener = await adapter.listenTcp({
    hostname: LOCALHOST,
    port: 0,
    onConnection: (c) => c.close(),
  });
  const port = listener.addr.port;
  await listener.close();
  return port;
}

/**
 * Runs the conformance suite against the adapters `make` returns.
 *
 * @param name The name the suite is reported under.
 * @param make Creates the adapter under test.
 */
export function runConformance(name: string, make: () => NetAdapter): void {
  describe(`NetAdapter conformance: ${name}`, () => {
    const listeners: TcpListener[] = [];
    const conns: TcpConn[] = [];
    const udpSockets: UdpSocket[] = [];

    afterEach(async () => {
      for (const conn of conns.splice(0)) conn.close();
      for (const socket of udpSockets.splice(0)) socket.close();
      await Promise.all(listeners.splice(0).map((listener) => listener.close()));
    });

    async function listen(adapter: NetAdapter, tls?: TlsOptions) {
      const accepted: TcpConn[] = [];
      let wake: (() => void) | undefined;
      const listener = await adapter.listenTcp({
        hostname: LOCALHOST,
        port: 0,
        tls,
        onConnection(conn) {
          conns.push(conn);
          accepted.push(conn);
          wake?.();
        },
      });
      listeners.push(listener);
      const nextConn = async (): Promise<TcpConn> => {
        while (accepted.length === 0) {
          await within(
            new Promise<void>((resolve) => (wake = resolve)),
            TIMEOUT_MS,
            "a connection",
          );
        }
        return accepted.shift()!;
      };
      return { listener, nextConn };
    }

    /** A connected pair: `server` accepted by a listener, `client` from connectTcp, both started. */
    async function tcpPair(adapter: NetAdapter, options: { tls?: boolean } = {}) {
      const { listener, nextConn } = await listen(
        adapter,
        options.tls ? { cert: TEST_SERVER_CERT, key: TEST_SERVER_KEY } : undefined,
      );
      const client = await adapter.connectTcp({
        hostname: LOCALHOST,
        port: listener.addr.port,
        tls: options.tls ? { caCerts: [TEST_CA_CERT] } : undefined,
      });
      conns.push(client);
      const server = await nextConn();
      const serverProbe = new ConnProbe();
      const clientProbe = new ConnProbe();
      server.start(serverProbe);
      client.start(clientProbe);
      return { listener, server, client, serverProbe, clientProbe };
    }

    async function bind(adapter: NetAdapter, hostname = LOCALHOST, port = 0): Promise<UdpSocket> {
      const socket = await adapter.bindUdp({ hostname, port });
      udpSockets.push(socket);
      return socket;
    }

    it("listenTcp() on port 0 binds a real port", async () => {
      const { listener } = await listen(make());
      assert.equal(listener.addr.hostname, LOCALHOST);
      assert.ok(listener.addr.port > 0 && listener.addr.port < 65536);
    });

    it("connectTcp() and an accepted conn echo bytes, with both addresses set", async () => {
      const { listener, server, client, serverProbe, clientProbe } = await tcpPair(make());
      serverProbe.sink = (chunk) => server.write(chunk);
      client.write(encoder.encode("hello "));
      client.write(encoder.encode("world"));
      await clientProbe.until(() => clientProbe.bytes === 11, "the echo");
      assert.equal(clientProbe.text(), "hello world");
      assert.deepEqual(client.remoteAddr, { hostname: LOCALHOST, port: listener.addr.port });
      assert.equal(client.localAddr.hostname, LOCALHOST);
      assert.deepEqual(server.remoteAddr, client.localAddr);
      assert.deepEqual(server.localAddr, client.remoteAddr);
      assert.equal(client.closed, false);
    });

    it("writeMany() delivers gathered chunks in order, interleaved with write()", async () => {
      const { client, serverProbe } = await tcpPair(make());
      const parts = ["a", "bb", "ccc", "dddd", "eeeee"].map((text) => encoder.encode(text));
      client.write(encoder.encode("<"));
      client.writeMany(parts);
      client.write(encoder.encode(">"));
      client.writeMany([encoder.encode("1"), encoder.encode("2")]);
      client.writeMany([]);
      await serverProbe.until(() => serverProbe.bytes === 19, "19 bytes");
      assert.equal(serverProbe.text(), "<abbcccddddeeeee>12");
    });

    it("write() keeps what the OS does not take and delivers 32 MiB intact to a paused reader", {
      timeout: 60000,
    }, async () => {
      const { server, client, serverProbe, clientProbe } = await tcpPair(make());
      const total = 32 * 1024 * 1024;
      const mib = 1024 * 1024;
      const pattern = new Uint8Array(total);
      for (let i = 0; i < total; i++) pattern[i] = (i * 31 + (i >>> 13)) & 0xff;
      let offset = 0;
      let mismatch = -1;
      clientProbe.sink = (chunk) => {
        if (mismatch < 0) {
          for (let i = 0; i < chunk.length; i++) {
            if (chunk[i] !== pattern[offset + i]) {
              mismatch = offset + i;
              break;
            }
          }
        }
        offset += chunk.length;
      };
      client.pauseReading();
      // Half as single writes, half as gathered writes of four 1 MiB views.
      for (let at = 0; at < total / 2; at += mib) server.write(pattern.subarray(at, at + mib));
      for (let at = total / 2; at < total; at += 4 * mib) {
        server.writeMany(
          [0, 1, 2, 3].map((k) => pattern.subarray(at + k * mib, at + (k + 1) * mib)),
        );
      }
      assert.ok(server.bufferedAmount > 0, "32 MiB cannot all be taken at once by a paused peer");
      assert.ok(server.bufferedAmount <= total);
      client.resumeReading();
      await clientProbe.until(() => clientProbe.bytes >= total, "32 MiB", 50000);
      assert.equal(clientProbe.bytes, total);
      assert.equal(mismatch, -1, `first wrong byte at ${mismatch}`);
      await serverProbe.until(
        () => serverProbe.drains > 0 && server.bufferedAmount === 0,
        "onDrain",
      );
      assert.equal(server.bufferedAmount, 0);
    });

    it("pauseReading() holds onData back until resumeReading()", async () => {
      const { server, client, serverProbe } = await tcpPair(make());
      server.pauseReading();
      client.write(encoder.encode("held"));
      await settle();
      assert.equal(serverProbe.bytes, 0);
      server.resumeReading();
      await serverProbe.until(() => serverProbe.bytes === 4, "the held bytes");
      assert.equal(serverProbe.text(), "held");
    });

    it("close() fires onClose once; the peer sees onEnd, closes, and gets onClose once", async () => {
      const { client, server, serverProbe, clientProbe } = await tcpPair(make());
      client.write(encoder.encode("x"));
      await serverProbe.until(() => serverProbe.bytes === 1, "one byte");
      client.close();
      assert.equal(client.closed, true);
      await clientProbe.until(() => clientProbe.closes > 0, "onClose on the client");
      assert.equal(clientProbe.closeError, undefined);
      // A FIN looks the same for close() and closeWrite(): the peer closes in turn.
      await serverProbe.until(
        () => serverProbe.ends + serverProbe.closes > 0,
        "onEnd on the server",
      );
      server.close();
      await serverProbe.until(() => serverProbe.closes > 0, "onClose on the server");
      client.close();
      server.close();
      client.write(encoder.encode("ignored"));
      await settle();
      assert.equal(clientProbe.closes, 1);
      assert.equal(serverProbe.closes, 1);
      assert.equal(server.closed, true);
    });

    it("closeWrite() half-closes: the peer gets onEnd and can still write back", async () => {
      const { client, server, serverProbe, clientProbe } = await tcpPair(make());
      client.write(encoder.encode("request"));
      client.closeWrite();
      await serverProbe.until(() => serverProbe.ends === 1, "onEnd on the server");
      assert.equal(serverProbe.text(), "request");
      assert.equal(server.closed, false);
      server.write(encoder.encode("response"));
      server.closeWrite();
      await clientProbe.until(() => clientProbe.bytes === 8, "the response");
      assert.equal(clientProbe.text(), "response");
      await clientProbe.until(() => clientProbe.ends === 1 || clientProbe.closes === 1, "the end");
      client.close();
      server.close();
      await clientProbe.until(() => clientProbe.closes === 1, "onClose on the client");
      await serverProbe.until(() => serverProbe.closes === 1, "onClose on the server");
    });

    it("listenTcp() on a port in use rejects with ADDR_IN_USE", async () => {
      const adapter = make();
      const { listener } = await listen(adapter);
      await assert.rejects(
        adapter.listenTcp({
          hostname: LOCALHOST,
          port: listener.addr.port,
          onConnection: (c) => c.close(),
        }),
        isNetError("ADDR_IN_USE"),
      );
    });

    it("connectTcp() to a closed port rejects with CONN_REFUSED", async () => {
      const adapter = make();
      const port = await freePort(adapter);
      await assert.rejects(
        adapter.connectTcp({ hostname: LOCALHOST, port }),
        isNetError("CONN_REFUSED"),
      );
    });

    it("TLS: listenTcp({ tls }) and connectTcp({ tls: { caCerts } }) handshake and echo", async () => {
      const { server, client, serverProbe, clientProbe } = await tcpPair(make(), { tls: true });
      serverProbe.sink = (chunk) => server.write(chunk);
      client.write(encoder.encode("secret "));
      client.writeMany([encoder.encode("over "), encoder.encode("TLS")]);
      await clientProbe.until(() => clientProbe.bytes === 15, "the TLS echo");
      assert.equal(clientProbe.text(), "secret over TLS");
      client.close();
      await serverProbe.until(
        () => serverProbe.ends + serverProbe.closes > 0,
        "the end on the TLS server",
      );
      server.close();
      await serverProbe.until(() => serverProbe.closes === 1, "onClose on the TLS server");
    });

    it("bindUdp() on port 0 binds a real port, send() arrives with the sender as from", async () => {
      const adapter = make();
      const a = await bind(adapter);
      const b = await bind(adapter);
      assert.ok(a.addr.port > 0);
      assert.equal(a.addr.hostname, LOCALHOST);
      const probe = new DatagramProbe();
      b.start(probe.handler);
      a.start({ onMessage() {} });
      assert.equal(a.send(encoder.encode("ping"), b.addr), true);
      assert.equal(a.send(new Uint8Array(1200).fill(7), b.addr), true);
      // UDP keeps no order (Deno's node:dgram reorders even on loopback): match by content.
      const got = [await probe.next(), await probe.next()].sort((x, y) =>
        x.data.length - y.data.length
      );
      assert.equal(decoder.decode(got[0].data), "ping");
      assert.deepEqual(got[0].from, { hostname: LOCALHOST, port: a.addr.port });
      assert.deepEqual(got[1].from, { hostname: LOCALHOST, port: a.addr.port });
      assert.equal(got[1].data.length, 1200);
      assert.ok(got[1].data.every((byte) => byte === 7));
      assert.notEqual(got[0].data.buffer, got[1].data.buffer, "each datagram owns its bytes");
    });

    it("UdpSocket.close() is idempotent and send() afterwards returns false", async () => {
      const adapter = make();
      const a = await bind(adapter);
      const b = await bind(adapter);
      a.start({ onMessage() {} });
      a.close();
      a.close();
      assert.equal(a.send(encoder.encode("late"), b.addr), false);
      assert.equal(a.sendMany([encoder.encode("late")], [b.addr]), 0);
    });

    it("bindUdp() on a port in use rejects with ADDR_IN_USE", async () => {
      const adapter = make();
      const a = await bind(adapter);
      await assert.rejects(
        adapter.bindUdp({ hostname: LOCALHOST, port: a.addr.port }),
        isNetError("ADDR_IN_USE"),
      );
    });

    it("bindUdp({ reuseAddress: true }) lets two sockets share a port", async () => {
      const adapter = make();
      const first = await adapter.bindUdp({ hostname: "0.0.0.0", port: 0, reuseAddress: true });
      udpSockets.push(first);
      const second = await adapter.bindUdp({
        hostname: "0.0.0.0",
        port: first.addr.port,
        reuseAddress: true,
      });
      udpSockets.push(second);
      assert.equal(second.addr.port, first.addr.port);
    });

    it("sendMany() sends each datagram to its own destination", async () => {
      const adapter = make();
      const sender = await bind(adapter);
      sender.start({ onMessage() {} });
      const receivers = await Promise.all([bind(adapter), bind(adapter), bind(adapter)]);
      const probes = receivers.map((socket) => {
        const probe = new DatagramProbe();
        socket.start(probe.handler);
        return probe;
      });
      const packet = encoder.encode("fan-out");
      const data = [packet, packet, packet, encoder.encode("second")];
      const to = [receivers[0].addr, receivers[1].addr, receivers[2].addr, receivers[0].addr];
      assert.equal(sender.sendMany(data, to), 4);
      const texts: string[][] = [];
      for (const [index, probe] of probes.entries()) {
        const count = index === 0 ? 2 : 1;
        const got: string[] = [];
        for (let i = 0; i < count; i++) {
          const datagram = await probe.next();
          assert.equal(datagram.from.port, sender.addr.port);
          got.push(decoder.decode(datagram.data));
        }
        texts.push(got.sort());
      }
      assert.deepEqual(texts, [["fan-out", "second"], ["fan-out"], ["fan-out"]]);
    });

    it("sendMany() after a longer call sends only this call's datagrams", async () => {
      const adapter = make();
      const sender = await bind(adapter);
      sender.start({ onMessage() {} });
      const receivers = await Promise.all([bind(adapter), bind(adapter)]);
      const probes = receivers.map((socket) => {
        const probe = new DatagramProbe();
        socket.start(probe.handler);
        return probe;
      });
      const first = encoder.encode("first");
      const to = [receivers[0].addr, receivers[1].addr, receivers[0].addr];
      assert.equal(sender.sendMany([first, first, first], to), 3);
      assert.equal(sender.sendMany([encoder.encode("second")], [receivers[1].addr]), 1);
      const texts: string[][] = [];
      for (const probe of probes) {
        // Order across sends is not guaranteed everywhere (Deno's node:dgram sends async).
        const got = [decoder.decode((await probe.next()).data)];
        got.push(decoder.decode((await probe.next()).data));
        texts.push(got.sort());
      }
      assert.deepEqual(texts, [["first", "first"], ["first", "second"]]);
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(probes[0].received.length + probes[1].received.length, 0);
    });

    /** Receivers started with probes that collect each datagram's 16-bit sequence number. */
    async function sequenceReceivers(adapter: NetAdapter, count: number) {
      const sockets = await Promise.all(Array.from({ length: count }, () => bind(adapter)));
      const received = sockets.map(() => [] as number[]);
      let wake: (() => void) | undefined;
      sockets.forEach((socket, index) =>
        socket.start({
          onMessage: (data) => {
            received[index].push(data[0] << 8 | data[1]);
            wake?.();
          },
        })
      );
      const until = async (counts: readonly number[], what: string) => {
        const deadline = Date.now() + TIMEOUT_MS;
        while (received.some((got, index) => got.length < counts[index])) {
          const left = deadline - Date.now();
          if (left <= 0) {
            throw new Error(
              `Timed out waiting for ${what}; got ${received.map((got) => got.length)}`,
            );
          }
          await within(new Promise<void>((resolve) => (wake = resolve)), left, what).catch(
            () => {},
          );
        }
      };
      return { sockets, received, until };
    }

    /** A datagram carrying `sequence` in its first two bytes (and some padding). */
    function sequenced(sequence: number): Uint8Array {
      const data = new Uint8Array(100);
      data[0] = sequence >> 8;
      data[1] = sequence & 0xff;
      return data;
    }

    const inOrder = (count: number) => Array.from({ length: count }, (_, i) => i);

    it("datagrams to one destination leave in the order send() and sendMany() were called", async () => {
      const adapter = make();
      const sender = await bind(adapter);
      sender.start({ onMessage() {} });
      const { sockets: [receiver], received, until } = await sequenceReceivers(adapter, 1);
      // 64 in one turn, none awaited: 32 send() calls, then one sendMany() of 32.
      for (let i = 0; i < 32; i++) assert.equal(sender.send(sequenced(i), receiver.addr), true);
      const batch = Array.from({ length: 32 }, (_, i) => sequenced(32 + i));
      assert.equal(sender.sendMany(batch, batch.map(() => receiver.addr)), 32);
      await until([64], "64 datagrams");
      assert.deepEqual(received[0], inOrder(64));
    });

    it("datagrams interleaved to 3 destinations arrive in call order at each", async () => {
      const adapter = make();
      const sender = await bind(adapter);
      sender.start({ onMessage() {} });
      const { sockets, received, until } = await sequenceReceivers(adapter, 3);
      const to = sockets.map((socket) => socket.addr);
      // One packet to every reader per call (fan-out), and every fourth packet as separate sends.
      for (let i = 0; i < 64; i++) {
        const packet = sequenced(i);
        if (i % 4 === 3) { for (const addr of to) assert.equal(sender.send(packet, addr), true); }
        else assert.equal(sender.sendMany([packet, packet, packet], to), 3);
      }
      await until([64, 64, 64], "64 datagrams at each of 3 receivers");
      assert.deepEqual(received, [inOrder(64), inOrder(64), inOrder(64)]);
    });

    it("close() right after send() still sends what send() accepted, then releases the port", async () => {
      const adapter = make();
      const sender = await adapter.bindUdp({ hostname: LOCALHOST, port: 0 });
      udpSockets.push(sender);
      sender.start({ onMessage() {} });
      const { sockets: [receiver], received, until } = await sequenceReceivers(adapter, 1);
      for (let i = 0; i < 10; i++) assert.equal(sender.send(sequenced(i), receiver.addr), true);
      sender.close();
      assert.equal(sender.send(sequenced(10), receiver.addr), false);
      await until([10], "the 10 datagrams sent before close()");
      assert.deepEqual(received[0].slice().sort((a, b) => a - b), inOrder(10));
      await settle();
      assert.equal(received[0].length, 10);
      // The socket is really closed: its port can be bound again (close may finish a bit later).
      const deadline = Date.now() + TIMEOUT_MS;
      for (;;) {
        try {
          await bind(adapter, LOCALHOST, sender.addr.port);
          break;
        } catch (error) {
          if (Date.now() > deadline) throw error;
          await settle();
        }
      }
    });

    it("joinMulticast() on 127.0.0.1 receives a looped-back multicast datagram", async (t) => {
      const adapter = make();
      const skip = (why: string) => {
        const message = `${name}: multicast on loopback not deliverable here: ${why}`;
        console.warn(`SKIP ${message}`);
        (t as { skip?: (message: string) => void }).skip?.(message);
      };
      if (!adapter.supportsMulticast) return skip("adapter has no multicast support");
      const group = `239.255.${Math.floor(Math.random() * 200) + 1}.${
        Math.floor(Math.random() * 200) + 1
      }`;
      const receiver = await bind(adapter, "0.0.0.0");
      const sender = await bind(adapter);
      const probe = new DatagramProbe();
      const errors: NetError[] = [];
      receiver.start({
        onMessage: probe.handler.onMessage,
        onError: (error) => errors.push(error),
      });
      sender.start({ onMessage() {}, onError: (error) => errors.push(error) });
      try {
        receiver.joinMulticast(group, LOCALHOST);
        receiver.setMulticastLoopback(true);
        sender.setMulticastInterface(LOCALHOST);
        sender.setMulticastLoopback(true);
        sender.setMulticastTtl(1);
      } catch (error) {
        return skip(`setup failed: ${String(error)}`);
      }
      const target = { hostname: group, port: receiver.addr.port };
      let got: { data: Uint8Array; from: NetAddr } | undefined;
      // Joining can complete asynchronously (Deno): send a few times until one arrives.
      for (let attempt = 0; attempt < 10 && got === undefined; attempt++) {
        sender.send(encoder.encode("multicast"), target);
        got = await probe.next(300).catch(() => undefined);
      }
      if (got === undefined) {
        return skip(`nothing arrived; errors: ${errors.map(String).join("; ") || "none"}`);
      }
      assert.equal(decoder.decode(got.data), "multicast");
      assert.equal(got.from.port, sender.addr.port);
      receiver.leaveMulticast(group, LOCALHOST);
    });
  });
}
