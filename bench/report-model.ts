// What each run hands to the report writer; results.json holds a list of these.

export interface Table {
  caption?: string;
  columns: string[];
  rows: (string | number)[][];
}

export interface Goal {
  goal: string;
  /** null: not measured in this run. */
  met: boolean | null;
  detail: string;
}

export interface RunReport {
  id: string;
  title: string;
  method: string[];
  tables: Table[];
  goals: Goal[];
  notes: string[];
  durationMs: number;
  /** Raw figures for charts and later reading. */
  data?: unknown;
}

export interface BenchResults {
  startedAt: string;
  mode: 'full' | 'quick';
  machine: Record<string, string>;
  corpus: Record<string, string | number>;
  upstream: { latencyMs: number; bytesPerSecond: number };
  runs: RunReport[];
  totalMs: number;
}
