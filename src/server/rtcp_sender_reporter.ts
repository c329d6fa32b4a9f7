import type { RtpPacket, SenderReport } from "../rtp/mod.ts";
import { ntpFromUnixMs } from "../rtp/mod.ts";

/** Options of {@linkcode RtcpSenderReporter}. */
export interface RtcpSenderReporterOptions {
  /** Clock rate of the format; 0 disables sender reports. */
  clockRate: number;
  /** SSRC written into every report. */
  ssrc: number;
  /** Period between reports once armed, in milliseconds. */
  periodMs: number;
  /** Current wall-clock time in milliseconds since the Unix epoch. */
  now: () => number;
  /** Called with each report to send; runs inside a timer callback, so it must not throw. */
  send: (sr: SenderReport) => void;
  /** Timer scheduler; defaults to the global `setTimeout`. */
  setTimer?: typeof setTimeout;
  /** Timer canceller; defaults to the global `clearTimeout`. */
  clearTimer?: typeof clearTimeout;
}

/**
 * Builds RTCP sender reports for one outbound format towards one reader or one multicast
 * writer (SPEC §5.3, RFC 3550 §6.4.1).
 *
 * The first packet with PTS equal to DTS arms it: a report is sent at once, then every
 * `periodMs`. The NTP time of a report is the NTP time given with the last PTS==DTS packet plus
 * the wall time elapsed since; its RTP time is that packet's timestamp plus the same elapsed
 * time in clock-rate units. The packet count covers all packets, the octet count payload bytes
 * only. A clock rate of 0 never reports.
 *
 * @example Report right after the first key frame
 * ```ts
 * import assert from "node:assert/strict";
 * import { RtcpSenderReporter } from "./rtcp_sender_reporter.ts";
 * import type { SenderReport } from "../rtp/mod.ts";
 * const sent: SenderReport[] = [];
 * const reporter = new RtcpSenderReporter({
 *   clockRate: 90000, ssrc: 1, periodMs: 10000, now: () => 0, send: (sr) => sent.push(sr),
 *   setTimer: (() => 0) as unknown as typeof setTimeout, clearTimer: () => {},
 * });
 * reporter.onPacketRtp({
 *   marker: true, payloadType: 96, sequenceNumber: 1, timestamp: 3000, ssrc: 1, csrc: [],
 *   paddingSize: 0, payload: new Uint8Array([5]),
 * }, 0, true);
 * assert.equal(sent.length, 1);
 * assert.equal(sent[0].rtpTime, 3000);
 * reporter.close();
 * ```
 */
export class RtcpSenderReporter {
  #clockRate: number;
  #ssrc: number;
  #periodMs: number;
  #now: () => number;
  #send: (sr: SenderReport) => void;
  #setTimer: typeof setTimeout;
  #clearTimer: typeof clearTimeout;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #armed = false;
  #closed = false;
  #packetCount = 0;
  #octetCount = 0;
  #lastRtp = 0;
  #lastNtpMs = 0;
  #lastSystemMs = 0;
  #tick = (): void => {
    this.#timer = undefined;
    if (this.#closed) return;
    this.#schedule();
    this.#emit();
  };

  /** @param options Clock rate, SSRC, period, clock, sink and optional timer functions. */
  constructor(options: RtcpSenderReporterOptions) {
    if (!(options.periodMs > 0)) {
      throw new RangeError(`Cannot create sender reporter: invalid period ${options.periodMs}`);
    }
    this.#clockRate = options.clockRate;
    this.#ssrc = options.ssrc >>> 0;
    this.#periodMs = options.periodMs;
    this.#now = options.now;
    this.#send = options.send;
    this.#setTimer = options.setTimer ?? setTimeout;
    this.#clearTimer = options.clearTimer ?? clearTimeout;
  }

  /**
   * Accounts for one packet sent to the peer.
   *
   * @param pkt The packet as sent.
   * @param ntpMs Its NTP (capture) time, in milliseconds since the Unix epoch.
   * @param ptsEqualsDts Whether the packet can anchor timing (see `Format.ptsEqualsDts`).
   */
  onPacketRtp(pkt: RtpPacket, ntpMs: number, ptsEqualsDts: boolean): void {
    if (this.#closed) return;
    this.#packetCount = (this.#packetCount + 1) >>> 0;
    this.#octetCount = (this.#octetCount + pkt.payload.byteLength) >>> 0;
    if (!ptsEqualsDts) return;
    this.#lastRtp = pkt.timestamp >>> 0;
    this.#lastNtpMs = ntpMs;
    this.#lastSystemMs = this.#now();
    if (!this.#armed && this.#clockRate !== 0) {
      this.#armed = true;
      this.#schedule();
      this.#emit();
    }
  }

  /**
   * What a sender report would say now.
   *
   * @returns The report, or `undefined` before the first PTS==DTS packet or with clock rate 0.
   */
  report(): SenderReport | undefined {
    if (!this.#armed) return undefined;
    const elapsedMs = this.#now() - this.#lastSystemMs;
    const ntp = ntpFromUnixMs(this.#lastNtpMs + elapsedMs);
    return {
      type: "sr",
      ssrc: this.#ssrc,
      ntpMsw: ntp.msw,
      ntpLsw: ntp.lsw,
      rtpTime: (this.#lastRtp + Math.floor((elapsedMs * this.#clockRate) / 1000)) >>> 0,
      packetCount: this.#packetCount,
      octetCount: this.#octetCount,
      reports: [],
    };
  }

  /** Stops the periodic reports; idempotent. */
  close(): void {
    this.#closed = true;
    if (this.#timer !== undefined) {
      this.#clearTimer(this.#timer);
      this.#timer = undefined;
    }
  }

  #schedule(): void {
    this.#timer = this.#setTimer(this.#tick, this.#periodMs);
  }

  #emit(): void {
    const sr = this.report();
    if (sr !== undefined) this.#send(sr);
  }
}
