import type { ReceiverReport, RtpPacket, SenderReport } from "../rtp/mod.ts";
import { ntpMiddle32, tsDiff, unixMsFromNtp } from "../rtp/mod.ts";
import { ReorderBuffer } from "./reorder_buffer.ts";

/** Options of {@linkcode RtpReceiver}. */
export interface RtpReceiverOptions {
  /** Clock rate of the format; 0 disables jitter and `packetNtp`. */
  clockRate: number;
  /** SSRC written as the sender of receiver reports. */
  localSsrc: number;
  /** Whether to reorder through a 64-slot buffer (UDP) or only detect gaps (TCP). */
  reorder: boolean;
  /** Period between receiver reports, in milliseconds. */
  periodMs: number;
  /** Current wall-clock time in milliseconds since the Unix epoch. */
  now: () => number;
  /** Called with each receiver report (from a timer, so it must not throw); unset: none (TCP). */
  sendReport?: (rr: ReceiverReport) => void;
  /** Called with the number of packets given up as lost. */
  onPacketsLost: (lost: number) => void;
  /** Timer scheduler; defaults to the global `setTimeout`. */
  setTimer?: typeof setTimeout;
  /** Timer canceller; defaults to the global `clearTimeout`. */
  clearTimer?: typeof clearTimeout;
}

/** Reception statistics of one inbound format (SPEC §1.7). */
export interface RtpReceiverStats {
  /** Packets delivered. */
  packets: number;
  /** Sequence numbers never delivered (not capped). */
  lost: number;
  /** RFC 3550 interarrival jitter, in clock-rate units. */
  jitter: number;
  /** Sequence number of the last delivered packet. */
  lastSequenceNumber?: number;
  /** Timestamp of the last delivered PTS==DTS packet. */
  lastRtp?: number;
  /** NTP time of `lastRtp`, once a sender report mapped RTP time to NTP. */
  lastNtp?: Date;
}

const MAX_LOST = 0xffffff;

/**
 * Receives RTP of one inbound format (a publisher's or a back channel's): orders packets,
 * detects losses, keeps RFC 3550 statistics, answers with receiver reports and maps RTP time
 * to NTP through the peer's sender reports (SPEC §5.4, §5.5, §5.7).
 *
 * Over UDP (`reorder: true`) packets pass through a 64-slot {@linkcode ReorderBuffer} and a
 * receiver report goes out every `periodMs` once the first packet arrived. Over TCP packets are
 * delivered as they come and only gaps are counted: `(seq − lastSeq − 1) mod 2^16` when
 * non-zero.
 *
 * @example Count a gap over TCP
 * ```ts
 * import assert from "node:assert/strict";
 * import { RtpReceiver } from "./rtp_receiver.ts";
 * const losses: number[] = [];
 * const receiver = new RtpReceiver({
 *   clockRate: 90000, localSsrc: 1, reorder: false, periodMs: 10000, now: () => 0,
 *   onPacketsLost: (lost) => losses.push(lost),
 * });
 * const pkt = (sequenceNumber: number) => ({
 *   marker: false, payloadType: 96, sequenceNumber, timestamp: 0, ssrc: 7, csrc: [],
 *   paddingSize: 0, payload: new Uint8Array(1),
 * });
 * receiver.processRtp(pkt(30), true);
 * assert.equal(receiver.processRtp(pkt(100), true).length, 1);
 * assert.deepEqual(losses, [69]);
 * receiver.close();
 * ```
 */
export class RtpReceiver {
  #clockRate: number;
  #localSsrc: number;
  #periodMs: number;
  #now: () => number;
  #sendReport: ((rr: ReceiverReport) => void) | undefined;
  #onPacketsLost: (lost: number) => void;
  #setTimer: typeof setTimeout;
  #clearTimer: typeof clearTimeout;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #reorderer: ReorderBuffer<RtpPacket> | undefined;
  #out: RtpPacket[] = [];
  /** What `processRtp()` returns for one in-order packet: refilled, never resized. */
  #one: RtpPacket[] = [];
  #closed = false;

  // Statistics of delivered packets (RFC 3550 §6.4.1, appendix A.8).
  #started = false;
  #remoteSsrc: number | undefined;
  #lastSeq = 0;
  #cycles = 0;
  #packets = 0;
  #lost = 0;
  #lostSinceReport = 0;
  #expectedSinceReport = 0;
  #jitter = 0;
  #timeInitialized = false;
  #timeRtp = 0;
  #timeSystemMs = 0;

  // Last sender report from the peer.
  #hasSr = false;
  #srNtpMsw = 0;
  #srNtpLsw = 0;
  #srNtpUnixMs = 0;
  #srRtp = 0;
  #srSystemMs = 0;

  #tick = (): void => {
    this.#timer = undefined;
    if (this.#closed) return;
    this.#schedule();
    const rr = this.report();
    if (rr !== undefined) this.#sendReport?.(rr);
  };

  /** @param options Clock rate, SSRC, transport kind, period, clock and sinks. */
  constructor(options: RtpReceiverOptions) {
    if (!(options.periodMs > 0)) {
      throw new RangeError(`Cannot create RTP receiver: invalid period ${options.periodMs}`);
    }
    this.#clockRate = options.clockRate;
    this.#localSsrc = options.localSsrc >>> 0;
    this.#periodMs = options.periodMs;
    this.#now = options.now;
    this.#sendReport = options.sendReport;
    this.#onPacketsLost = options.onPacketsLost;
    this.#setTimer = options.setTimer ?? setTimeout;
    this.#clearTimer = options.clearTimer ?? clearTimeout;
    if (options.reorder) this.#reorderer = new ReorderBuffer<RtpPacket>();
  }

  /** SSRC of the peer, learned from the first packet. */
  get remoteSsrc(): number | undefined {
    return this.#remoteSsrc;
  }

  /** A snapshot of the reception statistics. */
  get stats(): RtpReceiverStats {
    const stats: RtpReceiverStats = {
      packets: this.#packets,
      lost: this.#lost,
      jitter: this.#jitter,
    };
    if (this.#started) stats.lastSequenceNumber = this.#lastSeq;
    if (this.#timeInitialized) {
      stats.lastRtp = this.#timeRtp;
      const ntp = this.#ntpUnixMs(this.#timeRtp);
      if (ntp !== undefined) stats.lastNtp = new Date(ntp);
    }
    return stats;
  }

  /**
   * Feeds one received packet.
   *
   * The returned array belongs to the receiver and is reused: it is valid until the next call of
   * `processRtp()` on this receiver. Iterate it at once, or copy it to keep it; never mutate it.
   * Over TCP it holds exactly `pkt`; over UDP it holds zero or more packets in sequence order.
   * `onPacketsLost` fires before this returns when packets were given up.
   *
   * @param pkt The received packet.
   * @param ptsEqualsDts Whether the packet can anchor timing (feeds jitter).
   * @returns The packets to deliver now, in order.
   */
  processRtp(pkt: RtpPacket, ptsEqualsDts: boolean): RtpPacket[] {
    const reorderer = this.#reorderer;
    if (!this.#closed && (reorderer === undefined || reorderer.takeNext(pkt.sequenceNumber))) {
      // One packet delivered as it came (TCP, or in order over UDP): the common case.
      const one = this.#one;
      one[0] = pkt;
      const lost = this.#account(pkt, ptsEqualsDts);
      if (lost > 0) this.#onPacketsLost(lost);
      return one;
    }
    const out = this.#out;
    out.length = 0;
    if (this.#closed || reorderer === undefined) return out;
    const given = reorderer.push(pkt, out);
    // Delivered packets feed the statistics; those out of the buffer may have gaps between them.
    // Only the arriving packet feeds jitter: held ones were not timed on arrival.
    for (let i = 0; i < out.length; i++) {
      const p = out[i];
      this.#account(p, p === pkt ? ptsEqualsDts : false);
    }
    if (given > 0) this.#onPacketsLost(given);
    return out;
  }

  /**
   * Records a sender report of the peer, for LSR/DLSR of the next receiver report and for
   * {@linkcode RtpReceiver.packetNtp}.
   *
   * @param sr A sender report whose SSRC matches this format.
   */
  processSenderReport(sr: SenderReport): void {
    this.#hasSr = true;
    this.#srNtpMsw = sr.ntpMsw >>> 0;
    this.#srNtpLsw = sr.ntpLsw >>> 0;
    this.#srNtpUnixMs = unixMsFromNtp(sr.ntpMsw, sr.ntpLsw);
    this.#srRtp = sr.rtpTime >>> 0;
    this.#srSystemMs = this.#now();
  }

  /**
   * The absolute time of a packet: `srNtp + signed32(ts − srRtp) / clockRate` (SPEC §5.7).
   *
   * @param pkt A packet of this format.
   * @returns Its NTP time, or `undefined` before the first sender report or with clock rate 0.
   */
  packetNtp(pkt: RtpPacket): Date | undefined {
    const ms = this.#ntpUnixMs(pkt.timestamp);
    return ms === undefined ? undefined : new Date(ms);
  }

  /**
   * What a receiver report would say now. Resets the "since last report" counters, so call it
   * only to send the result.
   *
   * @returns The report, or `undefined` before the first packet or with clock rate 0.
   */
  report(): ReceiverReport | undefined {
    if (!this.#started || this.#clockRate === 0) return undefined;
    const expected = this.#expectedSinceReport;
    // Integer part of the lost fraction times 256 (RFC 3550 §6.4.1), at most 255.
    const fractionLost = expected === 0
      ? 0
      : Math.min(255, Math.floor((this.#lostSinceReport * 256) / expected));
    let lastSenderReport = 0;
    let delaySinceLastSenderReport = 0;
    if (this.#hasSr) {
      lastSenderReport = ntpMiddle32(this.#srNtpMsw, this.#srNtpLsw);
      const delayMs = Math.max(0, this.#now() - this.#srSystemMs);
      delaySinceLastSenderReport = Math.floor((delayMs * 65536) / 1000) >>> 0;
    }
    this.#lostSinceReport = 0;
    this.#expectedSinceReport = 0;
    return {
      type: "rr",
      ssrc: this.#localSsrc,
      reports: [{
        ssrc: this.#remoteSsrc ?? 0,
        fractionLost,
        totalLost: Math.min(this.#lost, MAX_LOST),
        highestSequenceNumber: (this.#cycles * 0x10000 + this.#lastSeq) >>> 0,
        jitter: Math.floor(this.#jitter) >>> 0,
        lastSenderReport,
        delaySinceLastSenderReport,
      }],
    };
  }

  /** Stops the periodic reports and drops later packets; idempotent. */
  close(): void {
    this.#closed = true;
    if (this.#timer !== undefined) {
      this.#clearTimer(this.#timer);
      this.#timer = undefined;
    }
    this.#reorderer?.reset();
  }

  /** Updates the statistics with a delivered packet; returns the gap before it. */
  #account(pkt: RtpPacket, ptsEqualsDts: boolean): number {
    const seq = pkt.sequenceNumber;
    let gap = 0;
    if (!this.#started) {
      this.#started = true;
      this.#remoteSsrc = pkt.ssrc >>> 0;
      this.#expectedSinceReport = 1;
      if (this.#sendReport !== undefined) this.#schedule();
    } else {
      // Later SSRC changes are accepted on plain RTP (SPEC §5.1); the peer keeps its first one.
      const diff = seq - this.#lastSeq;
      if (diff < -0x0fff) this.#cycles = (this.#cycles + 1) & 0xffff;
      const step = diff & 0xffff;
      gap = (step - 1) & 0xffff;
      if (gap !== 0) {
        this.#lost += gap;
        this.#lostSinceReport = Math.min(this.#lostSinceReport + gap, MAX_LOST);
      }
      this.#expectedSinceReport += step;
    }
    this.#lastSeq = seq;
    this.#packets++;

    if (ptsEqualsDts) {
      const nowMs = this.#now();
      if (this.#timeInitialized && this.#clockRate !== 0) {
        // RFC 3550 §6.4.1: D(i,j) = (Rj − Ri) − (Sj − Si), in clock-rate units.
        const arrival = ((nowMs - this.#timeSystemMs) * this.#clockRate) / 1000;
        let d = arrival - tsDiff(pkt.timestamp, this.#timeRtp);
        if (d < 0) d = -d;
        this.#jitter += (d - this.#jitter) / 16;
      }
      this.#timeInitialized = true;
      this.#timeRtp = pkt.timestamp >>> 0;
      this.#timeSystemMs = nowMs;
    }
    return gap;
  }

  #ntpUnixMs(timestamp: number): number | undefined {
    if (!this.#hasSr || this.#clockRate === 0) return undefined;
    return this.#srNtpUnixMs + (tsDiff(timestamp, this.#srRtp) * 1000) / this.#clockRate;
  }

  #schedule(): void {
    this.#timer = this.#setTimer(this.#tick, this.#periodMs);
  }
}
