import { readFileSync } from 'node:fs';
import * as core from '@actions/core';
import { chooseBackend } from './backend/choose.js';
import { measureFolders } from './folder-size.js';
import { loadInputs, type PruneChoice, type SavePolicy } from './inputs.js';
import { INSTALLERS } from './installers.js';
import { currentPlatform } from './platform.js';
import { loadMainState, type MainState } from './state.js';
import { type SaveReport, writeJobSummary } from './summary.js';

// The post step: [prune] -> save unless exact hit -> summary. It never fails the job: every
// problem becomes a warning, and the job's result stays what the job's own steps made it.

export async function run(): Promise<void> {
  try {
    await saveStep();
  } catch (error: unknown) {
    core.warning(`Cache not saved: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function saveStep(): Promise<void> {
  const state = loadMainState();
  if (!state) {
    core.info('The main step did not finish; there is nothing to save.');
    return;
  }
  const inputs = loadInputs();
  const report = await saveIfWanted(state, inputs.save, inputs.prune);
  core.info(`Cache ${state.key}: ${report.outcome}.`);
  await writeJobSummary(state, report).catch((error: unknown) =>
    core.info(`No job summary: ${String(error)}`),
  );
}

async function saveIfWanted(state: MainState, policy: SavePolicy, prune: PruneChoice): Promise<SaveReport> {
  if (state.cacheHit) return { outcome: 'skipped: exact hit, the entry is unchanged' };
  const skip = skipReason(policy, process.env);
  if (skip) return { outcome: `skipped: ${skip}` };

  // Without the proxy, pruning would drop the downloads the next job needs again.
  if (prune === 'on') await pruneFolders(state);
  const paths = state.folders.map((folder) => folder.path);
  const size = await measureFolders(paths);
  if (size.files === 0) return { outcome: 'skipped: the cache folders are empty' };

  const backend = chooseBackend(state.backend, state.localCacheDir, currentPlatform());
  const started = Date.now();
  const outcome = await backend.save(paths, state.key);
  const ms = Date.now() - started;
  if (outcome.status === 'saved') return { outcome: 'saved', bytes: size.bytes, ms };
  if (outcome.status === 'failed') core.warning(`Cache not saved: ${outcome.message}.`);
  return { outcome: `not saved: ${outcome.message}` };
}

/** Why `save` says no on this run, or undefined to save. */
export function skipReason(policy: SavePolicy, env: NodeJS.ProcessEnv): string | undefined {
  if (policy === 'never') return "the 'save' input is false";
  if (policy === 'always') return undefined;
  const defaultBranch = readDefaultBranch(env.GITHUB_EVENT_PATH);
  if (!defaultBranch) return "'save: default-branch' but the event names no default branch";
  if (env.GITHUB_REF !== `refs/heads/${defaultBranch}`) {
    return `'save: default-branch' and ${env.GITHUB_REF ?? 'this ref'} is not refs/heads/${defaultBranch}`;
  }
  return undefined;
}

function readDefaultBranch(eventPath: string | undefined): string | undefined {
  if (!eventPath) return undefined;
  try {
    const event = JSON.parse(readFileSync(eventPath, 'utf8')) as { repository?: { default_branch?: string } };
    return event.repository?.default_branch;
  } catch {
    return undefined;
  }
}

async function pruneFolders(state: MainState): Promise<void> {
  for (const folder of state.folders) {
    const installer = INSTALLERS.find((candidate) => candidate.name === folder.installer);
    if (!installer) continue;
    try {
      core.info(`Pruned the ${installer.name} cache: ${await installer.prune(folder.path, process.env)}.`);
    } catch (error: unknown) {
      core.warning(`Could not prune the ${installer.name} cache: ${String(error)}`);
    }
  }
}
