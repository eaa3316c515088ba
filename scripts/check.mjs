// `npm run check`: the whole gate. The test run starts at once; type-check, lint and the dist
// check run one after another beside it (together ~15 s of CPU that would otherwise come
// before the first test). Each stage's output is printed in one piece when it ends, the tests'
// last, so the run still closes with jest's `N passed, N failed, N skipped` line.
// Exit code: 1 when any stage failed. Stages are package.json scripts, run as npm would.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

const scripts = JSON.parse(readFileSync('package.json', 'utf8')).scripts;
const env = {
  ...process.env,
  PATH: `${join(process.cwd(), 'node_modules', '.bin')}${delimiter}${process.env.PATH}`,
};

function runStage(name) {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', scripts[name]], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks = [];
    child.stdout.on('data', (chunk) => chunks.push(chunk));
    child.stderr.on('data', (chunk) => chunks.push(chunk));
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
  const stage = await runStage(name);
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
