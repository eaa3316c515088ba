// Runs a TypeScript entry that exports `main(argv): Promise<number>`: Node 20 cannot run
// TypeScript, so the entry is bundled with esbuild (a devDependency) into a temp folder first:
// one under node_modules/.cache, so the packages it leaves external resolve from the repository.
// Usage: node scripts/run-ts.mjs <entry.ts> [args...]
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node scripts/run-ts.mjs <entry.ts> [args...]');
  process.exit(2);
}
const cache = join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', '.cache');
mkdirSync(cache, { recursive: true });
const outdir = mkdtempSync(join(cache, 'run-ts-'));
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
