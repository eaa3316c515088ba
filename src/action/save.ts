import { rm, rmdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import * as core from '@actions/core';
import { readCacheMode } from '../backend/cache-mode.js';
import { readDefaultBranch } from '../backend/cache-scope.js';
import { chooseBackend } from '../backend/choose.js';
import { INSTALLERS } from '../installers/installers.js';
import { generationKey } from '../key/generation.js';
import type { Manifest } from '../proxy/index.js';
import { countStoredFiles, pruneStoreToManifest } from '../proxy/launcher.js';
import { formatBytes, measureFolders } from '../system/folder-size.js';
import { currentPlatform } from '../system/platform.js';
import { checkPrivateFolder } from '../system/private-folder.js';
import { loadInputs, type PruneChoice, type SavePolicy } from './inputs.js';
import { inSharedTempDir } from './job-folders.js';
import { type StoppedProxy, stopJobProxy } from './job-proxy.js';
import { loadMainState, type MainState } from './state.js';
import { type SaveReport, writeJobSummary } from './summary.js';
import { recordWheelhouse, removeAlteredWheelhouseFiles, withWheelhouseFiles } from './wheelhouse.js';

// The post step: [stop proxy] -> prune -> save unless exact hit -> summary. It never fails the
// job: every problem becomes a warning, and the job's result stays what its own steps made it.

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
  const proxy = state.proxy ? await stopJobProxy(state.proxy) : undefined;
  if (proxy?.problem) core.warning(`${proxy.problem}. Saving what the store holds.`);
  if (proxy?.stats) core.info(proxyLogLine(proxy));

  const inputs = loadInputs();
  const report = await saveIfWanted(state, inputs.save, inputs.prune, proxy);
  core.info(`Cache ${state.key}: ${report.outcome}.`);
  await writeJobSummary(state, report, proxy).catch((error: unknown) =>
    core.info(`No job summary: ${String(error)}`),
  );
  if (inSharedTempDir(process.env)) await removeSharedJobFolders(state);
}

/**
 * Outside RUNNER_TEMP nobody empties the job's folder after the job, and each job has its own
 * (job-folders.ts): the cache folders go once saved (or not), the entry holds them. The daemon's
 * folder stays: the tunnel relay and the CA bundle later post steps trust are in it. Under
 * RUNNER_TEMP they stay for the runner to remove (and for steps after ours, as before).
 */
async function removeSharedJobFolders(state: MainState): Promise<void> {
  for (const root of ownedRoots(state)) {
    try {
      await checkPrivateFolder(root, { shared: true });
      await rm(root, { recursive: true, force: true });
      // The job's folder too, when the daemon left nothing in it (no proxy).
      await rmdir(dirname(root)).catch(() => undefined);
    } catch (error: unknown) {
      core.info(
        `The job's folder ${root} is left as it is: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}

/** The folders the job's own cache folders are in (the main step's paths, not worked out again). */
function ownedRoots(state: MainState): Set<string> {
  return new Set(state.folders.filter((folder) => folder.owned).map((folder) => dirname(folder.path)));
}

async function saveIfWanted(
  state: MainState,
  policy: SavePolicy,
  prune: PruneChoice,
  proxy: StoppedProxy | undefined,
): Promise<SaveReport> {
  const mode = readCacheMode(process.env);
  if (!mode.writable) {
    return { outcome: `skipped: ACTIONS_CACHE_MODE is '${mode.name}', so this job may not save caches` };
  }
  const repair = state.cacheHit ? repairReason(proxy) : undefined;
  if (state.cacheHit && !repair) return { outcome: 'skipped: exact hit, the entry is unchanged' };
  const skip = skipReason(policy, process.env);
  if (skip) return { outcome: `skipped: ${skip}` };
  const key = generationKey(state.key, (state.generation ?? 0) + 1);
  if (repair) core.info(`${repair}: saving it again as ${key}, so the next job finds everything there.`);

  // The main step made the job's folder; it must still be this user's alone before anything in
  // it is pruned (a shared temp dir outside Actions). A PrivateFolderError skips the save. The
  // folder checked is the one the main step's paths are in, not one worked out again here: the
  // post step's TMPDIR may differ, and those paths are what is pruned and saved.
  const shared = inSharedTempDir(process.env);
  for (const root of ownedRoots(state)) await checkPrivateFolder(root, { shared });

  // Files the wheelhouse gave pip were used too, though the proxy never saw them.
  const manifest =
    proxy?.manifest && state.wheelhouse
      ? withWheelhouseFiles(proxy.manifest, state.wheelhouse.files)
      : proxy?.manifest;
  if (state.proxy && state.wheelhouse) {
    const altered = await removeAlteredWheelhouseFiles(state.proxy.storeDir, state.wheelhouse.files);
    if (altered.length > 0)
      core.warning(
        `A step wrote into the wheelhouse folder ${state.wheelhouse.path}, changing the store's bytes of ${altered.join(', ')} (hard links): removed from the store before saving; write elsewhere (pip wheel -w, pip download -d).`,
      );
  }
  if (state.proxy) {
    await pruneProxyStore(state.proxy.storeDir, manifest);
    await recordWheelhouseQuietly(state, manifest, proxy);
  }
  // With the proxy, its store keeps every wheel, so the installers' downloads are dead weight.
  // Without it, pruning would drop what the next job needs to download again; so would it when
  // file URLs sent the installs past a proxy that is not intercepting (uv sync, pylock.toml,
  // `name @ URL` requirements).
  if (prune === 'on' || (prune === 'auto' && state.proxy && !state.downloadsPastProxy)) {
    await pruneInstallerCaches(state);
  } else if (prune === 'auto' && state.proxy) {
    core.info(
      "Installer caches kept as they are (prune: auto): a lockfile's URLs or `name @ URL` requirements sent downloads past the proxy (not intercepting), so these folders hold them.",
    );
  }

  // An entry is restored as an exact hit from then on (frozen, never saved again): one that
  // cannot serve the job must not take the key. A store without a file serves nothing, unless
  // the installs went past the proxy (a pylock.toml in index mode): then the installer caches,
  // kept above, are what serves the next job.
  if (state.proxy && !state.downloadsPastProxy && (await countStoredFiles(state.proxy.storeDir)) === 0) {
    return {
      outcome:
        'not saved: the proxy store holds no file (nothing was installed through the proxy), so the entry could not serve the next job',
    };
  }
  const paths = state.folders.map((folder) => folder.path);
  const size = await measureFolders(paths);
  if (size.files === 0) return { outcome: 'skipped: the cache folders are empty' };

  const backend = await chooseBackend(state.backend, state.localCacheDir, currentPlatform());
  const started = Date.now();
  const outcome = await backend.save(paths, key);
  const ms = Date.now() - started;
  if (outcome.status === 'saved') return { outcome: 'saved', bytes: size.bytes, ms };
  if (outcome.status === 'failed') core.warning(`Cache not saved: ${outcome.message}.`);
  return { outcome: `not saved: ${outcome.message}` };
}

/**
 * Why an exact hit's entry needs saving again, or undefined. The proxy fetched bytes from
 * upstream although the entry was restored for this very key: the entry lacks them. A 404
 * (pip's self-check) fetches no bytes and adds nothing worth a new generation.
 */
function repairReason(proxy: StoppedProxy | undefined): string | undefined {
  const stats = proxy?.stats;
  if (!stats || stats.fetchedUpstream === 0 || stats.upstreamBytes === 0) return undefined;
  return `The entry restored for this key lacked what the proxy then fetched from upstream (${stats.fetchedUpstream} requests, ${formatBytes(stats.upstreamBytes)})`;
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

/** Keeps only what this job used, so the entry never grows past one job's needs. */
async function pruneProxyStore(storeDir: string, manifest: Manifest | undefined): Promise<void> {
  if (!manifest) {
    core.warning('The proxy left no record of what the job used: its whole store is saved.');
    return;
  }
  const { kept, removed } = await pruneStoreToManifest(storeDir, manifest);
  core.info(`Proxy store: kept ${kept} entries this job used, removed ${removed} it did not.`);
}

/** The wheelhouse record for the next job (wheelhouse.ts); a failure only costs that offer. */
async function recordWheelhouseQuietly(
  state: MainState,
  manifest: Manifest | undefined,
  proxy: StoppedProxy | undefined,
): Promise<void> {
  if (!state.proxy) return;
  const bypass =
    proxy?.problem ??
    (state.downloadsPastProxy
      ? "a lockfile's URLs or `name @ URL` requirements sent downloads past the proxy"
      : undefined);
  try {
    core.info(
      await recordWheelhouse({
        storeDir: state.proxy.storeDir,
        key: state.key,
        pins: state.requirementPins,
        manifest,
        bypass,
      }),
    );
  } catch (error: unknown) {
    core.info(`Wheelhouse: not recorded for the next job: ${String(error)}.`);
  }
}

async function pruneInstallerCaches(state: MainState): Promise<void> {
  // Only job-owned folders: a folder the user named (PIP_CACHE_DIR) holds more than this job's work.
  for (const folder of state.folders.filter((candidate) => candidate.owned)) {
    const installer = INSTALLERS.find((candidate) => candidate.name === folder.owner);
    if (!installer) continue;
    try {
      core.info(`Pruned the ${installer.name} cache: ${await installer.prune(folder.path, process.env)}.`);
    } catch (error: unknown) {
      core.warning(`Could not prune the ${installer.name} cache: ${String(error)}`);
    }
  }
}

function proxyLogLine({ stats }: StoppedProxy): string {
  if (!stats) return '';
  // "0 B not downloaded again" says nothing: the clause appears only when the store served bytes.
  const saved = stats.storeBytes > 0 ? `, ${formatBytes(stats.storeBytes)} not downloaded again` : '';
  return (
    `PyPI proxy: ${stats.requests} requests, ${stats.servedFromStore} from the store, ` +
    `${stats.fetchedUpstream} from upstream (${formatBytes(stats.upstreamBytes)}), ` +
    `${stats.revalidated} revalidated (304, nothing downloaded)${saved}, ${stats.errors} errors.`
  );
}
