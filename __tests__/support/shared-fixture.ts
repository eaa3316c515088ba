// A fixture built once per jest run and shared by every test file that asks for it, on either
// worker: the first to ask builds it while the others wait for its result. The run's folder comes
// from scripts/jest-shared-fixtures.cjs (jest's globalSetup); without it (another runner), each
// file builds its own below `ownDir`. The fixture must not be changed by its users.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SHARED_DIR = process.env.PYPI_CACHE_ACTION_TEST_SHARED_DIR;
const POLL_MS = 100;

/**
 * `build(dir)` once for the run, its JSON result for every caller. A build that throws throws
 * for every caller, with its message. Waits at most `timeoutMs` for another file's build.
 */
export async function sharedFixture<T>(
  name: string,
  ownDir: string,
  build: (dir: string) => Promise<T>,
  timeoutMs = 170_000,
): Promise<T> {
  if (!SHARED_DIR) return build(join(ownDir, name));
  const dir = join(SHARED_DIR, name);
  const resultFile = `${dir}.json`;
  try {
    // mkdir is atomic: exactly one caller of the run gets to build.
    mkdirSync(`${dir}.building`);
  } catch {
    return waitForResult<T>(resultFile, name, timeoutMs);
  }
  let outcome: { value: T } | { error: string };
  try {
    outcome = { value: await build(dir) };
  } catch (error: unknown) {
    outcome = { error: error instanceof Error ? error.message : String(error) };
  }
  writeFileSync(`${resultFile}.tmp`, JSON.stringify(outcome));
  renameSync(`${resultFile}.tmp`, resultFile);
  if ('error' in outcome) throw new Error(outcome.error);
  return outcome.value;
}

async function waitForResult<T>(resultFile: string, name: string, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(resultFile)) {
    if (Date.now() > deadline)
      throw new Error(`the shared fixture ${name} was not built within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  const outcome = JSON.parse(readFileSync(resultFile, 'utf8')) as { value: T } | { error: string };
  if ('error' in outcome) throw new Error(`the shared fixture ${name} failed to build: ${outcome.error}`);
  return outcome.value;
}
