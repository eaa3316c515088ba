// `npm run demo`: the action twice, as two CI jobs with the same lockfile, with the proxy and the
// local backend, against a PyPI stand-in on loopback; prints what reached "PyPI" each time.
// Uses the committed dist/ bundles and the test suite's runner emulation and PyPI stand-in.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { jobEnv, pipInstallStep } from '../__tests__/support/cache-job.js';
import { FakePypi } from '../__tests__/support/fake-pypi.js';
import { RunnerJob } from '../__tests__/support/runner.js';
import { buildWheels } from '../__tests__/support/wheels.js';

interface JobReport {
  job: number;
  cacheHit: string;
  pages: number;
  metadata: number;
  files: number;
  upstreamKB: number;
  installMs: number;
}

export async function main(): Promise<number> {
  const root = mkdtempSync(join(tmpdir(), 'pypi-cache-demo-'));
  const wheels = await buildWheels(join(root, 'wheels'), [
    { name: 'webapp', version: '2.0.0', dependencies: ['http-core>=1.0', 'json-tools', 'tiny-util'] },
    { name: 'http-core', version: '1.4.0', dependencies: ['tiny-util'], payloadBytes: 2_000_000 },
    { name: 'json-tools', version: '0.9.1', payloadBytes: 500_000 },
    { name: 'tiny-util', version: '0.3.0' },
  ]);
  // 30 ms a request: what a round trip to PyPI costs from a CI runner.
  const pypi = new FakePypi({ wheels, latencyMs: 30 });
  await pypi.start();
  const workspace = join(root, 'repo');
  mkdirSync(workspace);
  writeFileSync(
    join(workspace, 'requirements.txt'),
    'webapp==2.0.0\nhttp-core==1.4.0\njson-tools==0.9.1\ntiny-util==0.3.0\n',
  );
  console.log(`PyPI stand-in: ${pypi.indexUrl} (files on ${pypi.filesOrigin})\n`);

  const reports: JobReport[] = [];
  try {
    for (const number of [1, 2]) reports.push(await runJob(number, root, workspace, pypi));
  } finally {
    await pypi.stop();
    rmSync(root, { recursive: true, force: true });
  }
  console.log('\njob  cache-hit  upstream pages  metadata  files  upstream KB  pip install ms');
  for (const r of reports) {
    console.log(
      `${String(r.job).padEnd(5)}${r.cacheHit.padEnd(11)}${String(r.pages).padEnd(16)}${String(r.metadata).padEnd(10)}${String(r.files).padEnd(7)}${String(r.upstreamKB).padEnd(13)}${r.installMs}`,
    );
  }
  const warm = reports[1];
  const ok = warm !== undefined && warm.pages + warm.metadata + warm.files === 0;
  console.log(
    ok ? '\nThe second job reached PyPI not at all.' : '\nThe second job still reached PyPI: see above.',
  );
  return ok ? 0 : 1;
}

async function runJob(number: number, root: string, workspace: string, pypi: FakePypi): Promise<JobReport> {
  // A fresh runner: the same paths, empty folders. Only the local backend's folder persists.
  const xdg = join(root, 'runner-cache');
  rmSync(xdg, { recursive: true, force: true });
  const job = new RunnerJob({
    workspace,
    inputs: {
      installer: 'pip',
      proxy: 'true',
      'index-url': pypi.indexUrl,
      'cache-backend': 'local',
      'local-cache-dir': join(root, 'local-backend'),
    },
    env: jobEnv(undefined, { XDG_CACHE_HOME: xdg }),
    // npm runs scripts from the package root; this file runs from a temp bundle.
    entryPoints: { main: resolve('dist/main.js'), post: resolve('dist/post.js') },
    actionYml: resolve('action.yml'),
  });
  try {
    pypi.resetRequests();
    console.log(`== job ${number}: main step`);
    const main = await job.runMain();
    if (main.exitCode !== 0) throw new Error(`main step failed:\n${main.stdout}${main.stderr}`);
    console.log(indent(main.stdout));
    console.log(
      `== job ${number}: pip install -r requirements.txt (PIP_INDEX_URL=${main.exportedEnv.PIP_INDEX_URL})`,
    );
    const started = Date.now();
    const install = await pipInstallStep(job, join(root, `venv-${number}`), [
      '-r',
      join(workspace, 'requirements.txt'),
    ]);
    const installMs = Date.now() - started;
    if (install.code !== 0) throw new Error(`pip install failed:\n${install.stderr}`);
    const counts = pypi.counts();
    const upstreamKB = Math.round(pypi.requests.reduce((sum, r) => sum + r.bytes, 0) / 1024);
    console.log(`== job ${number}: post step`);
    console.log(indent((await job.runPost()).stdout));
    return {
      job: number,
      cacheHit: main.outputs['cache-hit'] ?? '',
      pages: counts.pages,
      metadata: counts.metadata,
      files: counts.files,
      upstreamKB,
      installMs,
    };
  } finally {
    await job.cleanup();
  }
}

function indent(text: string): string {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('::debug::'))
    .map((line) => `   ${line}`)
    .join('\n');
}
