// A map bounded by the bytes its values hold, least recently used out first: rendered pages are
// kept for cheap repeats, but memory follows a budget, not the number of pages seen (issue 9,
// case 14: four 195 MB pages kept 2.3 GB resident when nothing was ever evicted).

export class ByteBudgetCache<V> {
  private readonly entries = new Map<string, { value: V; bytes: number }>();
  private held = 0;

  constructor(readonly budgetBytes: number) {}

  /** Bytes the values held now; at most the budget, except a single value larger than it. */
  get heldBytes(): number {
    return this.held;
  }

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    // Map order is insertion order: re-inserting marks it most recently used.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  /** Stores `value`; a value over the whole budget is not kept at all. */
  set(key: string, value: V, bytes: number): void {
    this.delete(key);
    if (bytes > this.budgetBytes) return;
    this.entries.set(key, { value, bytes });
    this.held += bytes;
    for (const [oldest, entry] of this.entries) {
      if (this.held <= this.budgetBytes) break;
      this.entries.delete(oldest);
      this.held -= entry.bytes;
    }
  }

  /** Corrects the size of a value that grew after it was stored (a gzip added later). */
  resize(key: string, bytes: number): void {
    const entry = this.entries.get(key);
    if (entry) this.set(key, entry.value, bytes);
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.held -= entry.bytes;
  }
}
