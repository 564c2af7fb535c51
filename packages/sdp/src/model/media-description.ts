import {
  formatMediaLine,
  parseCandidate,
  parseCrypto,
  parseFmtp,
  parseMediaLine,
  parseMilliseconds,
  parseRtcp,
  parseRtcpFb,
  parseRtpmap,
  parseSsrc,
  parseSsrcGroup,
  parseUint,
} from './sdp-fields.js';
import { SdpValueError } from './sdp-parse-error.js';
import { attributeValueOf, SdpSection } from './sdp-section.js';
import type {
  Codec,
  Connection,
  CryptoAttribute,
  Direction,
  Fmtp,
  IceCandidate,
  IceParameters,
  MediaLine,
  RtcpAttribute,
  RtcpFeedback,
  Rtpmap,
  SsrcAttribute,
  SsrcGroup,
  T38Parameters,
} from './sdp-types.js';
import { staticRtpmap } from './static-payload-types.js';
import { parseT38Attributes } from './t38-attributes.js';

/** RFC 8866 §5 order inside a media description: m i c b k a. */
const MEDIA_ORDER: Record<string, number> = { m: 0, i: 1, c: 2, b: 3, k: 4, a: 5 };

/** Attributes tied to one RTP payload type by their first token. */
const PER_FORMAT_ATTRIBUTES = ['rtpmap', 'fmtp', 'rtcp-fb'];

/** Session-level values that a media section inherits (RFC 8866 §5, RFC 8839 §5). */
export interface SessionDefaults {
  readonly connection?: Connection;
  readonly direction?: Direction;
  readonly iceUfrag?: string;
  readonly icePwd?: string;
  readonly iceOptions: string[];
  readonly iceLite: boolean;
}

/** One media description: the m= line (always `lines[0]`) and the lines up to the next m=. */
export class MediaDescription extends SdpSection {
  constructor(lines: string[]) {
    super(lines);
  }

  /** A new media description from its m= fields, optionally followed by raw lines. */
  static create(m: MediaLine, lines: readonly string[] = []): MediaDescription {
    return new MediaDescription([`m=${formatMediaLine(m)}`, ...lines]);
  }

  protected fieldOrder(type: string): number {
    return MEDIA_ORDER[type] ?? 5;
  }

  clone(): MediaDescription {
    return new MediaDescription(this.lines.slice());
  }

  // ---- m= line --------------------------------------------------------------------------

  get mediaLine(): MediaLine {
    const m = parseMediaLine((this.lines[0] ?? '').slice(2));
    if (!m) throw new SdpValueError(`not a valid m= line: ${this.lines[0] ?? '(none)'}`);
    return m;
  }

  set mediaLine(m: MediaLine) {
    if (m.port < 0 || m.port > 65535 || !Number.isInteger(m.port))
      throw new SdpValueError(`bad port ${m.port}`);
    this.lines[0] = `m=${formatMediaLine(m)}`;
  }

  /** Media type: audio, video, text, application, message, image. */
  get media(): string {
    return this.mediaLine.media;
  }

  get port(): number {
    return this.mediaLine.port;
  }

  set port(port: number) {
    this.mediaLine = { ...this.mediaLine, port };
  }

  get protocol(): string {
    return this.mediaLine.protocol;
  }

  get formats(): string[] {
    return this.mediaLine.formats;
  }

  /** A stream with port 0 is rejected/disabled (RFC 3264 §6, §8.2) unless it is bundle-only (RFC 9143 §7.1.3). */
  get isDisabled(): boolean {
    return this.port === 0 && !this.hasAttribute('bundle-only');
  }

  /** True for RTP profiles (RTP/AVP, RTP/SAVPF, UDP/TLS/RTP/SAVPF, …): formats are payload type numbers. */
  get isRtp(): boolean {
    return this.protocol.includes('RTP/');
  }

  /**
   * Sets the formats of the m= line, in the given order, and removes the a=rtpmap, a=fmtp and
   * a=rtcp-fb lines of payload types that are no longer listed (wildcard `*` feedback stays).
   */
  setFormats(formats: readonly string[]): void {
    const keep = new Set(formats);
    this.mediaLine = { ...this.mediaLine, formats: [...formats] };
    if (!this.isRtp) {
      this.removeAttributes('fmtp', (v) => !keep.has(v.slice(0, v.indexOf(' '))));
      return;
    }
    for (const name of PER_FORMAT_ATTRIBUTES) {
      this.removeAttributes(name, (v) => {
        const sp = v.indexOf(' ');
        const fmt = sp < 0 ? v : v.slice(0, sp);
        return fmt !== '*' && !keep.has(fmt);
      });
    }
  }

  // ---- RTP payload descriptions ----------------------------------------------------------

  get rtpmaps(): Rtpmap[] {
    const out: Rtpmap[] = [];
    for (const v of this.getAttributes('rtpmap')) {
      const r = parseRtpmap(v);
      if (r) out.push(r);
    }
    return out;
  }

  get fmtps(): Fmtp[] {
    const out: Fmtp[] = [];
    for (const v of this.getAttributes('fmtp')) {
      const f = parseFmtp(v);
      if (f) out.push(f);
    }
    return out;
  }

  get rtcpFeedback(): RtcpFeedback[] {
    const out: RtcpFeedback[] = [];
    for (const v of this.getAttributes('rtcp-fb')) {
      const f = parseRtcpFb(v);
      if (f) out.push(f);
    }
    return out;
  }

  /** Codecs in m= line order (RTP sections only; formats that are not numbers are skipped). */
  get codecs(): Codec[] {
    if (!this.isRtp) return [];
    const rtpmaps = new Map<number, Rtpmap>();
    for (const r of this.rtpmaps) rtpmaps.set(r.payloadType, r);
    const fmtps = new Map<string, Fmtp>();
    for (const f of this.fmtps) if (!fmtps.has(f.format)) fmtps.set(f.format, f);
    const feedback = this.rtcpFeedback;
    const out: Codec[] = [];
    for (const fmt of this.formats) {
      const pt = parseUint(fmt);
      if (pt === undefined) continue;
      const r = rtpmaps.get(pt) ?? staticRtpmap(pt);
      const codec: Codec = {
        payloadType: pt,
        encodingName: r?.encodingName ?? '',
        clockRate: r?.clockRate ?? 0,
        feedback: feedback.filter((f) => f.format === fmt || f.format === '*'),
      };
      if (r?.channels !== undefined) codec.channels = r.channels;
      const fmtp = fmtps.get(fmt);
      if (fmtp) codec.fmtp = fmtp;
      out.push(codec);
    }
    return out;
  }

  /** The codec for one payload type, or undefined if it is not listed on the m= line. */
  codec(payloadType: number): Codec | undefined {
    return this.codecs.find((c) => c.payloadType === payloadType);
  }

  /** a=rtcp (RFC 3605). */
  get rtcp(): RtcpAttribute | undefined {
    const v = this.getAttribute('rtcp');
    return v === undefined ? undefined : parseRtcp(v);
  }

  /** a=rtcp-mux (RFC 5761). */
  get rtcpMux(): boolean {
    return this.hasAttribute('rtcp-mux');
  }

  set rtcpMux(on: boolean) {
    if (on) {
      if (!this.rtcpMux) this.addAttribute('rtcp-mux');
    } else this.removeAttributes('rtcp-mux');
  }

  /** a=ptime in milliseconds (RFC 8866 §6.4). */
  get ptime(): number | undefined {
    const v = this.getAttribute('ptime');
    return v === undefined ? undefined : parseMilliseconds(v);
  }

  set ptime(ms: number | undefined) {
    if (ms === undefined) this.removeAttributes('ptime');
    else this.setAttribute('ptime', String(ms));
  }

  /** a=maxptime in milliseconds (RFC 8866 §6.5). */
  get maxptime(): number | undefined {
    const v = this.getAttribute('maxptime');
    return v === undefined ? undefined : parseMilliseconds(v);
  }

  set maxptime(ms: number | undefined) {
    if (ms === undefined) this.removeAttributes('maxptime');
    else this.setAttribute('maxptime', String(ms));
  }

  // ---- inheritance from session level ----------------------------------------------------

  /** Direction after applying the session-level default; sendrecv when neither is written (RFC 8866 §6.7). */
  effectiveDirection(session: SessionDefaults): Direction {
    return this.direction ?? session.direction ?? 'sendrecv';
  }

  /** c= of this section, else the session-level one (RFC 8866 §5.7). */
  effectiveConnection(session: SessionDefaults): Connection | undefined {
    return this.connection ?? session.connection;
  }

  // ---- identification, ICE, DTLS, SDES -----------------------------------------------------

  /** a=mid (RFC 5888). */
  get mid(): string | undefined {
    return this.getAttribute('mid');
  }

  set mid(mid: string | undefined) {
    if (mid === undefined) this.removeAttributes('mid');
    else this.setAttribute('mid', mid);
  }

  get candidates(): IceCandidate[] {
    const out: IceCandidate[] = [];
    for (const v of this.getAttributes('candidate')) {
      const c = parseCandidate(v);
      if (c) out.push(c);
    }
    return out;
  }

  /** ICE parameters with the session-level ufrag/pwd/options as fallback (RFC 8839 §5.4). */
  ice(session: SessionDefaults): IceParameters {
    const options = this.iceOptions;
    const p: IceParameters = {
      options: options.length ? options : session.iceOptions,
      lite: session.iceLite,
      candidates: this.candidates,
      endOfCandidates: this.hasAttribute('end-of-candidates'),
    };
    const ufrag = this.iceUfrag ?? session.iceUfrag;
    const pwd = this.icePwd ?? session.icePwd;
    if (ufrag !== undefined) p.ufrag = ufrag;
    if (pwd !== undefined) p.pwd = pwd;
    return p;
  }

  get ssrcs(): SsrcAttribute[] {
    const out: SsrcAttribute[] = [];
    for (const v of this.getAttributes('ssrc')) {
      const s = parseSsrc(v);
      if (s) out.push(s);
    }
    return out;
  }

  get ssrcGroups(): SsrcGroup[] {
    const out: SsrcGroup[] = [];
    for (const v of this.getAttributes('ssrc-group')) {
      const g = parseSsrcGroup(v);
      if (g) out.push(g);
    }
    return out;
  }

  /** a=crypto (RFC 4568 SDES). */
  get cryptos(): CryptoAttribute[] {
    const out: CryptoAttribute[] = [];
    for (const v of this.getAttributes('crypto')) {
      const c = parseCrypto(v);
      if (c) out.push(c);
    }
    return out;
  }

  // ---- T.38 fax (m=image … udptl t38) -------------------------------------------------------

  /** T.38 attributes (ITU-T T.38 Annex D). Names are matched case-insensitively as deployed stacks vary. */
  get t38(): T38Parameters {
    return parseT38Attributes(this.lines);
  }

  /** True when `line` is one of this section's per-format attributes for `format`. */
  static isFormatAttribute(line: string, format: string): boolean {
    for (const name of PER_FORMAT_ATTRIBUTES) {
      const v = attributeValueOf(line, name);
      if (v !== undefined) return v.startsWith(format) && v.charAt(format.length) === ' ';
    }
    return false;
  }
}
