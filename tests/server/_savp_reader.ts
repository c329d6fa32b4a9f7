/** A raw RTSPS reader that SETUPs one track with RTP/SAVP and a fresh client key, and PLAYs. */
import assert from "node:assert/strict";
import { RawRtspClient } from "../_helpers/raw_rtsp_client.ts";
import { TEST_SERVER_CERT, TEST_SERVER_KEY } from "../_helpers/tls_certs.ts";
import { mikeyBase64, newSrtpKey, srtpContextFromKeyMgmt } from "../../src/server/_srtp_keys.ts";
import type { SrtpContext } from "../../src/srtp/mod.ts";
import type { Fixture } from "./_fixture.ts";

/** Server TLS options with the test certificate. */
export const TLS = { cert: TEST_SERVER_CERT, key: TEST_SERVER_KEY };

/** What {@linkcode playSavp} leaves: the client, and a context that unprotects what it gets. */
export interface SavpReader {
  client: RawRtspClient;
  /** Made from the server's key in the SETUP answer's `KeyMgmt`. */
  srtp: SrtpContext;
}

/**
 * Connects over TLS to `f`, SETUPs `trackID=<track>` with `transport` (an RTP/SAVP one) and a
 * client MIKEY key, and PLAYs, asserting 200 each time. The caller closes the client.
 */
export async function playSavp(f: Fixture, transport: string, track = 0): Promise<SavpReader> {
  const client = await RawRtspClient.connectTls(f.port);
  const base = f.url.replace("rtsp:", "rtsps:");
  const url = `${base}/trackID=${track}`;
  const s = await client.request("SETUP", url, {
    Transport: transport,
    KeyMgmt: `prot=mikey;uri="${url}";data="${mikeyBase64(newSrtpKey(), [{ ssrc: 1, roc: 0 }])}"`,
  });
  assert.equal(s.statusCode, 200);
  const srtp = srtpContextFromKeyMgmt(s.headers.get("KeyMgmt")!);
  const session = s.headers.get("Session")!.split(";")[0];
  assert.equal((await client.request("PLAY", base, { Session: session })).statusCode, 200);
  return { client, srtp };
}
