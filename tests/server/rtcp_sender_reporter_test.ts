import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { RtcpSenderReporter } from "../../src/server/rtcp_sender_reporter.ts";
import type { RtpPacket, SenderReport } from "../../src/rtp/mod.ts";
import { ntpFromUnixMs } from "../../src/rtp/mod.ts";
import { FakeClock } from "../_helpers/fake_clock.ts";

function packet(timestamp: number, payloadSize: number, sequenceNumber = 1): RtpPacket {
  return {
    marker: true,
    payloadType: 96,
    sequenceNumber,
    timestamp,
    ssrc: 0x11223344,
    csrc: [],
    paddingSize: 0,
    payload: new Uint8Array(payloadSize),
  };
}

function setup(clockRate = 90000, periodMs = 100) {
  const clock = new FakeClock();
  const sent: SenderReport[] = [];
  const reporter = new RtcpSenderReporter({
    clockRate,
    ssrc: 0xdeadbeef,
    periodMs,
    now: () => clock.now,
    send: (sr) => sent.push(sr),
    setTimer: clock.setTimer,
    clearTimer: clock.clearTimer,
  });
  return { clock, sent, reporter };
}

const NTP_2017 = Date.UTC(2017, 7, 10, 12, 22, 0);

describe("RtcpSenderReporter", () => {
  it("onPacketRtp() sends an SR at once for the first PTS==DTS packet (SPEC §9 scenario 26)", () => {
    const { clock, sent, reporter } = setup();
    clock.now = 1_000_000;
    reporter.onPacketRtp(packet(240000, 1), NTP_2017, true);
    const ntp = ntpFromUnixMs(NTP_2017);
    assert.deepEqual(sent, [{
      type: "sr",
      ssrc: 0xdeadbeef,
      ntpMsw: ntp.msw,
      ntpLsw: ntp.lsw,
      rtpTime: 240000,
      packetCount: 1,
      octetCount: 1,
      reports: [],
    }]);
    assert.equal(ntp.msw, Math.floor(NTP_2017 / 1000) + 2208988800);
    reporter.close();
  });

  it("sends SRs every period with NTP and RTP time advanced by the elapsed time", () => {
    const { clock, sent, reporter } = setup();
    reporter.onPacketRtp(packet(240000, 1), NTP_2017, true);
    clock.advance(30_000);
    assert.equal(sent.length, 1 + 300);
    const last = sent[sent.length - 1];
    const ntp = ntpFromUnixMs(NTP_2017 + 30_000);
    assert.equal(last.ntpMsw, ntp.msw);
    assert.equal(last.ntpLsw, ntp.lsw);
    assert.equal(last.rtpTime, 240000 + 2700000);
    assert.equal(last.packetCount, 1);
    assert.equal(last.octetCount, 1);
    reporter.close();
  });

  it("sends nothing before the first PTS==DTS packet but counts every packet", () => {
    const { clock, sent, reporter } = setup();
    reporter.onPacketRtp(packet(1000, 10), NTP_2017, false);
    reporter.onPacketRtp(packet(2000, 20), NTP_2017, false);
    clock.advance(1000);
    assert.equal(sent.length, 0);
    assert.equal(reporter.report(), undefined);
    assert.equal(clock.pending, 0);
    reporter.onPacketRtp(packet(3000, 30), NTP_2017 + 500, true);
    assert.equal(sent.length, 1);
    assert.equal(sent[0].packetCount, 3);
    assert.equal(sent[0].octetCount, 60);
    assert.equal(sent[0].rtpTime, 3000);
    reporter.close();
  });

  it("anchors on the last PTS==DTS packet, not on later B-frames", () => {
    const { clock, reporter } = setup();
    reporter.onPacketRtp(packet(9000, 1), NTP_2017, true);
    clock.advance(40);
    reporter.onPacketRtp(packet(18000, 1), NTP_2017 + 100, true);
    clock.advance(20);
    reporter.onPacketRtp(packet(5000, 1), NTP_2017 + 999, false);
    clock.advance(20);
    const sr = reporter.report();
    assert.ok(sr !== undefined);
    // 40 ms after the anchor: +3600 ticks at 90 kHz.
    assert.equal(sr.rtpTime, 18000 + 3600);
    const ntp = ntpFromUnixMs(NTP_2017 + 140);
    assert.deepEqual([sr.ntpMsw, sr.ntpLsw], [ntp.msw, ntp.lsw]);
    assert.equal(sr.packetCount, 3);
    reporter.close();
  });

  it("report() wraps the RTP time modulo 2^32", () => {
    const { clock, reporter } = setup(90000);
    reporter.onPacketRtp(packet(0xffffff00, 1), NTP_2017, true);
    clock.advance(10);
    assert.equal(reporter.report()?.rtpTime, (0xffffff00 + 900) % 2 ** 32);
    reporter.close();
  });

  it("report() counts payload bytes only, not CSRCs or padding", () => {
    const { reporter } = setup();
    const pkt = packet(0, 1000);
    pkt.paddingSize = 4;
    pkt.csrc = [1, 2];
    reporter.onPacketRtp(pkt, NTP_2017, true);
    assert.equal(reporter.report()?.octetCount, 1000);
    reporter.close();
  });

  it("never sends with clock rate 0", () => {
    const { clock, sent, reporter } = setup(0);
    reporter.onPacketRtp(packet(1000, 1), NTP_2017, true);
    clock.advance(1000);
    assert.equal(sent.length, 0);
    assert.equal(reporter.report(), undefined);
    assert.equal(clock.pending, 0);
    reporter.close();
  });

  it("arms only once: more PTS==DTS packets do not add timers or immediate SRs", () => {
    const { clock, sent, reporter } = setup();
    reporter.onPacketRtp(packet(0, 1), NTP_2017, true);
    reporter.onPacketRtp(packet(3000, 1), NTP_2017, true);
    reporter.onPacketRtp(packet(6000, 1), NTP_2017, true);
    assert.equal(sent.length, 1);
    assert.equal(clock.pending, 1);
    clock.advance(100);
    assert.equal(sent.length, 2);
    assert.equal(sent[1].packetCount, 3);
    reporter.close();
  });

  it("close() stops the timer and ignores later packets", () => {
    const { clock, sent, reporter } = setup();
    reporter.onPacketRtp(packet(0, 1), NTP_2017, true);
    reporter.close();
    reporter.close();
    assert.equal(clock.pending, 0);
    clock.advance(1000);
    reporter.onPacketRtp(packet(0, 1), NTP_2017, true);
    assert.equal(sent.length, 1);
  });

  it("constructor throws a RangeError for a non-positive period", () => {
    assert.throws(
      () =>
        new RtcpSenderReporter({
          clockRate: 90000,
          ssrc: 1,
          periodMs: 0,
          now: () => 0,
          send: () => {},
        }),
      RangeError,
    );
  });
});
