// The access log is written in batches off the hot path (issue 11): every line arrives, in
// order, by close; a warning is written at once.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ProxyLog } from '../../../src/proxy/http/access-log.js';
import { removeDir, tempDir } from '../harness.js';

test('every access line is written by close, in order; warnings at once', async () => {
  const dir = await tempDir('access-log');
  try {
    const path = join(dir, 'access.jsonl');
    const log = new ProxyLog(path);
    for (let i = 0; i < 2_000; i++) {
      log.access({ method: 'GET', path: `/simple/p${i}/`, status: 200, bytes: i, ms: 0, source: 'memory' });
    }
    log.warn('upstream pypi failed');
    const beforeClose = (await readFile(path, 'utf8')).trim().split('\n');
    expect(JSON.parse(beforeClose[beforeClose.length - 1] ?? '{}')).toMatchObject({
      level: 'warn',
      message: 'upstream pypi failed',
    });
    log.access({ method: 'HEAD', path: '/last', status: 200, bytes: 0, ms: 0 });
    await log.close();
    const lines = (await readFile(path, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toHaveLength(2_002);
    expect(lines.slice(0, 2_000).map((line) => line.bytes)).toEqual(
      Array.from({ length: 2_000 }, (_, i) => i),
    );
    expect(lines[2_001]).toMatchObject({ method: 'HEAD', path: '/last' });
  } finally {
    await removeDir(dir);
  }
});
