import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createSocket, type Socket } from "node:dgram";
import { startServerOnUdpPair } from "../../scripts/_server_start.ts";

/** Binds a UDP socket on an even port of 127.0.0.1 in the helper's range; returns it and its pair index. */
async function takeEvenPort(): Promise<{ socket: Socket; index: number }> {
  for (;;) {
    const index = Math.floor(Math.random() * 20000);
    const socket = createSocket("udp4");
    const bound = await new Promise<boolean>((resolve) => {
      socket.once("error", () => resolve(false));
      socket.bind(20000 + 2 * index, "127.0.0.1", () => resolve(true));
    });
    if (bound) return { socket, index };
    socket.close();
  }
}

describe("startServerOnUdpPair()", () => {
  it("startServerOnUdpPair() tries another pair when the drawn one is taken", async () => {
    const taken = await takeEvenPort();
    const draws: number[] = [];
    try {
      const server = await startServerOnUdpPair({ rtspAddress: "127.0.0.1:0", handler: {} }, {
        draw: (n) => {
          const pick = draws.length === 0 ? taken.index : Math.floor(Math.random() * n);
          draws.push(pick);
          return pick;
        },
      });
      const udp = server._ctx!.udp!;
      await server.close();
      assert.ok(draws.length >= 2, `draws: ${draws}`);
      assert.equal(udp.rtpPort, 20000 + 2 * draws.at(-1)!);
      assert.equal(udp.rtcpPort, udp.rtpPort + 1);
    } finally {
      taken.socket.close();
    }
  });

  it("startServerOnUdpPair() rejects with the last error after `attempts` taken pairs", async () => {
    const taken = await takeEvenPort();
    let draws = 0;
    try {
      await assert.rejects(
        startServerOnUdpPair({ rtspAddress: "127.0.0.1:0", handler: {} }, {
          attempts: 3,
          draw: () => {
            draws++;
            return taken.index;
          },
        }),
        (e) => e instanceof Error && !(e instanceof RangeError),
      );
      assert.equal(draws, 3);
    } finally {
      taken.socket.close();
    }
  });
});
