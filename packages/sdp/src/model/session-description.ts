import { type MediaDescription, type SessionDefaults } from './media-description.js';
import { formatOrigin, parseGroup, parseOrigin, parseTimingValue } from './sdp-fields.js';
import { SdpValueError } from './sdp-parse-error.js';
import { SdpSection } from './sdp-section.js';
import type { Direction, Group, Origin, Timing } from './sdp-types.js';

/** RFC 8866 §5 order of session-level fields. */
const SESSION_ORDER: Record<string, number> = {
  v: 0,
  o: 1,
  s: 2,
  i: 3,
  u: 4,
  e: 5,
  p: 6,
  c: 7,
  b: 8,
  t: 9,
  r: 10,
  z: 11,
  k: 12,
  a: 13,
};

export type LineEnding = '\r\n' | '\n';

/**
 * A session description (RFC 8866): the session-level lines and the media descriptions, all kept
 * verbatim so that `parseSdp(text).toString() === text` for any text the parser accepts
 * (line terminators are normalised to the first one found; see README).
 */
export class SessionDescription extends SdpSection implements SessionDefaults {
  /** Media descriptions in m= line order. Their position is their identity in offer/answer (RFC 3264 §6). */
  readonly media: MediaDescription[];
  /** Line terminator used when serialising: CRLF per RFC 8866 §5, or LF if the input used LF. */
  eol: LineEnding;
  /** Whether the text ends with a line terminator after the last line (RFC 8866 requires it). */
  finalEol: boolean;

  constructor(lines: string[], media: MediaDescription[] = [], eol: LineEnding = '\r\n', finalEol = true) {
    super(lines);
    this.media = media;
    this.eol = eol;
    this.finalEol = finalEol;
  }

  /** A minimal valid description: v=0, o=, s=, optional c=, t=0 0. */
  static create(init: { origin: Origin; sessionName?: string; connection?: string }): SessionDescription {
    const lines = ['v=0', `o=${formatOrigin(init.origin)}`, `s=${init.sessionName ?? '-'}`];
    if (init.connection !== undefined) lines.push(`c=${init.connection}`);
    lines.push('t=0 0');
    return new SessionDescription(lines);
  }

  protected fieldOrder(type: string): number {
    return SESSION_ORDER[type] ?? 13;
  }

  /** A deep copy: edits to the copy never affect this description. */
  clone(): SessionDescription {
    return new SessionDescription(
      this.lines.slice(),
      this.media.map((m) => m.clone()),
      this.eol,
      this.finalEol,
    );
  }

  /** The SDP text (RFC 8866 §5). */
  override toString(): string {
    const eol = this.eol;
    let out = this.lines.join(eol);
    for (const m of this.media) out += eol + m.lines.join(eol);
    return this.finalEol ? out + eol : out;
  }

  // ---- session-level fields ---------------------------------------------------------------

  get version(): number {
    return Number(this.fieldValue('v') ?? '0');
  }

  get origin(): Origin {
    const o = parseOrigin(this.fieldValue('o') ?? '');
    if (!o) throw new SdpValueError('the description has no valid o= line');
    return o;
  }

  set origin(o: Origin) {
    this.setFieldValues('o', [formatOrigin(o)]);
  }

  get sessionName(): string {
    return this.fieldValue('s') ?? '';
  }

  set sessionName(s: string) {
    this.setFieldValues('s', [s]);
  }

  get uri(): string | undefined {
    return this.fieldValue('u');
  }

  get emails(): string[] {
    return this.fieldValues('e');
  }

  get phones(): string[] {
    return this.fieldValues('p');
  }

  /** t= lines, each with the r= lines that follow it (RFC 8866 §5.9–5.10). */
  get timings(): Timing[] {
    const out: Timing[] = [];
    for (const l of this.lines) {
      const type = l.charAt(0);
      if (type === 't') {
        const t = parseTimingValue(l.slice(2));
        if (t) out.push({ ...t, repeats: [] });
      } else if (type === 'r') out[out.length - 1]?.repeats.push(l.slice(2));
    }
    return out;
  }

  /** z= adjustments, raw (RFC 8866 §5.11). */
  get timeZones(): string | undefined {
    return this.fieldValue('z');
  }

  /** a=group lines (RFC 5888). */
  get groups(): Group[] {
    const out: Group[] = [];
    for (const v of this.getAttributes('group')) {
      const g = parseGroup(v);
      if (g) out.push(g);
    }
    return out;
  }

  /** mids of the first a=group:BUNDLE (RFC 9143), or [] when not bundled. */
  get bundleMids(): string[] {
    return this.groups.find((g) => g.semantics === 'BUNDLE')?.mids ?? [];
  }

  /** a=ice-lite (RFC 8839 §5.3). */
  get iceLite(): boolean {
    return this.hasAttribute('ice-lite');
  }

  // ---- media ------------------------------------------------------------------------------

  /** Appends a media description (RFC 3264 §8.1: a new stream is added at the end). */
  addMedia(m: MediaDescription): MediaDescription {
    this.media.push(m);
    return m;
  }

  /** Direction of media `index` after applying the session-level default. */
  mediaDirection(index: number): Direction {
    const m = this.media[index];
    if (!m) throw new SdpValueError(`no media description at index ${index}`);
    return m.effectiveDirection(this);
  }
}
