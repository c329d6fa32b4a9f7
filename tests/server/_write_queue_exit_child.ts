/**
 * Child of write_queue_test.ts: opens a TCP connection through the runtime's adapter, writes
 * through a WriteQueue, then closes everything while a shared flush is still scheduled. It
 * prints `CLOSED` and returns without exiting explicitly: the process must then end on its own,
 * which it does not if the adapter's `scheduleAfterIo` (or anything else) keeps the loop alive.
 */
import { detectNetAdapter } from "../../src/adapters/auto.ts";
import { WriteQueue } from "../../src/server/_write_queue.ts";
import type { TcpConn } from "../../src/net/types.ts";

const adapter = await detectNetAdapter();
let accepted: (conn: TcpConn) => void;
const serverSide = new Promise<TcpConn>((resolve) => accepted = resolve);
const listener = await adapter.listenTcp({
  hostname: "127.0.0.1",
  port: 0,
  onConnection: (conn) => {
    conn.start({ onData: () => {}, onClose: () => {} });
    accepted(conn);
  },
});
const client = await adapter.connectTcp({ hostname: "127.0.0.1", port: listener.addr.port });
let received = 0;
let gotFirst: () => void;
const first = new Promise<void>((resolve) => gotFirst = resolve);
client.start({
  onData: (chunk) => {
    received += chunk.byteLength;
    if (received >= 4) gotFirst();
  },
  onClose: () => {},
});
const conn = await serverSide;
const queue = new WriteQueue(conn, 8, Date.now, adapter);
queue.start();
for (let i = 0; i < 4; i++) queue.push(new Uint8Array([i]));
await first;
// A flush is scheduled now and still pending when everything closes.
queue.push(new Uint8Array([9]));
queue.close();
conn.close();
client.close();
await listener.close();
console.log(`CLOSED ${received}`);
