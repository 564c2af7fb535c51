/**
 * A small read-only map of parameters backed by one flat array: header parameters are few,
 * so a linear scan beats a hash map and construction is much cheaper (parsing hot path).
 */
export class ParamMap implements ReadonlyMap<string, string | null> {
  private readonly kv: Array<string | null>;
  // Index built once a map grows past a few entries, so hostile inputs stay linear.
  private index: Map<string, string | null> | undefined;

  constructor() {
    this.kv = [];
    this.index = undefined;
  }

  /** Parser use: adds a parameter unless the name is already present (first one wins). */
  add(name: string, value: string | null): void {
    if (this.has(name)) return;
    this.kv.push(name, value);
    if (this.index !== undefined) this.index.set(name, value);
    else if (this.kv.length > 32) this.index = new Map(this.entries());
  }

  get size(): number {
    return this.kv.length >> 1;
  }

  get(name: string): string | null | undefined {
    if (this.index !== undefined) return this.index.get(name);
    const kv = this.kv;
    for (let i = 0; i < kv.length; i += 2) if (kv[i] === name) return kv[i + 1];
    return undefined;
  }

  has(name: string): boolean {
    if (this.index !== undefined) return this.index.has(name);
    const kv = this.kv;
    for (let i = 0; i < kv.length; i += 2) if (kv[i] === name) return true;
    return false;
  }

  forEach(
    callback: (value: string | null, key: string, map: ReadonlyMap<string, string | null>) => void,
  ): void {
    for (const [k, v] of this.entries()) callback(v, k, this);
  }

  *entries(): MapIterator<[string, string | null]> {
    const kv = this.kv;
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
