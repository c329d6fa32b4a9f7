import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { RtpReceiver } from "../../src/server/rtp_receiver.ts";
import type { ReceiverReport, RtpPacket, SenderReport } from "../../src/rtp/mod.ts";
import { ntpFromUnixMs } from "../../src/rtp/mod.ts";
import { FakeClock } from "../_helpers/fake_clock.ts";

const REMOTE_SSRC = 0x9dbb7812;
const LOCAL_SSRC = 0x11111111;

function packet(sequenceNumber: number, timestamp = 0, ssrc = REMOTE_SSRC): RtpPacket {
  return {
    marker: false,
    payloadType: 96,
    sequenceNumber,
    timestamp,
    ssrc,
    csrc: [],
    paddingSize: 0,
    payload: new Uint8Array([1, 2, 3, 4]),
  };
}

function senderReport(unixMs: number, rtpTime: number, ssrc = REMOTE_SSRC): SenderReport {
  const ntp = ntpFromUnixMs(unixMs);
  return {
    type: "sr",
    ssrc,
    ntpMsw: ntp.msw,
    ntpLsw: ntp.lsw,
    rtpTime,
    packetCount: 1,
    octetCount: 4,
    reports: [],
  };
}

function setup(reorder: boolean, options: { clockRate?: number; periodMs?: number } = {}) {
  const clock = new FakeClock();
  clock.now = Date.UTC(2018, 1, 20, 18, 0, 0);
  const reports: ReceiverReport[] = [];
  const losses: number[] = [];
  const receiver = new RtpReceiver({
    clockRate: options.clockRate ?? 90000,
    localSsrc: LOCAL_SSRC,
    reorder,
    periodMs: options.periodMs ?? 500,
    now: () => clock.now,
    sendReport: reorder ? (rr) => reports.push(rr) : undefined,
    onPacketsLost: (lost) => losses.push(lost),
    setTimer: clock.setTimer,
    clearTimer: clock.clearTimer,
  });
  return { clock, reports, losses, receiver };
}

function seqsOf(pkts: RtpPacket[]): number[] {
  return pkts.map((p) => p.sequenceNumber);
}

const NTP_2018 = Date.UTC(2018, 1, 20, 19, 0, 0);

describe("RtpReceiver", () => {
  it("sends an RR after the period with last seq, LSR and no loss (SPEC §9 scenario 53)", () => {
    const { clock, reports, receiver } = setup(true);
    receiver.processRtp(packet(534, 54352), true);
    receiver.processSenderReport(senderReport(NTP_2018, 54352));
    assert.equal(reports.length, 0);
    clock.advance(500);
    assert.deepEqual(reports, [{
      type: "rr",
      ssrc: LOCAL_SSRC,
      reports: [{
        ssrc: REMOTE_SSRC,
        fractionLost: 0,
        totalLost: 0,
        highestSequenceNumber: 534,
        jitter: 0,
        lastSenderReport: 4004511744,
        delaySinceLastSenderReport: 32768,
      }],
    }]);
    clock.advance(500);
    assert.equal(reports.length, 2);
    assert.equal(reports[1].reports[0].delaySinceLastSenderReport, 65536);
    receiver.close();
    assert.equal(clock.pending, 0);
  });

  it("sends no RR before the first RTP packet", () => {
    const { clock, reports, receiver } = setup(true);
    clock.advance(5000);
    assert.equal(reports.length, 0);
    assert.equal(clock.pending, 0);
    assert.equal(receiver.report(), undefined);
    receiver.close();
  });

  it("sends no RR without sendReport (TCP)", () => {
    const { clock, reports, receiver } = setup(false);
    receiver.processRtp(packet(1), true);
    clock.advance(5000);
    assert.equal(reports.length, 0);
    assert.equal(clock.pending, 0);
    receiver.close();
  });

  it("report() leaves LSR and DLSR at 0 before any SR", () => {
    const { receiver } = setup(true);
    receiver.processRtp(packet(7), true);
    const block = receiver.report()?.reports[0];
    assert.equal(block?.lastSenderReport, 0);
    assert.equal(block?.delaySinceLastSenderReport, 0);
    receiver.close();
  });

  it("packetNtp() maps RTP time through the last SR (SPEC §9 scenario 57)", () => {
    const { receiver } = setup(true);
    assert.equal(receiver.packetNtp(packet(1, 54352)), undefined);
    receiver.processRtp(packet(1, 54352), true);
    receiver.processSenderReport(senderReport(NTP_2018, 54352));
    assert.equal(
      receiver.packetNtp(packet(2, 54352 + 90000))?.toISOString(),
      "2018-02-20T19:00:01.000Z",
    );
    assert.equal(
      receiver.packetNtp(packet(2, 54352 - 45000))?.toISOString(),
      "2018-02-20T18:59:59.500Z",
    );
    receiver.close();
  });

  it("packetNtp() treats timestamps as signed 32-bit differences across wrap-around", () => {
    const { receiver } = setup(true);
    receiver.processSenderReport(senderReport(NTP_2018, 0xffffff00));
    assert.equal(
      receiver.packetNtp(packet(1, 0x00000100 + 89488))?.toISOString(),
      "2018-02-20T19:00:01.000Z",
    );
    receiver.close();
  });

  it("packetNtp() is undefined with clock rate 0", () => {
    const { receiver } = setup(true, { clockRate: 0 });
    receiver.processSenderReport(senderReport(NTP_2018, 0));
    assert.equal(receiver.packetNtp(packet(1, 0)), undefined);
    receiver.processRtp(packet(1), true);
    assert.equal(receiver.report(), undefined);
    receiver.close();
  });

  it("processRtp() over TCP returns the packet and reports seq 30 then 100 as 69 lost", () => {
    const { losses, receiver } = setup(false);
    const p30 = packet(30);
    const p100 = packet(100);
    const first = receiver.processRtp(p30, true);
    assert.equal(first.length, 1);
    assert.equal(first[0], p30);
    const second = receiver.processRtp(p100, true);
    assert.equal(second.length, 1);
    assert.equal(second[0], p100);
    assert.deepEqual(losses, [69]);
    assert.equal(receiver.stats.lost, 69);
    receiver.close();
  });

  it("processRtp() over TCP delivers out-of-order packets as they come, counting the wrap", () => {
    const { losses, receiver } = setup(false);
    assert.deepEqual(seqsOf(receiver.processRtp(packet(10), true)), [10]);
    assert.deepEqual(seqsOf(receiver.processRtp(packet(12), true)), [12]);
    assert.deepEqual(seqsOf(receiver.processRtp(packet(11), true)), [11]);
    assert.deepEqual(losses, [1, 65534]);
    receiver.close();
  });

  it("processRtp() returns one reused array owned by the receiver", () => {
    const { receiver } = setup(false);
    const a = receiver.processRtp(packet(1), true);
    const b = receiver.processRtp(packet(2), true);
    assert.equal(a, b);
    assert.deepEqual(seqsOf(b), [2]);
    receiver.close();
  });

  it("processRtp() over UDP reorders and reports seq 30 then 100 as 69 lost", () => {
    const { losses, receiver } = setup(true);
    assert.deepEqual(seqsOf(receiver.processRtp(packet(30), true)), [30]);
    assert.deepEqual(seqsOf(receiver.processRtp(packet(32), true)), []);
    assert.deepEqual(seqsOf(receiver.processRtp(packet(31), true)), [31, 32]);
    assert.deepEqual(seqsOf(receiver.processRtp(packet(31), true)), []);
    assert.deepEqual(losses, []);
    assert.deepEqual(seqsOf(receiver.processRtp(packet(100), true)), [100]);
    assert.deepEqual(losses, [67]);
    receiver.close();
  });

  it("processRtp() over UDP counts lost packets consistently after a flush", () => {
    const { losses, receiver } = setup(true);
    receiver.processRtp(packet(0), true);
    receiver.processRtp(packet(5), true);
    receiver.processRtp(packet(7), true);
    assert.deepEqual(seqsOf(receiver.processRtp(packet(200), true)), [5, 7, 200]);
    assert.deepEqual(losses, [197]);
    const stats = receiver.stats;
    assert.equal(stats.lost, 197);
    assert.equal(stats.packets, 4);
    assert.equal(stats.lastSequenceNumber, 200);
    receiver.close();
  });

  it("report() counts a sequence cycle when seq drops by more than 0x0FFF", () => {
    const { receiver } = setup(true);
    receiver.processRtp(packet(65534), true);
    receiver.processRtp(packet(65535), true);
    receiver.processRtp(packet(0), true);
    receiver.processRtp(packet(1), true);
    const block = receiver.report()?.reports[0];
    assert.equal(block?.highestSequenceNumber, 0x10001);
    assert.equal(block?.totalLost, 0);
    receiver.close();
  });

  it("report() computes the fraction lost since the previous report", () => {
    const { receiver } = setup(false);
    for (const seq of [0, 1, 2, 5, 6, 7, 8, 9]) receiver.processRtp(packet(seq), true);
    const first = receiver.report()?.reports[0];
    assert.equal(first?.fractionLost, Math.floor((2 * 256) / 10));
    assert.equal(first?.totalLost, 2);
    for (const seq of [10, 11, 12]) receiver.processRtp(packet(seq), true);
    const second = receiver.report()?.reports[0];
    assert.equal(second?.fractionLost, 0);
    assert.equal(second?.totalLost, 2);
    assert.equal(receiver.report()?.reports[0].fractionLost, 0);
    receiver.close();
  });

  it("report() caps the cumulative lost count at 0xFFFFFF, stats do not", () => {
    const { receiver } = setup(false);
    let seq = 0;
    receiver.processRtp(packet(seq), true);
    for (let i = 0; i < 600; i++) {
      seq = (seq + 30000) & 0xffff;
      receiver.processRtp(packet(seq), true);
    }
    assert.equal(receiver.report()?.reports[0].totalLost, 0xffffff);
    assert.equal(receiver.stats.lost, 600 * 29999);
    receiver.close();
  });

  it("report() carries RFC 3550 jitter computed only on PTS==DTS packets", () => {
    const { clock, receiver } = setup(true);
    receiver.processRtp(packet(0, 0), true);
    clock.advance(40);
    receiver.processRtp(packet(1, 3600), true);
    assert.equal(receiver.stats.jitter, 0);
    // A B-frame arriving at an odd time does not count.
    clock.advance(5);
    receiver.processRtp(packet(2, 1000), false);
    assert.equal(receiver.stats.jitter, 0);
    // 10 ms late: D = 900 ticks, J = 900 / 16.
    clock.advance(45);
    receiver.processRtp(packet(3, 7200), true);
    assert.equal(receiver.stats.jitter, 900 / 16);
    assert.equal(receiver.report()?.reports[0].jitter, 56);
    receiver.close();
  });

  it("stats reports packets, last sequence number, last RTP and its NTP time", () => {
    const { receiver } = setup(true);
    assert.deepEqual(receiver.stats, { packets: 0, lost: 0, jitter: 0 });
    assert.equal(receiver.remoteSsrc, undefined);
    receiver.processRtp(packet(10, 54352 + 90000), true);
    receiver.processRtp(packet(11, 1), false);
    receiver.processSenderReport(senderReport(NTP_2018, 54352));
    const stats = receiver.stats;
    assert.equal(stats.packets, 2);
    assert.equal(stats.lastSequenceNumber, 11);
    assert.equal(stats.lastRtp, 54352 + 90000);
    assert.equal(stats.lastNtp?.toISOString(), "2018-02-20T19:00:01.000Z");
    assert.equal(receiver.remoteSsrc, REMOTE_SSRC);
    receiver.close();
  });

  it("keeps the first remote SSRC when the peer changes it", () => {
    const { receiver } = setup(false);
    receiver.processRtp(packet(1, 0, 5), true);
    assert.equal(receiver.processRtp(packet(2, 0, 6), true).length, 1);
    assert.equal(receiver.remoteSsrc, 5);
    receiver.close();
  });

  it("close() stops reports and drops later packets", () => {
    const { clock, reports, receiver } = setup(true);
    receiver.processRtp(packet(1), true);
    receiver.close();
    receiver.close();
    assert.equal(clock.pending, 0);
    clock.advance(5000);
    assert.equal(reports.length, 0);
    assert.equal(receiver.processRtp(packet(2), true).length, 0);
  });
});
