/**
 * Seeds of the fuzzer: the captured client exchanges of tests/testdata/rtsp/ (ffmpeg, GStreamer,
 * VLC; valid, invalid and truncated) and the SDP bodies of tests/testdata/sdp/.
 */
import { readdirSync, readFileSync } from "node:fs";

/** Requests (as bytes) and SDP bodies (as text). */
export interface Corpus {
  requests: Uint8Array[];
  binaries: Uint8Array[];
  sdps: string[];
}

/** Loads the corpus from the repository's test data. */
export function loadCorpus(): Corpus {
  const rtspDir = new URL("../../tests/testdata/rtsp/", import.meta.url);
  const sdpDir = new URL("../../tests/testdata/sdp/", import.meta.url);
  const requests: Uint8Array[] = [];
  const binaries: Uint8Array[] = [];
  for (const name of readdirSync(rtspDir).sort()) {
    if (name.startsWith("_") || name.includes("response")) continue;
    const bytes = new Uint8Array(readFileSync(new URL(name, rtspDir)));
    if (name.endsWith(".txt")) requests.push(bytes);
    else if (name.endsWith(".bin")) binaries.push(bytes);
  }
  const sdps = readdirSync(sdpDir).filter((n) => n.endsWith(".sdp")).sort()
    .map((n) => readFileSync(new URL(n, sdpDir), "utf8"));
  return { requests, binaries, sdps };
}
