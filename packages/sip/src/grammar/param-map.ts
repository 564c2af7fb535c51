/**
 * A small read-only map of parameters backed by one flat array: header parameters are few,
 * so a linear scan beats a hash map and construction is much cheaper (parsing hot path).
 * The header parser records parameters as offsets into the header value (`addSpan`); names
 * and values are only sliced when the map is iterated, and `get` compares in place.
 */
export class ParamMap implements ReadonlyMap<string, string | null> {
  // Name/value pairs already sliced; allocated on first use (most maps stay as spans).
  private kv: Array<string | null> | undefined;
  // Index built once a map grows past a few entries, so hostile inputs stay linear.
  private index: Map<string, string | null> | undefined;
  // Parameters not sliced yet: nameStart, nameEnd, valueStart, valueEnd (-1: no value) in src.
  private spans: number[] | undefined;
  private src: string;

  constructor() {
    this.kv = undefined;
    this.index = undefined;
    this.spans = undefined;
    this.src = '';
  }

  /** Parser use: records the parameter src[nameStart, nameEnd) = src[valueStart, valueEnd). */
  addSpan(src: string, nameStart: number, nameEnd: number, valueStart: number, valueEnd: number): void {
    this.src = src;
    // A literal for the first parameter: no growth step for the usual one-parameter map.
    if (this.spans === undefined) this.spans = [nameStart, nameEnd, valueStart, valueEnd];
    else this.spans.push(nameStart, nameEnd, valueStart, valueEnd);
  }

  /** Slices the recorded spans into the name/value list (names lower-cased, first one wins). */
  private flush(): void {
    const spans = this.spans;
    if (spans === undefined) return;
    this.spans = undefined;
    const src = this.src;
    for (let k = 0; k < spans.length; k += 4) {
      const ve = spans[k + 3]!;
      this.add(src.slice(spans[k], spans[k + 1]).toLowerCase(), ve < 0 ? null : src.slice(spans[k + 2], ve));
    }
  }

  /** Offset in spans of the first parameter named `name` (lower case), -1 when none. */
  private findSpan(spans: number[], name: string): number {
    const src = this.src;
    const len = name.length;
    for (let k = 0; k < spans.length; k += 4) {
      const ns = spans[k]!;
      if (spans[k + 1]! - ns !== len) continue;
      let i = 0;
      for (; i < len; i++) {
        let c = src.charCodeAt(ns + i);
        if (c >= 65 && c <= 90) c += 32;
        if (c !== name.charCodeAt(i)) break;
      }
      if (i === len) return k;
    }
    return -1;
  }

  /** Parser use: adds a parameter unless the name is already present (first one wins). */
  add(name: string, value: string | null): void {
    this.flush();
    if (this.has(name)) return;
    const kv = (this.kv ??= []);
    kv.push(name, value);
    if (this.index !== undefined) this.index.set(name, value);
    else if (kv.length > 32) this.index = new Map(this.entries());
  }

  get size(): number {
    this.flush();
    return this.kv === undefined ? 0 : this.kv.length >> 1;
  }

  get(name: string): string | null | undefined {
    const spans = this.spans;
    if (spans !== undefined) {
      // In-place lookup only while every parameter is still a span (no earlier sliced one).
      if (spans.length <= 64 && this.kv === undefined) {
        const k = this.findSpan(spans, name);
        if (k < 0) return undefined;
        const ve = spans[k + 3]!;
        return ve < 0 ? null : this.src.slice(spans[k + 2], ve);
      }
      this.flush();
    }
    if (this.index !== undefined) return this.index.get(name);
    const kv = this.kv;
    if (kv === undefined) return undefined;
    for (let i = 0; i < kv.length; i += 2) if (kv[i] === name) return kv[i + 1];
    return undefined;
  }

  has(name: string): boolean {
    const spans = this.spans;
    if (spans !== undefined) {
      if (spans.length <= 64 && this.kv === undefined) return this.findSpan(spans, name) >= 0;
      this.flush();
    }
    if (this.index !== undefined) return this.index.has(name);
    const kv = this.kv;
    if (kv === undefined) return false;
    for (let i = 0; i < kv.length; i += 2) if (kv[i] === name) return true;
    return false;
  }

  forEach(
    callback: (value: string | null, key: string, map: ReadonlyMap<string, string | null>) => void,
  ): void {
    for (const [k, v] of this.entries()) callback(v, k, this);
  }

  *entries(): MapIterator<[string, string | null]> {
    this.flush();
    const kv = this.kv;
    if (kv === undefined) return;
    for (let i = 0; i < kv.length; i += 2) yield [kv[i]!, kv[i + 1] ?? null];
  }

  *keys(): MapIterator<string> {
    for (const [k] of this.entries()) yield k;
  }

  *values(): MapIterator<string | null> {
    for (const [, v] of this.entries()) yield v;
  }

  [Symbol.iterator](): MapIterator<[string, string | null]> {
    return this.entries();
  }
}
