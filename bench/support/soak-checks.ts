// What the soak checks after each scenario: the store's files against their names, and whether
// pip succeeded or failed clearly.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { PipJobResult } from '../context.js';

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Every stored file hashed against its name; files in tmp/ counted apart. */
export async function auditStore(store: string): Promise<{ files: number; bad: number; temp: number }> {
  const list = async (dir: string) =>
    (await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []))
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name));
  const files = await list(join(store, 'files', 'sha256'));
  let bad = 0;
  for (const file of files) if ((await sha256Of(file)) !== file.split('/').pop()) bad++;
  return { files: files.length, bad, temp: (await list(join(store, 'tmp'))).length };
}

export type Outcome = 'succeeded' | 'failed with a clear error' | 'failed unclearly';

export function outcomeOf(result: PipJobResult): { outcome: Outcome; error: string } {
  if (result.code === 0) return { outcome: 'succeeded', error: '' };
  const error = result.stderr.split('\n').find((line) => line.startsWith('ERROR:')) ?? '';
  const clear = error !== '' && !result.stderr.includes('Traceback');
  return { outcome: clear ? 'failed with a clear error' : 'failed unclearly', error: error.slice(0, 160) };
}
