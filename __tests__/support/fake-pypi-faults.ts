// Which requests the fake PyPI breaks, and how. Rates use a seeded PRNG so a failing run repeats.

export type Fault =
  | 'status-503'
  | 'reset-mid-body'
  | 'truncated-body'
  | 'slow'
  | 'wrong-bytes'
  // Accepts the request and never answers (until the client hangs up or the server stops).
  | 'hang'
  // Headers at once, then one body byte every `delayMs` (default 2000): never idle, never done.
  | 'trickle'
  // Chunked (no Content-Length), and the body never ends: 64 KiB after 64 KiB, fast.
  | 'endless-body'
  // The file gzip-compressed, sent with `Content-Encoding: gzip` (although identity was asked for).
  | 'gzip-encoded'
  // Chunked, the file's bytes and then 64 KiB more: longer than the size the index states.
  | 'longer-than-stated';

export interface FaultRule {
  /**
   * A string matches the exact path or its last segments (a file name works); a RegExp is tested
   * against the path. Without a path the rule matches every request to the files origin.
   */
  path?: string | RegExp;
  fault: Fault;
  /** Only the first N matching requests fault; default: all of them. */
  times?: number;
  /** Probability that a matching request faults (0..1); default 1. */
  rate?: number;
  /**
   * For 'slow': how long headers wait for the body; default is the server's slowFaultMs.
   * For 'trickle': the pause between body bytes; default 2000.
   */
  delayMs?: number;
}

/** mulberry32: tiny, seedable, good enough to pick which requests fail. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pathMatches(rule: FaultRule, origin: 'index' | 'files', pathname: string): boolean {
  if (rule.path === undefined) return origin === 'files';
  if (rule.path instanceof RegExp) return rule.path.test(pathname);
  const wanted = rule.path.replace(/^\/+/, '');
  return pathname === `/${wanted}` || pathname.endsWith(`/${wanted}`);
}

export class FaultPlan {
  private rules: { rule: FaultRule; remaining: number }[] = [];
  private readonly random: () => number;

  constructor(seed: number) {
    this.random = seededRandom(seed);
  }

  add(rule: FaultRule): void {
    this.rules.push({ rule, remaining: rule.times ?? Number.POSITIVE_INFINITY });
  }

  clear(): void {
    this.rules = [];
  }

  /** The first rule that matches and fires, consuming one of its `times`. */
  pick(origin: 'index' | 'files', pathname: string): FaultRule | null {
    for (const entry of this.rules) {
      if (entry.remaining <= 0 || !pathMatches(entry.rule, origin, pathname)) continue;
      if (entry.rule.rate !== undefined && this.random() >= entry.rule.rate) continue;
      entry.remaining -= 1;
      return entry.rule;
    }
    return null;
  }
}
