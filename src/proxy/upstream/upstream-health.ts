// A circuit breaker per upstream, for pages. When PyPI is down, every page the store holds is
// still served, but only after its upstream request spent all its retries (about 1.75 s with the
// defaults): 115 pages cost minutes. After a few page fetches in a row failed for good, the
// upstream counts as down for a while and stored pages are served at once; the first request
// after that while asks upstream again, and one success closes the breaker.
// Slow counts as failed: a hung or trickling upstream (accepts, then never finishes) stalls pip
// as surely as a refused connection, so an answer past the page deadline opens the breaker at
// once (`tooSlow`), and a late success does not close it (page-service.ts).

export interface UpstreamHealthOptions {
  /** Failed fetches in a row that open the breaker. */
  threshold?: number;
  /** How long an open breaker keeps stored pages from asking upstream. */
  openMs?: number;
  now?: () => number;
}

export class UpstreamHealth {
  private readonly failuresInRow = new Map<string, number>();
  private readonly openUntil = new Map<string, number>();
  private readonly threshold: number;
  private readonly openMs: number;
  private readonly now: () => number;

  constructor(options: UpstreamHealthOptions = {}) {
    this.threshold = options.threshold ?? 2;
    this.openMs = options.openMs ?? 30_000;
    this.now = options.now ?? Date.now;
  }

  /** Whether stored pages of this upstream should be served without asking it. */
  isDown(upstream: string): boolean {
    return (this.openUntil.get(upstream) ?? 0) > this.now();
  }

  succeeded(upstream: string): void {
    this.failuresInRow.delete(upstream);
    this.openUntil.delete(upstream);
  }

  /** Records a fetch that ran past its deadline: open at once; true when this opened it. */
  tooSlow(upstream: string): boolean {
    this.failuresInRow.set(upstream, Math.max(this.threshold, (this.failuresInRow.get(upstream) ?? 0) + 1));
    const wasDown = this.isDown(upstream);
    this.openUntil.set(upstream, this.now() + this.openMs);
    return !wasDown;
  }

  /** Records a failed fetch; true when this failure opened the breaker. */
  failed(upstream: string): boolean {
    const failures = (this.failuresInRow.get(upstream) ?? 0) + 1;
    this.failuresInRow.set(upstream, failures);
    if (failures < this.threshold) return false;
    const wasDown = this.isDown(upstream);
    this.openUntil.set(upstream, this.now() + this.openMs);
    return !wasDown;
  }
}
