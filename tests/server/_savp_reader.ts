/** A raw RTSPS reader that SETUPs one track with RTP/SAVP and a fresh client key, and PLAYs. */
import assert from "node:assert/strict";
import { RawRtspClient } from "../_helpers/raw_rtsp_client.ts";
import { TEST_SERVER_CERT, TEST_SERVER_KEY } from "../_helpers/tls_certs.ts";
import { decodeBase64, encodeBase64 } from "../../src/bytes/mod.ts";
import {
  createSrtpMikey,
  decodeMikey,
  encodeMikey,
  parseKeyMgmt,
  srtpKeyFromMikey,
} from "../../src/mikey/mod.ts";
import type { Fixture } from "./_fixture.ts";

/** Server TLS options with the test certificate. */
export const TLS = { cert: TEST_SERVER_CERT, key: TEST_SERVER_KEY };

/** What {@linkcode playSavp} leaves: the client and the server's SRTP key of the track. */
export interface SavpReader {
  client: RawRtspClient;
  serverKey: Uint8Array;
}

/**
 * Connects over TLS to `f`, SETUPs `trackID=<track>` with `transport` (an RTP/SAVP one) and a
 * client MIKEY key, and PLAYs, asserting 200 each time. The caller closes the client.
 */
export async function playSavp(f: Fixture, transport: string, track = 0): Promise<SavpReader> {
  const client = await RawRtspClient.connectTls(f.port);
  const base = f.url.replace("rtsp:", "rtsps:");
  const url = `${base}/trackID=${track}`;
  const keyAndSalt = crypto.getRandomValues(new Uint8Array(30));
  const mikey = encodeMikey(createSrtpMikey({ keyAndSalt, cryptoSessions: [{ ssrc: 1, roc: 0 }] }));
  const s = await client.request("SETUP", url, {
    Transport: transport,
    KeyMgmt: `prot=mikey;uri="${url}";data="${encodeBase64(mikey)}"`,
  });
  assert.equal(s.statusCode, 200);
  const serverKey = srtpKeyFromMikey(
    decodeMikey(decodeBase64(parseKeyMgmt(s.headers.get("KeyMgmt")!).data)),
  ).keyAndSalt;
  const session = s.headers.get("Session")!.split(";")[0];
  assert.equal((await client.request("PLAY", base, { Session: session })).statusCode, 200);
  return { client, serverKey };
}
