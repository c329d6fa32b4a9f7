import { encodeBase64 } from "../bytes/base64.ts";
import type { Format } from "../formats/format.ts";
import type { NetAddr } from "../net/types.ts";
import { encodeRtcp, encodeRtp, rtpEncodedSize } from "../rtp/mod.ts";
import type { RtcpPacket, RtpPacket, SenderReport, SourceDescription } from "../rtp/mod.ts";
import { formatSessionDescription } from "../sdp/description.ts";
import { SRTCP_OVERHEAD, SRTP_OVERHEAD, SrtpContext } from "../srtp/mod.ts";
import type { Media, SessionDescription } from "../sdp/description.ts";
import { MulticastWriter } from "./_multicast_writer.ts";
import { logWarning, randomUint32NonZero, type ServerContext } from "./_server_context.ts";
import type { SessionMedia } from "./_session_media.ts";
import { mikeyBase64, newSrtpKey } from "./_srtp_keys.ts";
import { RtcpSenderReporter } from "./rtcp_sender_reporter.ts";
import type { Server } from "./server.ts";
import type { ServerSession } from "./server_session.ts";

/** Multicast address and ports of one media, overriding the allocator (SPEC §1.6). */
export interface MulticastParams {
  ip: string;
  rtpPort: number;
  rtcpPort: number;
}

/** Options of {@linkcode ServerStream}. */
export interface ServerStreamOptions {
  /** The server the stream is served by (must be started before `initialize()`). */
  server: Server;
  /** What the stream carries. */
  desc: SessionDescription;
  /** Per-media multicast overrides. */
  multicastParams?: Map<Media, MulticastParams>;
}

/** Statistics of one stream format. */
export interface ServerStreamFormatStats {
  outboundRtpPackets: number;
  localSsrc: number;
}

/** Statistics of one stream media. */
export interface ServerStreamMediaStats {
  /** Bytes of RTP and RTCP packets sent, as in {@linkcode ServerStreamStats.outboundBytes}. */
  outboundBytes: number;
  outboundRtpPackets: number;
  outboundRtcpPackets: number;
  formats: Map<Format, ServerStreamFormatStats>;
}

/** Statistics of a stream (SPEC §1.7). One packet delivered to N readers counts N times. */
export interface ServerStreamStats {
  /**
   * Bytes of the RTP and RTCP packets put on the wire, as each reader got them: with the SRTP tag
   * or SRTCP trailer for SAVP readers and the multicast group, without the 4-byte `$` header of
   * TCP interleaving (or UDP/IP headers). A session's own `outboundBytes` counts the same way.
   */
  outboundBytes: number;
  outboundRtpPackets: number;
  outboundRtcpPackets: number;
  medias: Map<Media, ServerStreamMediaStats>;
}

const EMPTY_READERS: SessionMedia[] = [];

class StreamFormat {
  readonly format: Format;
  ssrc = 0;
  /** SDES packet with the stream's CNAME for `ssrc`, shared by every compound of the format. */
  sdes: SourceDescription | undefined;
  written = false;
  lastSeq = 0;
  lastRtp = 0;
  lastNtpMs = 0;
  outboundRtpPackets = 0;
  mcReporter: RtcpSenderReporter | undefined;
  constructor(format: Format) {
    this.format = format;
  }
}

class StreamMedia {
  readonly media: Media;
  readonly index: number;
  readonly formats: StreamFormat[];
  readonly payloadTypes: number[];
  readers: SessionMedia[] = EMPTY_READERS;
  /**
   * Whether an active reader is interleaved (TCP): packets then get room for a `$` header. Set
   * with `readers` (a reader's channel is fixed at SETUP, before PLAY activates it).
   */
  hasTcpReaders = false;
  /** Destinations of the active UDP readers, and a scratch array of the same length. */
  udpTo: NetAddr[] = [];
  udpData: Uint8Array[] = [];
  mc: MulticastWriter | undefined;
  /** With TLS: the media's SRTP key and the context that protects every packet once. */
  srtpKey: Uint8Array | undefined;
  srtp: SrtpContext | undefined;
  outboundBytes = 0;
  outboundRtpPackets = 0;
  outboundRtcpPackets = 0;
  constructor(media: Media, index: number) {
    this.media = media;
    this.index = index;
    this.formats = media.formats.map((f) => new StreamFormat(f));
    this.payloadTypes = media.formats.map((f) => f.payloadType);
  }
  formatIndex(pt: number): number {
    const pts = this.payloadTypes;
    for (let i = 0; i < pts.length; i++) if (pts[i] === pt) return i;
    return -1;
  }
  setReaders(readers: SessionMedia[]): void {
    this.readers = readers.length === 0 ? EMPTY_READERS : readers;
    this.udpTo = [];
    this.hasTcpReaders = false;
    for (const r of readers) {
      if (r.tcpChannel >= 0) this.hasTcpReaders = true;
      else if (r.udpRtp !== undefined) this.udpTo.push(r.udpRtp);
    }
    this.udpData = new Array(this.udpTo.length);
  }
}

/**
 * A media stream fanned out to readers (SPEC §1.6, §6). Each packet is serialized once with the
 * stream's SSRC; UDP readers get the same bytes, TCP readers share one `$` frame per channel.
 *
 * Every RTCP compound of the stream (sender reports, the BYE of `close()`) carries an SDES chunk
 * with the stream's CNAME for the format's SSRC (RFC 3550 §6.1): one random 96-bit base64
 * identifier per stream (RFC 7022 §4.2), fixed for its life and shared by its SSRCs, so it says
 * nothing about the host or the user.
 *
 * @example
 * ```ts ignore
 * const stream = new ServerStream({ server, desc });
 * stream.initialize();
 * stream.writePacketRtp(stream.desc.medias[0], pkt);
 * ```
 */
export class ServerStream {
  #server: Server;
  #desc: SessionDescription;
  #multicastParams: Map<Media, MulticastParams> | undefined;
  #ctx: ServerContext | undefined;
  #medias = new Map<Media, StreamMedia>();
  #list: StreamMedia[] = [];
  #initialized = false;
  #closed = false;
  #sdpCache = new Map<string, string>();
  #sessions = new Set<ServerSession>();
  #multicastReaders = new Set<ServerSession>();
  #activeMulticast = 0;
  #multicastOpening: Promise<void> | undefined;
  #outboundBytes = 0;
  #outboundRtpPackets = 0;
  #outboundRtcpPackets = 0;
  readonly #cname = randomCname();

  /** @param options Server, description and multicast overrides. */
  constructor(options: ServerStreamOptions) {
    this.#server = options.server;
    this.#desc = options.desc;
    this.#multicastParams = options.multicastParams;
  }

  /** The description (read-only). */
  get desc(): SessionDescription {
    return this.#desc;
  }

  /**
   * Prepares the stream: random unique SSRCs per format and a snapshot of the description.
   *
   * @throws {Error} When the server is not started or an H264 format uses packetization mode 0.
   */
  initialize(): void {
    if (this.#initialized) return;
    const ctx = this.#server._ctx;
    if (ctx === undefined) throw new Error("Cannot initialize stream: server not started");
    for (const m of this.#desc.medias) {
      for (const f of m.formats) {
        if (
          f.codec === "H264" &&
          (f as unknown as { packetizationMode?: number }).packetizationMode === 0
        ) {
          throw new Error("Cannot initialize stream: H264 packetization-mode=0 is not supported");
        }
      }
    }
    this.#ctx = ctx;
    const used = new Set<number>();
    this.#desc.medias.forEach((m, i) => {
      const sm = new StreamMedia(m, i);
      if (ctx.tls) {
        sm.srtpKey = newSrtpKey();
        sm.srtp = new SrtpContext(sm.srtpKey);
      }
      for (const sf of sm.formats) {
        let ssrc: number;
        do ssrc = randomUint32NonZero(); while (used.has(ssrc));
        used.add(ssrc);
        sf.ssrc = ssrc;
        sf.sdes = cnameDescription(ssrc, this.#cname);
      }
      this.#medias.set(m, sm);
      this.#list.push(sm);
    });
    this.#initialized = true;
    this.reloadDesc();
  }

  /** Re-snapshots format parameters (SPS/PPS…) into future DESCRIBE answers. */
  reloadDesc(): void {
    this.#sdpCache.clear();
    if (!this.#initialized) return;
    for (const mc of [false, true]) {
      for (const bc of [false, true]) this.#sdpCache.set(`${mc} ${bc}`, this.#buildSdp(mc, bc));
    }
  }

  #buildSdp(multicast: boolean, backChannels: boolean): string {
    const tls = this.#ctx!.tls;
    return formatSessionDescription(this.#desc, {
      connectionAddress: multicast ? "224.1.0.0" : "0.0.0.0",
      profile: tls ? "RTP/SAVP" : "RTP/AVP",
      includeBackChannels: backChannels,
      // The MIKEY message carries a timestamp and the current rollover counters, so it is
      // filled in at each DESCRIBE rather than frozen in the cached text.
      keyMgmt: tls ? (index) => `mikey ${keyMgmtPlaceholder(index)}` : undefined,
    });
  }

  /** @internal SDP answered to DESCRIBE. */
  _sdp(multicast: boolean, backChannels: boolean): string {
    if (!this.#initialized) throw new Error("Stream not initialized");
    const sdp = this.#sdpCache.get(`${multicast} ${backChannels}`)!;
    if (!this.#ctx!.tls) return sdp;
    return sdp.replace(KEY_MGMT_PLACEHOLDER, (_, index: string) => this.#mikey(this.#list[+index]));
  }

  #mikey(sm: StreamMedia): string {
    const srtp = sm.srtp!;
    return mikeyBase64(
      sm.srtpKey!,
      sm.formats.map((f) => ({ ssrc: f.ssrc, roc: srtp.roc(f.ssrc) })),
    );
  }

  /** @internal The base64 MIKEY message of a media's SRTP key (TLS only). */
  _keyMgmt(media: Media): string {
    return this.#mikey(this.#medias.get(media)!);
  }

  /** @internal The SRTP context protecting a media (TLS only). */
  _srtp(media: Media): SrtpContext | undefined {
    return this.#medias.get(media)?.srtp;
  }

  /** Whether `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Closes the stream and every reader session. First each SSRC that sent packets says goodbye
   * to every reader with an RTCP BYE over the reader's own transport (RFC 3550 §6.6), so UDP and
   * multicast readers learn of the end without the RTSP connection.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#sendGoodbyes();
    // The multicast writers close in #releaseMulticast(): a UdpSocket still sends the BYEs it
    // accepted before close().
    const error = new Error("Stream closed");
    for (const s of [...this.#sessions]) s._close(error);
    this.#sessions.clear();
    this.#releaseMulticast();
  }

  /**
   * Sends each written format's BYE to the active readers and the multicast group, before close()
   * tears down their queues and sockets. The BYE rides in a compound packet led by the report the
   * reader would get now (its SR once armed, else an empty RR), then the CNAME's SDES, the BYE last
   * (RFC 3550 §6.1). SAVP readers get it protected like their SRs. Best effort: a failure
   * costs that reader its BYE, never the close.
   */
  #sendGoodbyes(): void {
    for (const sm of this.#list) {
      sm.formats.forEach((sf, fi) => {
        if (!sf.written) return;
        let delivered = 0;
        let bytes = 0;
        for (const r of sm.readers) {
          try {
            const compound = goodbye(sf, r.formats[fi].reporter?.report());
            if (!r.session._writeRtcpBytes(r, compound, false)) continue;
            // A TCP reader's queue is dropped when its session closes: write the BYE out now
            // (start() on a running queue flushes it).
            r.queue?.start();
            delivered++;
            bytes += compound.length + (r.srtpOut?.rtcpOverhead ?? 0);
          } catch {
            // Best effort: the reader still learns of the end when its connection closes.
          }
        }
        if (sm.mc !== undefined && this.#activeMulticast > 0) {
          try {
            const compound = goodbye(sf, sf.mcReporter?.report());
            const wire = sm.srtp !== undefined ? sm.srtp.protectRtcp(compound) : compound;
            sm.mc.sendRtcp(wire);
            delivered++;
            bytes += wire.length;
          } catch {
            // Best effort, as above.
          }
        }
        this.#countRtcp(sm, delivered, bytes);
      });
    }
  }

  /** Counts RTCP packets the stream put on the wire and their bytes (as sent, SRTCP included). */
  #countRtcp(sm: StreamMedia, packets: number, bytes: number): void {
    sm.outboundRtcpPackets += packets;
    sm.outboundBytes += bytes;
    this.#outboundRtcpPackets += packets;
    this.#outboundBytes += bytes;
  }

  /** Statistics. */
  stats(): ServerStreamStats {
    const medias = new Map<Media, ServerStreamMediaStats>();
    for (const sm of this.#list) {
      const formats = new Map<Format, ServerStreamFormatStats>();
      for (const sf of sm.formats) {
        formats.set(sf.format, { outboundRtpPackets: sf.outboundRtpPackets, localSsrc: sf.ssrc });
      }
      medias.set(sm.media, {
        outboundBytes: sm.outboundBytes,
        outboundRtpPackets: sm.outboundRtpPackets,
        outboundRtcpPackets: sm.outboundRtcpPackets,
        formats,
      });
    }
    return {
      outboundBytes: this.#outboundBytes,
      outboundRtpPackets: this.#outboundRtpPackets,
      outboundRtcpPackets: this.#outboundRtcpPackets,
      medias,
    };
  }

  /** Writes an RTP packet to every reader, with the current time as NTP. */
  writePacketRtp(media: Media, pkt: RtpPacket): void {
    this.#writeRtp(media, pkt, this.#ctx === undefined ? Date.now() : this.#ctx.now());
  }

  /** Writes an RTP packet to every reader with an absolute capture time. */
  writePacketRtpWithNtp(media: Media, pkt: RtpPacket, ntp: Date): void {
    this.#writeRtp(media, pkt, ntp.getTime());
  }

  #streamMedia(media: Media): StreamMedia {
    if (this.#closed) throw new Error("Stream closed");
    const sm = this.#medias.get(media);
    if (sm === undefined) {
      if (!this.#initialized) throw new Error("Stream not initialized");
      throw new TypeError("Media does not belong to the stream");
    }
    return sm;
  }

  #writeRtp(media: Media, pkt: RtpPacket, ntpMs: number): void {
    const sm = this.#streamMedia(media);
    const fi = sm.formatIndex(pkt.payloadType);
    if (fi < 0) throw new TypeError(`Payload type ${pkt.payloadType} does not belong to the media`);
    const sf = sm.formats[fi];
    const ctx = this.#ctx!;
    const size = rtpEncodedSize(pkt);
    const srtp = sm.srtp;
    const maxSize = srtp !== undefined ? ctx.maxPacketSize - SRTP_OVERHEAD : ctx.maxPacketSize;
    if (size > maxSize) {
      throw new RangeError(
        `RTP packet size (${size}) is greater than maximum allowed (${maxSize})`,
      );
    }
    // Serialize once, with the stream's SSRC; 4 bytes in for a `$` header when a TCP reader
    // needs one (UDP-only streams then send the buffer itself, without a per-packet view).
    const offset = sm.hasTcpReaders ? 4 : 0;
    const buf = new Uint8Array(size + offset);
    encodeRtp(pkt, buf, offset);
    const ssrc = sf.ssrc;
    buf[offset + 8] = ssrc >>> 24;
    buf[offset + 9] = (ssrc >>> 16) & 0xff;
    buf[offset + 10] = (ssrc >>> 8) & 0xff;
    buf[offset + 11] = ssrc & 0xff;
    const plain = offset === 0 ? buf : buf.subarray(4);
    // With TLS the packet is protected once, on first need, for every SAVP reader and the
    // multicast group; AVP/TCP readers of the same stream get the plain bytes.
    let secure: Uint8Array | undefined;
    sf.written = true;
    sf.lastSeq = pkt.sequenceNumber;
    sf.lastRtp = pkt.timestamp;
    sf.lastNtpMs = ntpMs;

    const readers = sm.readers;
    const n = readers.length;
    let delivered = 0;
    let deliveredBytes = 0;
    if (n > 0) {
      const ptsEqualsDts = sf.format.ptsEqualsDts(pkt);
      let firstChannel = -1;
      let firstSecureChannel = -1;
      let others: [number, Uint8Array][] | undefined;
      for (let i = 0; i < n; i++) {
        const r = readers[i];
        const rf = r.formats[fi];
        rf.reporter?.onPacketRtp(pkt, ntpMs, ptsEqualsDts);
        const ch = r.tcpChannel;
        if (ch >= 0) {
          let frame: Uint8Array | undefined;
          const isSecure = r.srtpOut !== undefined;
          const base = isSecure ? (secure ??= protectWithRoom(srtp!, plain)) : buf;
          const first = isSecure ? firstSecureChannel : firstChannel;
          if (first < 0 || first === ch) {
            if (first < 0) {
              if (isSecure) firstSecureChannel = ch;
              else firstChannel = ch;
              const length = isSecure ? size + SRTP_OVERHEAD : size;
              base[0] = 0x24;
              base[1] = ch;
              base[2] = length >>> 8;
              base[3] = length & 0xff;
            }
            frame = base;
          } else {
            if (others === undefined) others = [];
            const key = isSecure ? ch | 0x100 : ch;
            for (const [c, f] of others) if (c === key) frame = f;
            if (frame === undefined) {
              frame = base.slice();
              frame[1] = ch;
              others.push([key, frame]);
            }
          }
          if (!r.queue!.push(frame)) {
            r.session._streamWriteError(new Error("Write queue is full"));
            continue;
          }
        }
        rf.outPackets++;
        rf.outLastSequenceNumber = pkt.sequenceNumber;
        rf.outLastRtp = pkt.timestamp;
        rf.outLastNtpMs = ntpMs;
        const wireSize = r.srtpOut !== undefined ? size + SRTP_OVERHEAD : size;
        r.outboundBytes += wireSize;
        deliveredBytes += wireSize;
        delivered++;
      }
      // Every UDP reader gets the same bytes in one batched call.
      const udpTo = sm.udpTo;
      if (udpTo.length > 0) {
        const data = sm.udpData;
        // Under TLS every UDP reader is SAVP (plain RTP/UDP is refused at SETUP).
        data.fill(
          srtp !== undefined ? (secure ??= protectWithRoom(srtp, plain)).subarray(4) : plain,
        );
        ctx.udp!.rtp.sendMany(data, udpTo);
      }
    }
    if (sm.mc !== undefined && this.#activeMulticast > 0) {
      sf.mcReporter?.onPacketRtp(pkt, ntpMs, sf.format.ptsEqualsDts(pkt));
      sm.mc.sendRtp(
        srtp !== undefined ? (secure ??= protectWithRoom(srtp, plain)).subarray(4) : plain,
      );
      deliveredBytes += srtp !== undefined ? size + SRTP_OVERHEAD : size;
      delivered++;
    }
    if (srtp !== undefined && secure === undefined) srtp.advanceRtp(ssrc, pkt.sequenceNumber);
    sf.outboundRtpPackets += delivered;
    sm.outboundRtpPackets += delivered;
    sm.outboundBytes += deliveredBytes;
    this.#outboundRtpPackets += delivered;
    this.#outboundBytes += deliveredBytes;
  }

  /** Writes RTCP to every reader of `media`. */
  writePacketRtcp(media: Media, pkt: RtcpPacket[] | Uint8Array): void {
    const sm = this.#streamMedia(media);
    const bytes = pkt instanceof Uint8Array ? pkt : encodeRtcp(pkt);
    this.#writeRtcpBytes(sm, bytes);
  }

  #writeRtcpBytes(sm: StreamMedia, bytes: Uint8Array): void {
    const ctx = this.#ctx!;
    const srtp = sm.srtp;
    const maxSize = srtp !== undefined ? ctx.maxPacketSize - SRTCP_OVERHEAD : ctx.maxPacketSize;
    if (bytes.length > maxSize) {
      throw new RangeError(
        `RTCP packet size (${bytes.length}) is greater than maximum allowed (${maxSize})`,
      );
    }
    let secure: Uint8Array | undefined;
    let delivered = 0;
    let deliveredBytes = 0;
    for (const r of sm.readers) {
      const wire = r.srtpOut !== undefined ? (secure ??= srtp!.protectRtcp(bytes)) : bytes;
      if (r.session._writeRtcpBytes(r, wire, false, true)) {
        delivered++;
        deliveredBytes += wire.length;
      }
    }
    if (sm.mc !== undefined && this.#activeMulticast > 0) {
      const wire = srtp !== undefined ? (secure ??= srtp.protectRtcp(bytes)) : bytes;
      sm.mc.sendRtcp(wire);
      delivered++;
      deliveredBytes += wire.length;
    }
    this.#countRtcp(sm, delivered, deliveredBytes);
  }

  /** @internal */
  _mediaIndex(media: Media): number {
    return this.#desc.medias.indexOf(media);
  }

  /**
   * @internal The SDES packet (the stream's CNAME for the format's SSRC) that follows every report
   * of format `formatIndex` of `media` in a compound (RFC 3550 §6.1); one shared object.
   */
  _sourceDescription(media: Media, formatIndex: number): SourceDescription {
    return this.#medias.get(media)!.formats[formatIndex].sdes!;
  }

  /** @internal SSRCs of the formats of a media. */
  _ssrcs(media: Media): number[] {
    return this.#medias.get(media)!.formats.map((f) => f.ssrc);
  }

  /** @internal Registers a reader session at its first SETUP. */
  _register(session: ServerSession): void {
    if (this.#closed) throw new Error("Stream closed");
    this.#sessions.add(session);
  }

  /** @internal Whether another UDP reader uses (ip, client RTP port). */
  _udpClientInUse(session: ServerSession, ip: string, port: number): boolean {
    for (const s of this.#sessions) {
      if (s !== session && s._usesUdpClient(ip, port)) return true;
    }
    return false;
  }

  /** @internal */
  _unregister(session: ServerSession): void {
    this._deactivate(session);
    this.#sessions.delete(session);
    if (this.#multicastReaders.delete(session) && this.#multicastReaders.size === 0) {
      this.#releaseMulticast();
    }
  }

  /** @internal Starts delivering to a reader's medias (PLAY 200). */
  _activate(session: ServerSession, medias: SessionMedia[], multicast: boolean): void {
    if (multicast) {
      this.#activeMulticast++;
      return;
    }
    for (const m of medias) {
      const sm = this.#medias.get(m.media)!;
      if (!sm.readers.includes(m)) sm.setReaders([...sm.readers, m]);
    }
    void session;
  }

  /** @internal Stops delivering to a reader (PAUSE, close). */
  _deactivate(session: ServerSession): void {
    if (session._multicastActive) {
      session._multicastActive = false;
      this.#activeMulticast--;
    }
    for (const sm of this.#list) {
      if (sm.readers.some((r) => r.session === session)) {
        sm.setReaders(sm.readers.filter((r) => r.session !== session));
      }
    }
  }

  /** @internal Allocates groups and opens writers for every media (first multicast SETUP). */
  async _ensureMulticast(session: ServerSession): Promise<void> {
    this.#multicastReaders.add(session);
    if (this.#multicastOpening === undefined) {
      this.#multicastOpening = this.#openMulticast();
      this.#multicastOpening.catch(() => {
        this.#multicastOpening = undefined;
      });
    }
    await this.#multicastOpening;
  }

  async #openMulticast(): Promise<void> {
    const ctx = this.#ctx!;
    const mc = ctx.multicast!;
    const opened: StreamMedia[] = [];
    try {
      for (const sm of this.#list) {
        const p = this.#multicastParams?.get(sm.media);
        const ip = p?.ip ?? mc.allocator.next();
        const rtpPort = p?.rtpPort ?? mc.rtpPort;
        const rtcpPort = p?.rtcpPort ?? mc.rtcpPort;
        sm.mc = await MulticastWriter.open(ctx, ip, rtpPort, rtcpPort, (data, from) => {
          for (const s of this.#multicastReaders) {
            if (s._creatorIp === from.hostname && from.port === rtcpPort) {
              s._onMulticastRtcp(sm.media, data);
            }
          }
        });
        opened.push(sm);
        for (const sf of sm.formats) {
          if (!ctx.disableRtcpSenderReports && sf.format.clockRate > 0) {
            const writer = sm.mc;
            sf.mcReporter = new RtcpSenderReporter({
              clockRate: sf.format.clockRate,
              ssrc: sf.ssrc,
              periodMs: ctx.senderReportPeriodMs,
              now: ctx.now,
              send: (sr) => {
                const bytes = encodeRtcp([sr, sf.sdes!]);
                const wire = sm.srtp !== undefined ? sm.srtp.protectRtcp(bytes) : bytes;
                writer.sendRtcp(wire);
                this.#countRtcp(sm, 1, wire.length);
              },
            });
          }
        }
      }
    } catch (error) {
      for (const sm of opened) {
        sm.mc?.close();
        sm.mc = undefined;
      }
      throw error;
    }
  }

  #releaseMulticast(): void {
    this.#multicastOpening = undefined;
    for (const sm of this.#list) {
      sm.mc?.close();
      sm.mc = undefined;
      for (const sf of sm.formats) {
        sf.mcReporter?.close();
        sf.mcReporter = undefined;
      }
    }
  }

  /** @internal Multicast group of a media. */
  _multicastOf(media: Media): MulticastWriter | undefined {
    return this.#medias.get(media)?.mc;
  }

  /** @internal RTP-Info fields of a media (SPEC §5.2). */
  _rtpInfo(media: Media, now: number): { seq: number; rtpTime: number } | undefined {
    const sm = this.#medias.get(media);
    if (sm === undefined || sm.formats.length !== 1) return undefined;
    const sf = sm.formats[0];
    const clockRate = sf.format.clockRate;
    if (!sf.written || clockRate === 0) return undefined;
    const elapsed = (now - sf.lastNtpMs) / 1000;
    const rtpTime = Math.round(sf.lastRtp + elapsed * clockRate - clockRate / 10);
    return {
      seq: (sf.lastSeq + 1) & 0xffff,
      rtpTime: ((rtpTime % 0x100000000) + 0x100000000) % 0x100000000,
    };
  }
}

/**
 * The SRTP form of a packet with 4 bytes of room first for a `$` header. A plain function called
 * as `secure ??= …` where it is needed, not a closure built per packet: that cost an allocation
 * per packet even without TLS, and a `defineProperty` when esbuild keeps names (tsx), 0.3 % of a
 * Node relay's samples at 10 readers, two thirds of the write's own time.
 */
function protectWithRoom(srtp: SrtpContext, plain: Uint8Array): Uint8Array {
  const secure = new Uint8Array(plain.length + SRTP_OVERHEAD + 4);
  srtp.protectRtp(plain, secure.subarray(4));
  return secure;
}

const KEY_MGMT_PLACEHOLDER = /\{\{key-mgmt (\d+)\}\}/g;

function keyMgmtPlaceholder(index: number): string {
  return `{{key-mgmt ${index}}}`;
}

/**
 * An RTCP compound packet saying BYE for a format's SSRC, in the order of RFC 3550 §6.1: `report`
 * or an empty RR first, the CNAME's SDES, the BYE last.
 */
function goodbye(sf: StreamFormat, report: SenderReport | undefined): Uint8Array {
  const ssrc = sf.ssrc;
  return encodeRtcp([
    report ?? { type: "rr", ssrc, reports: [] },
    sf.sdes!,
    { type: "bye", ssrcs: [ssrc] },
  ]);
}

/**
 * A fresh CNAME: 96 random bits in base64, 16 characters (RFC 7022 §4.2, short-term persistent),
 * from the platform's cryptographic generator, so CNAMEs of streams do not collide in practice and
 * reveal nothing about the host.
 */
function randomCname(): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return encodeBase64(bytes);
}

/** An SDES packet with one chunk: the CNAME item (type 1) of `ssrc` (RFC 3550 §6.5.1). */
function cnameDescription(ssrc: number, cname: string): SourceDescription {
  return { type: "sdes", chunks: [{ ssrc, items: [{ type: 1, text: cname }] }] };
}

/** @internal Default report of a dropped packet. */
export function defaultStreamWriteError(error: Error): void {
  logWarning(error.message);
}
