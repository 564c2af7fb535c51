import type { Attribute, Bandwidth, Connection, Direction, Fingerprint, SetupRole } from './sdp-types.js';
import { formatConnection, parseBandwidth, parseConnection, parseFingerprint } from './sdp-fields.js';

const DIRECTIONS: readonly string[] = ['sendrecv', 'sendonly', 'recvonly', 'inactive'];

/** The value of `a=name[:value]` in `line`: '' for a flag, undefined when the line is another attribute. */
export function attributeValueOf(line: string, name: string): string | undefined {
  if (line.charCodeAt(0) !== 97 /* a */ || !line.startsWith(name, 2)) return undefined;
  const end = 2 + name.length;
  if (line.length === end) return '';
  return line.charCodeAt(end) === 58 /* : */ ? line.slice(end + 1) : undefined;
}

/**
 * A run of SDP lines (the session part or one media section), kept verbatim as `x=value` strings
 * without line terminators. Keeping the raw lines is what makes parse → serialize lossless; typed
 * accessors parse on demand and typed setters rewrite only the lines they own.
 */
export abstract class SdpSection {
  /** Raw lines, e.g. `a=rtpmap:0 PCMU/8000`. Editing them directly is allowed but unchecked. */
  readonly lines: string[];

  protected constructor(lines: string[]) {
    this.lines = lines;
  }

  /** Field order used when a setter inserts a new line (RFC 8866 §5). */
  protected abstract fieldOrder(type: string): number;

  // ---- generic line access -------------------------------------------------------------

  /** Values of every `type=` line, in order. */
  fieldValues(type: string): string[] {
    const out: string[] = [];
    for (const l of this.lines) if (l.charAt(0) === type) out.push(l.slice(2));
    return out;
  }

  /** Value of the first `type=` line. */
  fieldValue(type: string): string | undefined {
    for (const l of this.lines) if (l.charAt(0) === type) return l.slice(2);
    return undefined;
  }

  /** Replaces every `type=` line by `values` (at the first one's place, or at its RFC position). */
  setFieldValues(type: string, values: readonly string[]): void {
    let at = this.lines.findIndex((l) => l.charAt(0) === type);
    for (let i = this.lines.length - 1; i >= 0; i--) {
      if ((this.lines[i] as string).charAt(0) === type) this.lines.splice(i, 1);
    }
    if (at < 0) at = this.insertionIndex(type);
    this.lines.splice(at, 0, ...values.map((v) => `${type}=${v}`));
  }

  private insertionIndex(type: string): number {
    const order = this.fieldOrder(type);
    let at = this.lines.length;
    for (let i = 0; i < this.lines.length; i++) {
      if (this.fieldOrder((this.lines[i] as string).charAt(0)) > order) {
        at = i;
        break;
      }
    }
    return at;
  }

  // ---- attributes ----------------------------------------------------------------------

  /** Every a= line as name/value, in order. */
  get attributes(): Attribute[] {
    const out: Attribute[] = [];
    for (const l of this.lines) {
      if (l.charCodeAt(0) !== 97) continue;
      const colon = l.indexOf(':');
      out.push(colon < 0 ? { name: l.slice(2) } : { name: l.slice(2, colon), value: l.slice(colon + 1) });
    }
    return out;
  }

  hasAttribute(name: string): boolean {
    for (const l of this.lines) if (attributeValueOf(l, name) !== undefined) return true;
    return false;
  }

  /** Value of the first `a=name`: '' for a flag attribute, undefined when absent. */
  getAttribute(name: string): string | undefined {
    for (const l of this.lines) {
      const v = attributeValueOf(l, name);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  /** Values of every `a=name` line, in order. */
  getAttributes(name: string): string[] {
    const out: string[] = [];
    for (const l of this.lines) {
      const v = attributeValueOf(l, name);
      if (v !== undefined) out.push(v);
    }
    return out;
  }

  /** Appends `a=name[:value]` at the end of the section. */
  addAttribute(name: string, value?: string): void {
    this.lines.push(value === undefined ? `a=${name}` : `a=${name}:${value}`);
  }

  /** Replaces the first `a=name` (removing later ones) or appends it. */
  setAttribute(name: string, value?: string): void {
    const line = value === undefined ? `a=${name}` : `a=${name}:${value}`;
    const first = this.lines.findIndex((l) => attributeValueOf(l, name) !== undefined);
    if (first < 0) {
      this.lines.push(line);
      return;
    }
    this.lines[first] = line;
    this.removeAttributes(name, (_v, i) => i > first);
  }

  /** Removes `a=name` lines (those matching `predicate` if given). Returns how many were removed. */
  removeAttributes(name: string, predicate?: (value: string, lineIndex: number) => boolean): number {
    let removed = 0;
    for (let i = this.lines.length - 1; i >= 0; i--) {
      const v = attributeValueOf(this.lines[i] as string, name);
      if (v !== undefined && (!predicate || predicate(v, i))) {
        this.lines.splice(i, 1);
        removed++;
      }
    }
    return removed;
  }

  // ---- fields and attributes common to both levels ------------------------------------

  /** c= of this section (not inherited). */
  get connection(): Connection | undefined {
    const v = this.fieldValue('c');
    return v === undefined ? undefined : parseConnection(v);
  }

  set connection(c: Connection | undefined) {
    this.setFieldValues('c', c ? [formatConnection(c)] : []);
  }

  get bandwidths(): Bandwidth[] {
    const out: Bandwidth[] = [];
    for (const v of this.fieldValues('b')) {
      const b = parseBandwidth(v);
      if (b) out.push(b);
    }
    return out;
  }

  set bandwidths(bs: readonly Bandwidth[]) {
    this.setFieldValues(
      'b',
      bs.map((b) => `${b.type}:${b.value}`),
    );
  }

  get information(): string | undefined {
    return this.fieldValue('i');
  }

  get encryptionKey(): string | undefined {
    return this.fieldValue('k');
  }

  /** Direction attribute written in this section (not inherited), undefined when absent. */
  get direction(): Direction | undefined {
    for (const l of this.lines) {
      if (l.charCodeAt(0) !== 97) continue;
      const n = l.slice(2);
      if (DIRECTIONS.includes(n)) return n as Direction;
    }
    return undefined;
  }

  /** Sets the direction attribute in place of the current one (or appends it); undefined removes it. */
  set direction(d: Direction | undefined) {
    const at = this.lines.findIndex((l) => l.charCodeAt(0) === 97 && DIRECTIONS.includes(l.slice(2)));
    for (let i = this.lines.length - 1; i > at && at >= 0; i--) {
      const l = this.lines[i] as string;
      if (l.charCodeAt(0) === 97 && DIRECTIONS.includes(l.slice(2))) this.lines.splice(i, 1);
    }
    if (d === undefined) {
      if (at >= 0) this.lines.splice(at, 1);
    } else if (at >= 0) this.lines[at] = `a=${d}`;
    else this.lines.push(`a=${d}`);
  }

  get fingerprints(): Fingerprint[] {
    const out: Fingerprint[] = [];
    for (const v of this.getAttributes('fingerprint')) {
      const f = parseFingerprint(v);
      if (f) out.push(f);
    }
    return out;
  }

  get setup(): SetupRole | undefined {
    const v = this.getAttribute('setup');
    return v === 'active' || v === 'passive' || v === 'actpass' || v === 'holdconn' ? v : undefined;
  }

  get iceUfrag(): string | undefined {
    return this.getAttribute('ice-ufrag');
  }

  get icePwd(): string | undefined {
    return this.getAttribute('ice-pwd');
  }

  get iceOptions(): string[] {
    const v = this.getAttribute('ice-options');
    return v ? v.split(' ').filter((x) => x.length > 0) : [];
  }
}
