/**
 * Checks the SDES CNAME chunk that follows the report in every compound RTCP packet a stream
 * sends (RFC 3550 §6.1).
 */
import assert from "node:assert/strict";
import type { RtcpPacket } from "../../src/rtp/mod.ts";

/** A CNAME as the stream draws it: 96 random bits in base64 (RFC 7022 §4.2). */
const RANDOM_CNAME = /^[A-Za-z0-9+/]{16}$/;

/**
 * Asserts that `compound` leads with a report of `ssrc` followed by an SDES packet holding only
 * the CNAME of `ssrc`, and returns that CNAME.
 */
export function cnameAfterReport(compound: RtcpPacket[], ssrc: number): string {
  assert.ok(compound.length >= 2, "a report and an SDES");
  const report = compound[0];
  assert.ok(report.type === "sr" || report.type === "rr", "the report first");
  assert.equal(report.ssrc, ssrc);
  const sdes = compound[1];
  assert.equal(sdes.type, "sdes", "the SDES right after the report");
  const chunks = sdes.type === "sdes" ? sdes.chunks : [];
  assert.equal(chunks.length, 1);
  assert.equal(chunks[0].ssrc, ssrc);
  assert.equal(chunks[0].items.length, 1);
  assert.equal(chunks[0].items[0].type, 1, "CNAME item");
  const cname = chunks[0].items[0].text;
  assert.match(cname, RANDOM_CNAME);
  return cname;
}
