// `npm run demo`: the action twice, as two CI jobs with the same lockfile, with the proxy and the
// local backend, against a PyPI stand-in on loopback; prints what reached "PyPI" each time, and
// where the install's time went (the proxy answering, or pip itself).
// Uses the committed dist/ bundles and the test suite's runner emulation and PyPI stand-in.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
  /** pip's requests to the proxy, and how many of them the proxy answered from its store. */
  proxyRequests: number;
  fromStore: number;
  storeKB: number;
  /** Time the proxy spent answering pip (the sum over requests; pip asks one at a time). */
  proxyMs: number;
}

const POLICIES = `How the proxy treats index pages (the action picks the policy):
  revalidate  after a cache miss: each page is asked of PyPI once per run, with the stored ETag,
              so an unchanged page costs a round trip (304) and no bytes; a page that already
              lists every version the lockfile pins is not asked at all.
  frozen      after an exact hit: the restored store answers every page and file without asking
              PyPI; a file the store lacks is still fetched. New releases are not seen, which is
              what an unchanged lockfile wants.
`;

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
  console.log(`PyPI stand-in: ${pypi.indexUrl} (files on ${pypi.filesOrigin}), 30 ms a request\n`);
  console.log(POLICIES);

  const reports: JobReport[] = [];
  try {
    for (const number of [1, 2]) reports.push(await runJob(number, root, workspace, pypi));
  } finally {
    await pypi.stop();
    rmSync(root, { recursive: true, force: true });
  }
  console.log(
    '\njob  cache-hit  policy      pip requests  from store  reached PyPI  KB from PyPI  KB from store',
  );
  for (const r of reports) {
    const policy = r.cacheHit === 'true' ? 'frozen' : 'revalidate';
    const reached = r.pages + r.metadata + r.files;
    console.log(
      `${String(r.job).padEnd(5)}${r.cacheHit.padEnd(11)}${policy.padEnd(12)}${String(r.proxyRequests).padEnd(14)}${String(r.fromStore).padEnd(12)}${String(reached).padEnd(14)}${String(r.upstreamKB).padEnd(14)}${r.storeKB}`,
    );
  }
  console.log(
    '\njob  pip install ms  of which the proxy answering ms  the rest: pip starting, resolving, unpacking',
  );
  for (const r of reports) {
    console.log(
      `${String(r.job).padEnd(5)}${String(r.installMs).padEnd(16)}${String(r.proxyMs).padEnd(34)}${r.installMs - r.proxyMs}`,
    );
  }
  const [cold, warm] = reports;
  const ok = warm !== undefined && warm.pages + warm.metadata + warm.files === 0;
  if (cold && warm) {
    console.log(
      ok
        ? `\nThe second job sent none of its ${warm.proxyRequests} requests to PyPI and downloaded nothing from it (${warm.storeKB} KB came from the store). ` +
            `The proxy's share of the install fell from ${cold.proxyMs} ms to ${warm.proxyMs} ms; ` +
            "the rest of the install is pip's own work (start-up, resolution, unpacking), which no cache removes."
        : '\nThe second job still reached PyPI: see above.',
    );
  }
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
    // One RUNNER_TEMP path for both jobs, as on a runner image: the action's folders live there,
    // and their paths are part of the cache version.
    runnerTemp: join(root, 'runner-temp'),
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
    const served = readAccessLog(join(job.runnerTemp, 'pypi-cache-proxy', 'access-log.jsonl'));
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
      ...served,
    };
  } finally {
    await job.cleanup();
  }
}

/** What the proxy served pip, from its access log (JSON lines: status, bytes, ms, source). */
function readAccessLog(path: string): Pick<JobReport, 'proxyRequests' | 'fromStore' | 'storeKB' | 'proxyMs'> {
  const entries = existsSync(path)
    ? readFileSync(path, 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as { path?: string; bytes?: number; ms?: number; source?: string })
        .filter((entry) => entry.path !== undefined && !entry.path.startsWith('/-/'))
    : [];
  const stored = entries.filter((entry) => entry.source === 'store' || entry.source === 'memory');
  return {
    proxyRequests: entries.length,
    fromStore: stored.length,
    storeKB: Math.round(stored.reduce((sum, entry) => sum + (entry.bytes ?? 0), 0) / 1024),
    proxyMs: Math.round(entries.reduce((sum, entry) => sum + (entry.ms ?? 0), 0)),
  };
}

function indent(text: string): string {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('::debug::'))
    .map((line) => `   ${line}`)
    .join('\n');
}
