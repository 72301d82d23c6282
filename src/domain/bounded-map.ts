/**
 * A Map that keeps at most `limit` entries, dropping the oldest. For caches whose keys come from clients:
 * a cache keyed on input is a memory leak unless something bounds it. Oldest rather than least recently
 * used, so a hit stays a plain Map read (the calendar caches are read millions of times per analytics
 * request); their limits sit above what real traffic needs, so eviction only ever meets junk keys.
 */
export class BoundedMap<K, V> {
  readonly #entries = new Map<K, V>();

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: K): V | undefined {
    return this.#entries.get(key);
  }

  has(key: K): boolean {
    return this.#entries.has(key);
  }

  set(key: K, value: V): this {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    if (this.#entries.size > this.limit) this.#entries.delete(this.#entries.keys().next().value as K);
    return this;
  }
}
