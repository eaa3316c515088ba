// The one interface every cache backend implements. Backends do not throw for service
// trouble: a restore that cannot happen is a miss, a save that cannot happen is an outcome.

export interface RestoreOutcome {
  /** The key of the entry restored, or undefined on a miss. */
  matchedKey: string | undefined;
  /** Why nothing was restored although entries may exist (service down...), for the log. */
  problem?: string;
}

export type SaveOutcome =
  | { status: 'saved' }
  | { status: 'exists'; message: string }
  | { status: 'failed'; message: string };

export interface CacheBackend {
  readonly name: 'actions' | 'local';
  /** Restores `paths` from the entry `key`, else the newest entry starting with a restore key. */
  restore(paths: string[], key: string, restoreKeys: string[]): Promise<RestoreOutcome>;
  save(paths: string[], key: string): Promise<SaveOutcome>;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
