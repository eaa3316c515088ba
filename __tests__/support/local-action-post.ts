// The post entry for the @github/local-action test. local-action runs main and post back to
// back in one process, with no `run:` step between them; this entry is that step: a real pip
// installs through the proxy with only what the main step exported (local-action's
// @actions/core stub puts exported variables in process.env), then the real post step runs.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run as postStep } from '../../src/post.js';
import { createVenv, isolatedPipEnv, pipInstall } from './pip.js';

const EXPORTED = ['PIP_INDEX_URL', 'PIP_TRUSTED_HOST', 'PIP_CACHE_DIR'];

export async function run(): Promise<void> {
  const { LOCAL_ACTION_TEST_VENV: venv, LOCAL_ACTION_TEST_PIP_LOG: log } = process.env;
  if (!venv || !log) throw new Error('LOCAL_ACTION_TEST_VENV and LOCAL_ACTION_TEST_PIP_LOG must be set');
  const exported = Object.fromEntries(EXPORTED.map((name) => [name, process.env[name] ?? '']));
  const python = await createVenv(venv);
  const pip = await pipInstall({
    python,
    args: ['-r', join(process.env.GITHUB_WORKSPACE ?? '.', 'requirements.txt')],
    env: isolatedPipEnv(exported),
  });
  writeFileSync(log, JSON.stringify({ exported, ...pip }));
  await postStep();
}
