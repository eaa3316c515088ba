// `npm run check`: the whole gate. The test run starts at once; type-check, lint and the dist
// check run one after another beside it (together ~15 s of CPU that would otherwise come
// before the first test), at the lowest CPU priority where `nice` exists: the tests keep the
// cores and these take the moments the tests leave. At equal priority they fought the tests'
// workers, pip runs and action steps for 2 cores: 14 clean-clone runs of each, alternating, the check
// took ~3.5 s longer and ~3% more CPU (the type-check still ended before the tests).
// Each stage's output is printed in one piece when it ends, the tests' last, so the run still
// closes with jest's `N passed, N failed, N skipped` line.
// Exit code: 1 when any stage failed. Stages are package.json scripts, run as npm would.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

const scripts = JSON.parse(readFileSync('package.json', 'utf8')).scripts;
const env = {
  ...process.env,
  PATH: `${join(process.cwd(), 'node_modules', '.bin')}${delimiter}${process.env.PATH}`,
};

const hasNice = env.PATH.split(delimiter).some((folder) => folder && existsSync(join(folder, 'nice')));
const LOWEST_PRIORITY = ['nice', '-n', '19'];

function runStage(name, { lowPriority = false } = {}) {
  const started = Date.now();
  const [command, ...args] = [...(lowPriority && hasNice ? LOWEST_PRIORITY : []), 'sh', '-c', scripts[name]];
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks = [];
    child.stdout.on('data', (chunk) => chunks.push(chunk));
    child.stderr.on('data', (chunk) => chunks.push(chunk));
    child.on('error', (error) => chunks.push(Buffer.from(`${command} did not start: ${error.message}\n`)));
    child.on('close', (code, signal) => {
      resolve({
        name,
        ok: code === 0,
        code: code ?? signal,
        seconds: (Date.now() - started) / 1000,
        output: Buffer.concat(chunks).toString(),
      });
    });
  });
}

function print(stage) {
  process.stdout.write(
    `\n== ${stage.name}: ${stage.ok ? 'ok' : `FAILED (${stage.code})`} in ${stage.seconds.toFixed(1)} s\n`,
  );
  process.stdout.write(stage.output);
}

const tests = runStage('test');
const others = [];
for (const name of ['typecheck', 'lint', 'check-dist']) {
  const stage = await runStage(name, { lowPriority: true });
  print(stage);
  others.push(stage);
}
const test = await tests;
const all = [...others, test];
process.stdout.write(
  `\n== check: ${all.map((s) => `${s.name} ${s.ok ? 'ok' : 'FAILED'} ${s.seconds.toFixed(1)} s`).join(', ')}\n`,
);
print(test);
process.exitCode = all.every((s) => s.ok) ? 0 : 1;
