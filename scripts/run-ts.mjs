// Runs a TypeScript entry that exports `main(argv): Promise<number>`: Node 20 cannot run
// TypeScript, so the entry is bundled with esbuild (a devDependency) into a temp folder first.
// Usage: node scripts/run-ts.mjs <entry.ts> [args...]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node scripts/run-ts.mjs <entry.ts> [args...]');
  process.exit(2);
}
const outdir = mkdtempSync(join(tmpdir(), 'run-ts-'));
const outfile = join(outdir, 'entry.mjs');
await build({
  entryPoints: [resolve(entry)],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  outfile,
  logLevel: 'warning',
});
try {
  const { main } = await import(pathToFileURL(outfile).href);
  process.exitCode = await main(args);
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
