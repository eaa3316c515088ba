// `npm run e2e:docker`: bundles __tests__/docker/e2e-docker.ts two folders below the repository
// (bench/results/, ignored), so the runner emulation's paths relative to its module (dist/,
// action.yml, examples/) resolve as they do from the sources.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = join(root, 'bench', 'results', 'e2e-docker.bundle.mjs');
mkdirSync(dirname(outfile), { recursive: true });
await build({
  entryPoints: [join(root, '__tests__', 'docker', 'e2e-docker.ts')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  outfile,
  logLevel: 'warning',
});
const { main } = await import(pathToFileURL(outfile).href);
process.exitCode = await main(process.argv.slice(2));
