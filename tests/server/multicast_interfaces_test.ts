/**
 * SPEC §4.3: multicast is joined on every interface the adapter lists and sent from one socket
 * per interface; an interface that cannot be used is skipped without stopping the others.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { detectNetAdapter } from "../../src/adapters/auto.ts";
import type { NetAdapter, UdpSocket } from "../../src/net/types.ts";
import { type Fixture, rtp, testScope } from "./_fixture.ts";

const { serve, connect, joinMulticast } = testScope();

/** An address of TEST-NET-3 that no interface of the host has: binding to it fails. */
const MISSING_INTERFACE = "203.0.113.77";

interface SendLog {
  /** Bound address of each socket that sent to `group`, once per datagram. */
  from: string[];
}

/** The runtime's adapter, listing `interfaces` and logging which socket sends to the group. */
async function recordingAdapter(
  interfaces: string[],
  group: string,
  log: SendLog,
): Promise<NetAdapter> {
  const real = await detectNetAdapter();
  return {
    name: real.name,
    supportsMulticast: real.supportsMulticast,
    multicastInterfaces: () => interfaces,
    connectTcp: (o) => real.connectTcp(o),
    listenTcp: (o) => real.listenTcp(o),
    bindUdp: async (o) => {
      const socket = await real.bindUdp(o);
      const logged: UdpSocket = {
        addr: socket.addr,
        start: (handler) => socket.start(handler),
        send: (data, to) => {
          if (to.hostname === group) log.from.push(socket.addr.hostname);
          return socket.send(data, to);
        },
        sendMany: (data, to) => socket.sendMany(data, to),
        joinMulticast: (g, i) => socket.joinMulticast(g, i),
        leaveMulticast: (g, i) => socket.leaveMulticast(g, i),
        setMulticastTtl: (ttl) => socket.setMulticastTtl(ttl),
        setMulticastLoopback: (on) => socket.setMulticastLoopback(on),
        setMulticastInterface: (i) => socket.setMulticastInterface(i),
        close: () => socket.close(),
      };
      return logged;
    },
  };
}

describe("Multicast interfaces", () => {
  it("sends from one socket per usable interface and skips one that cannot be bound", async () => {
    const real = await detectNetAdapter();
    const usable = real.multicastInterfaces?.() ?? [];
    const mp = 20000 + 4 * Math.floor(Math.random() * 10000);
    const log: SendLog = { from: [] };
    const adapter = await recordingAdapter([...usable, MISSING_INTERFACE], "224.5.0.1", log);
    const f: Fixture = await serve({
      runtime: adapter,
      disableRtcpSenderReports: true,
      multicastIpRange: "224.5.0.0/16",
      multicastRtpPort: mp,
      multicastRtcpPort: mp + 1,
    });
    const c = await connect(f);

    const got = await joinMulticast("224.5.0.1", mp);

    const s = await c.request("SETUP", f.url + "/trackID=0", { Transport: "RTP/AVP;multicast" });
    assert.equal(s.statusCode, 200);
    const session = s.headers.get("Session")!.split(";")[0];
    assert.equal((await c.request("PLAY", f.url, { Session: session })).statusCode, 200);
    f.stream!.writePacketRtp(f.stream!.desc.medias[0], rtp(7, 90000, [1, 2, 3]));

    const first = await got.next();
    assert.equal((first[2] << 8) | first[3], 7);
    // Every usable interface sent the packet once, from a socket bound to its own address; the
    // missing interface sent nothing; with no usable interface the default one sent it once.
    const from = [...log.from].sort();
    if (usable.length > 0) assert.deepEqual(from, [...usable].sort());
    else assert.equal(from.length, 1);
    assert.ok(!from.includes(MISSING_INTERFACE));
  });
});
