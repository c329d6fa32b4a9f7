import type { RtpPacket } from "../rtp/mod.ts";
import { tsDiff } from "../rtp/mod.ts";

interface TrackState {
  startPts: number;
  overall: number;
  prev: number;
}

/**
 * Session-wide decoder of presentation timestamps for inbound RTP (SPEC §5.7).
 *
 * The first track to deliver a PTS==DTS packet leads and starts at 0. Any other track starts at
 * the leader's PTS at its last PTS==DTS packet plus the wall time elapsed since, converted to
 * its own clock rate. From then on each track accumulates signed 32-bit timestamp deltas, so
 * timestamp wrap-around is transparent. A track reports `ok: false` until its first PTS==DTS
 * packet, and always with clock rate 0.
 *
 * @example Two tracks share one time line
 * ```ts
 * import assert from "node:assert/strict";
 * import { PtsDecoder } from "./pts_decoder.ts";
 * let now = 0;
 * const decoder = new PtsDecoder(() => now);
 * const video = {};
 * const audio = {};
 * const pkt = (timestamp: number) => ({
 *   marker: false, payloadType: 96, sequenceNumber: 0, timestamp, ssrc: 0, csrc: [],
 *   paddingSize: 0, payload: new Uint8Array(0),
 * });
 * assert.deepEqual(decoder.decode(video, 90000, pkt(1000), true), { pts: 0, ok: true });
 * now = 1000;
 * assert.deepEqual(decoder.decode(audio, 48000, pkt(5), true), { pts: 48000, ok: true });
 * assert.deepEqual(decoder.decode(video, 90000, pkt(91000), true), { pts: 90000, ok: true });
 * ```
 */
export class PtsDecoder {
  #now: () => number;
  #tracks = new WeakMap<object, TrackState>();
  #leader: object | undefined;
  #leaderClockRate = 0;
  #leaderPts = 0;
  #leaderSystemMs = 0;

  /** @param now Current wall-clock time in milliseconds. */
  constructor(now: () => number) {
    this.#now = now;
  }

  /**
   * Decodes the PTS of one packet.
   *
   * @param trackKey Identity of the track (for example its `Format`); kept weakly.
   * @param clockRate Clock rate of the track.
   * @param pkt The packet, in delivery order.
   * @param ptsEqualsDts Whether the packet's PTS equals its DTS.
   * @returns The PTS in clock-rate units, and whether it is known.
   */
  decode(
    trackKey: object,
    clockRate: number,
    pkt: RtpPacket,
    ptsEqualsDts: boolean,
  ): { pts: number; ok: boolean } {
    if (clockRate === 0) return { pts: 0, ok: false };
    const track = this.#tracks.get(trackKey);
    if (track === undefined) {
      if (!ptsEqualsDts) return { pts: 0, ok: false };
      const nowMs = this.#now();
      let startPts = 0;
      if (this.#leader === undefined) {
        this.#leader = trackKey;
        this.#leaderClockRate = clockRate;
        this.#leaderPts = 0;
        this.#leaderSystemMs = nowMs;
      } else {
        startPts = Math.floor(
          (this.#leaderPts * clockRate) / this.#leaderClockRate +
            ((nowMs - this.#leaderSystemMs) * clockRate) / 1000,
        );
      }
      this.#tracks.set(trackKey, { startPts, overall: 0, prev: pkt.timestamp >>> 0 });
      return { pts: startPts, ok: true };
    }
    track.overall += tsDiff(pkt.timestamp, track.prev);
    track.prev = pkt.timestamp >>> 0;
    const pts = track.startPts + track.overall;
    if (trackKey === this.#leader && ptsEqualsDts) {
      this.#leaderPts = pts;
      this.#leaderSystemMs = this.#now();
    }
    return { pts, ok: true };
  }
}
