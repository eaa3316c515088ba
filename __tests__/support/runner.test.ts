import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { JOB_CA_VARIABLES } from '../../src/proxy/upstream/job-trust.js';
import { RunnerJob } from './runner.js';

// dist/main.js is not written yet, so these steps are small scripts that report the way an action does.
const CORE_URL = pathToFileURL(
  fileURLToPath(new URL('../../node_modules/@actions/core/lib/core.js', import.meta.url)),
);

// Raw file commands in both forms, plus workflow commands on stdout.
const MAIN = `
import { appendFileSync } from 'node:fs';
const heredoc = (name, value) => name + '<<ghadelimiter_1f2e\\n' + value + '\\nghadelimiter_1f2e\\n';
appendFileSync(process.env.GITHUB_OUTPUT, heredoc('cache-hit', 'false') + 'plain=a=b\\n' + heredoc('multi', 'one\\ntwo'));
appendFileSync(process.env.GITHUB_ENV, heredoc('PIP_INDEX_URL', 'http://127.0.0.1:1/simple') + 'GITHUB_SHA=forged\\n');
appendFileSync(process.env.GITHUB_STATE, heredoc('cache-key', 'pip-Linux-abc') + 'proxy-pid=123\\n');
appendFileSync(process.env.GITHUB_PATH, '/opt/fake/bin\\n');
appendFileSync(process.env.GITHUB_STEP_SUMMARY, '### main\\n');
console.log('::warning::first line%0Asecond 100%25');
console.log('::error file=a.py,line=3::broken');
console.log('::notice title=Note::hello');
console.log('::debug::not an annotation');
console.log(JSON.stringify({ input: process.env['INPUT_DEPENDENCY-FILES'], leak: process.env.INPUT_LEAKED ?? null }));
`;

// Post goes through @actions/core, as dist/post.js will.
const POST = `
import * as core from '${CORE_URL.href}';
core.setOutput('seen', JSON.stringify({
  key: core.getState('cache-key'),
  pid: core.getState('proxy-pid'),
  index: process.env.PIP_INDEX_URL,
  sha: process.env.GITHUB_SHA,
  input: core.getInput('dependency-files'),
}));
await core.summary.addRaw('saved').write();
core.warning('post warning');
process.exitCode = 3;
`;

let workspace: string;
let job: RunnerJob | undefined;

beforeEach(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'runner-test-'));
});

afterEach(async () => {
  await job?.cleanup();
  job = undefined;
  await rm(workspace, { recursive: true, force: true });
});

async function script(name: string, source: string): Promise<string> {
  const path = join(workspace, name);
  await writeFile(path, source);
  return path;
}

test('main and post: inputs, file commands in both forms, annotations, state and env carried over', async () => {
  process.env.INPUT_LEAKED = 'from the test process';
  try {
    job = new RunnerJob({
      workspace,
      inputs: { 'dependency-files': 'requirements.txt' },
      entryPoints: { main: await script('main.mjs', MAIN), post: await script('post.mjs', POST) },
      actionYml: false,
    });
    const main = await job.runMain();
    expect(main.exitCode).toBe(0);
    expect(main.outputs).toEqual({ 'cache-hit': 'false', plain: 'a=b', multi: 'one\ntwo' });
    expect(main.exportedEnv).toEqual({ PIP_INDEX_URL: 'http://127.0.0.1:1/simple', GITHUB_SHA: 'forged' });
    expect(main.state).toEqual({ 'cache-key': 'pip-Linux-abc', 'proxy-pid': '123' });
    expect(main.summary).toBe('### main\n');
    expect(main.warnings).toEqual(['first line\nsecond 100%']);
    expect(main.errors).toEqual(['broken']);
    expect(main.notices).toEqual(['hello']);
    expect(JSON.parse(main.stdout.trim().split('\n').at(-1) ?? '')).toEqual({
      input: 'requirements.txt',
      leak: null,
    });

    const between = job.stepEnv();
    expect(between.PIP_INDEX_URL).toBe('http://127.0.0.1:1/simple');
    expect(between.PATH.split(':')[0]).toBe('/opt/fake/bin');
    expect(between.INPUT_LEAKED).toBeUndefined();

    const post = await job.runPost();
    expect(post.exitCode).toBe(3);
    // The runner refuses GITHUB_* from GITHUB_ENV.
    expect(JSON.parse(post.outputs.seen)).toEqual({
      key: 'pip-Linux-abc',
      pid: '123',
      index: 'http://127.0.0.1:1/simple',
      sha: 'ffac537e6cbbf934b08745a378932722df287a53',
      input: 'requirements.txt',
    });
    expect(post.summary).toBe('saved');
    expect(post.warnings).toEqual(['post warning']);
    expect(post.state).toEqual({});
  } finally {
    delete process.env.INPUT_LEAKED;
  }
});

test('inputs default from action.yml when not given', async () => {
  const actionYml = await script(
    'action.yml',
    [
      'name: x',
      'inputs:',
      '  dependency-files:',
      '    description: |',
      '      Globs, one a line.',
      "    default: 'requirements*.txt'",
      '  proxy:',
      '    default: false',
      '  token:',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: an action.yml expression, not a JS template
      '    default: ${{ github.token }}',
      'runs:',
      '  using: node24',
    ].join('\n'),
  );
  const show = await script(
    'show.mjs',
    'console.log(JSON.stringify(Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith("INPUT_")))))',
  );
  job = new RunnerJob({
    workspace,
    inputs: { proxy: 'true' },
    actionYml,
    entryPoints: { main: show, post: show },
  });
  const main = await job.runMain();
  expect(JSON.parse(main.stdout)).toEqual({
    'INPUT_DEPENDENCY-FILES': 'requirements*.txt',
    INPUT_PROXY: 'true',
    INPUT_TOKEN: 'fake-github-token',
  });
});

// Orphans are found through /proc, as the runner does on Linux.
(process.platform === 'linux' ? test : test.skip)(
  'a detached child holding the pipes does not hang the step, and cleanup kills it',
  async () => {
    const main = await script(
      'daemon.mjs',
      `import { spawn } from 'node:child_process';
     const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { detached: true, stdio: 'inherit' });
     child.unref();
     console.log(child.pid);`,
    );
    job = new RunnerJob({
      workspace,
      entryPoints: { main, post: main },
      actionYml: false,
      outputGraceMs: 300,
    });
    const result = await job.runMain();
    expect(result.outputHeldOpen).toBe(true);
    const pid = Number(result.stdout.trim());
    expect(await isRunning(pid)).toBe(true);
    await job.cleanup();
    job = undefined;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await isRunning(pid)).toBe(false);
  },
);

/** A killed orphan may stay a zombie where nothing reaps it (pid 1 in a container). */
async function isRunning(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat !== '' && !/^\d+ \(.*\) Z/.test(stat);
}

test('a step that hangs fails after the step timeout', async () => {
  const hang = await script('hang.mjs', 'setInterval(() => {}, 1000);');
  job = new RunnerJob({
    workspace,
    entryPoints: { main: hang, post: hang },
    actionYml: false,
    stepTimeoutMs: 500,
  });
  await expect(job.runMain()).rejects.toThrow(/timed out after 500 ms/);
});

// Jest's globalSetup leaves them out: a GitHub-hosted runner sets none, and this machine names its
// own bundle in all of them (steps and daemons took it for a job's CA files).
test("the run's steps, daemons and pip runs inherit none of the machine's TLS trust variables", () => {
  const { MACHINE_TRUST_VARIABLES } = createRequire(import.meta.url)(
    '../../scripts/jest-shared-fixtures.cjs',
  );
  // Every variable the daemon reads a job's CA files from (NODE_EXTRA_CA_CERTS among them).
  expect(MACHINE_TRUST_VARIABLES).toEqual(expect.arrayContaining(JOB_CA_VARIABLES));
  expect((MACHINE_TRUST_VARIABLES as string[]).filter((name) => process.env[name] !== undefined)).toEqual([]);
});
