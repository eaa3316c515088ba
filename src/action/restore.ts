import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import * as core from '@actions/core';
import { readCacheMode } from '../backend/cache-mode.js';
import { chooseBackend } from '../backend/choose.js';
import { LocalCacheBackend } from '../backend/local.js';
import { type Installer, selectInstallers } from '../installers/installers.js';
import { detectPythonVersion } from '../installers/python-version.js';
import { findDependencyFiles } from '../key/dependency-files.js';
import { hasDirectUrlRequirements } from '../key/direct-url-requirements.js';
import { generationKey, generationOf, generationPrefix } from '../key/generation.js';
import { deriveCacheKey, hashDependencyFiles, KeyTooLongError } from '../key/key.js';
import { hasUrlLockfile, readLockedUrls } from '../key/locked-urls.js';
import { readLockfilePins } from '../key/lockfile-pins.js';
import { readPinnedRequirements } from '../key/pinned-requirements.js';
import { PORTS_IN_USE_EXIT_CODE, ProxyStartError } from '../proxy/launcher.js';
import { formatBytes, measureFolders } from '../system/folder-size.js';
import { currentPlatform, osKeyName, type Platform } from '../system/platform.js';
import { dockerBuildSettings } from './docker-build.js';
import { type ActionInputs, InputError, loadInputs } from './inputs.js';
import { chooseProxyMode, interceptEnvironment, type ModeDecision } from './intercept-env.js';
import { interceptedMirrors } from './intercept-hosts.js';
import { ensureJobFolder, installerFolder, jobFolderRoot, proxyStoreFolder } from './job-folders.js';
import { type JobHttpsProxy, JobHttpsProxyError, readJobHttpsProxy } from './job-https-proxy.js';
import {
  describeUpstreams,
  installerEnvironment,
  jobProxyWorkDir,
  type ProxyState,
  resolveUpstreams,
  startJobProxy,
  type Upstreams,
} from './job-proxy.js';
import { DEFAULT_PROXY_PORT, proxyPortCandidates, proxyPortWarning } from './proxy-port.js';
import { type CachedFolder, saveMainState } from './state.js';
import { type OfferedWheelhouse, offerWheelhouse } from './wheelhouse.js';

// The main step: inputs -> key -> restore -> [start proxy] -> environment, outputs and state.

export async function run(): Promise<void> {
  try {
    await restoreStep(loadInputs(), currentPlatform());
  } catch (error: unknown) {
    // Configuration errors name their input; anything else is reported as it is.
    const message = error instanceof Error ? error.message : String(error);
    core.setFailed(error instanceof InputError ? message : `pypi-cache-action: ${message}`);
  }
}

interface CachePlan {
  workspace: string;
  files: string[];
  installers: Installer[];
  folders: CachedFolder[];
  key: string;
  restoreKeys: string[];
  upstreams: Upstreams | undefined;
  mode: ModeDecision | undefined;
  /** The job's own HTTPS proxy, which the daemon's connections go through. */
  outbound: JobHttpsProxy | undefined;
  /** Upstreams listed in intercept-hosts: intercepted and cached like PyPI's hosts. */
  mirrors: string[];
}

async function restoreStep(inputs: ActionInputs, platform: Platform): Promise<void> {
  const plan = await planCache(inputs, platform);
  const paths = plan.folders.map((folder) => folder.path);
  // Made here (mode 0700), or refused if another user could have planted it: outside Actions
  // it sits in the machine's shared temp dir, and what is under it is emptied and pruned.
  if (plan.folders.some((folder) => folder.owned))
    await ensureJobFolder(jobFolderRoot(platform), platform.env);
  // A job-owned folder starts empty, as on a fresh runner: what is in it after the restore is
  // the entry, not leftovers of an earlier job on a persistent machine.
  await Promise.all(
    plan.folders
      .filter((folder) => folder.owned)
      .map((folder) => rm(folder.path, { recursive: true, force: true })),
  );
  await Promise.all(paths.map((path) => mkdir(path, { recursive: true })));

  const backend = await chooseBackend(inputs.cacheBackend, inputs.localCacheDir, platform);
  const restored = await restoreIfReadable(backend, paths, plan, platform.env);
  const generation = generationOf(plan.key, restored.matchedKey);
  const cacheHit = generation !== undefined;
  const restoredBytes = restored.matchedKey ? (await measureFolders(paths)).bytes : 0;
  if (restored.ms !== undefined) {
    logOutcome(restored.matchedKey, cacheHit, restoredBytes, restored.ms, restored.problem);
  }

  const proxy = plan.upstreams ? await startProxy(inputs, plan, cacheHit, platform) : undefined;
  const requirements = proxy ? readPinnedRequirements(plan.workspace, plan.files) : undefined;
  const wheelhouse =
    proxy && requirements
      ? await wheelhouseFor(plan, cacheHit, proxy.storeDir, requirements, platform)
      : undefined;
  // The key a save of this job uses: the first generation, or the next one when a hit is repaired.
  const saveKey = generationKey(plan.key, (generation ?? 0) + 1);
  await publish(plan, saveKey, cacheHit, restored.matchedKey, proxy, inputs.proxyHost);
  core.setOutput('wheelhouse', wheelhouse?.path ?? '');
  saveMainState({
    key: plan.key,
    generation,
    restoreKeys: plan.restoreKeys,
    matchedKey: restored.matchedKey,
    cacheHit,
    folders: plan.folders,
    backend: backend.name,
    localCacheDir: backend instanceof LocalCacheBackend ? backend.dir : undefined,
    restoredBytes,
    restoreMs: restored.ms ?? 0,
    restoreProblem: restored.problem,
    proxy,
    downloadsPastProxy:
      proxy !== undefined &&
      proxy.mode !== 'intercept' &&
      (hasUrlLockfile(plan.files) || hasDirectUrlRequirements(plan.workspace, plan.files)),
    requirementPins: requirements?.pinned ? requirements.pins : undefined,
    wheelhouse,
  });
}

/** The wheelhouse when safe (wheelhouse.ts), with a log line either way. */
async function wheelhouseFor(
  plan: CachePlan,
  cacheHit: boolean,
  storeDir: string,
  requirements: ReturnType<typeof readPinnedRequirements>,
  platform: Platform,
): Promise<OfferedWheelhouse | undefined> {
  const folder = join(jobFolderRoot(platform), 'wheelhouse');
  try {
    const { offered, reason } = await offerWheelhouse({
      key: plan.key,
      cacheHit,
      storeDir,
      requirements,
      folder,
    });
    core.info(
      offered
        ? `Wheelhouse: ${reason}; \`pip install --no-index --find-links ${folder} -r <requirements file>\` installs from them with no server (output wheelhouse).`
        : `Wheelhouse: not offered (${reason}); install through the proxy's index.`,
    );
    return offered;
  } catch (error: unknown) {
    // The index route still works: a wheelhouse that cannot be built is not worth failing for.
    core.warning(`Wheelhouse not offered: ${error instanceof Error ? error.message : String(error)}`);
    await rm(folder, { recursive: true, force: true }).catch(() => undefined);
    return undefined;
  }
}

/** Restores unless ACTIONS_CACHE_MODE says this job may not read caches (`none`, `write-only`). */
async function restoreIfReadable(
  backend: Awaited<ReturnType<typeof chooseBackend>>,
  paths: string[],
  plan: CachePlan,
  env: NodeJS.ProcessEnv,
): Promise<{ matchedKey: string | undefined; problem?: string; ms?: number }> {
  const mode = readCacheMode(env);
  if (mode.warning) core.warning(mode.warning);
  if (!mode.readable) {
    core.info(`Not restoring: ACTIONS_CACHE_MODE is '${mode.name}', so this job may not read caches.`);
    return { matchedKey: undefined };
  }
  core.info(`Restoring ${paths.join(', ')} with key ${plan.key} from the ${backend.name} cache`);
  if (backend instanceof LocalCacheBackend) logLocalScope(backend);
  const started = Date.now();
  // Every generation of the key first (newest wins), then the fallback prefix.
  const lookup = generationPrefix(plan.key);
  const restored = await backend.restore(paths, lookup, [lookup, ...plan.restoreKeys]);
  if (restored.problem) core.warning(`Cache not restored: ${restored.problem}. The job goes on without it.`);
  return { ...restored, ms: Date.now() - started };
}

/** The refs whose entries the local folder may give this run, and what narrowed them. */
function logLocalScope(backend: LocalCacheBackend): void {
  const { ownRef, restoreRefs, notes } = backend.scope;
  for (const note of notes) core.info(note);
  if (ownRef)
    core.info(
      `Local cache scope: entries saved on ${restoreRefs.join(', then ')}; a save goes to ${ownRef}.`,
    );
}

/** Everything that decides what is cached and under which key. */
async function planCache(inputs: ActionInputs, platform: Platform): Promise<CachePlan> {
  const workspace = platform.env.GITHUB_WORKSPACE || process.cwd();
  const files = findDependencyFiles(workspace, inputs.dependencyFiles);
  if (files.length === 0) {
    core.warning(
      `No dependency files match 'dependency-files' (${inputs.dependencyFiles.join(', ')}): the cache key will never change.`,
    );
  } else {
    core.info(`Key from ${files.length} dependency file(s): ${files.join(', ')}`);
  }
  const installers = selectInstallers(inputs.installer, files, platform.env);
  // Both look-ups start a child process (python, `pip cache dir`); run them side by side.
  const pythonVersion = inputs.pythonVersion ?? detectPythonVersion(platform.env);
  const folders: CachedFolder[] = installers.map((installer) => installerFolder(installer, platform));
  // Read (and masked) first: a job proxy the daemon cannot use turns the proxy off.
  const jobProxy = inputs.proxy ? jobHttpsProxyOrWarning(platform.env) : undefined;
  const upstreams =
    inputs.proxy && jobProxy?.usable !== false
      ? resolveUpstreams(inputs.indexUrl, inputs.extraIndexUrls, platform.env)
      : undefined;
  if (upstreams) folders.push(proxyStoreFolder(platform));

  const { key, restoreKey } = keyOrInputError(
    {
      prefix: inputs.keyPrefix,
      os: osKeyName(platform.os),
      arch: platform.arch,
      pythonVersion: await pythonVersion,
      installers: installers.map((installer) => installer.name),
      suffix: inputs.keySuffix,
    },
    hashDependencyFiles(workspace, files, upstreams?.keyParts),
  );
  return {
    workspace,
    files,
    installers,
    folders,
    key,
    restoreKeys: inputs.restoreFallback ? [restoreKey] : [],
    upstreams,
    mode: upstreams ? chooseProxyMode(inputs.proxyMode, files) : undefined,
    outbound: upstreams && jobProxy?.usable ? jobProxy.proxy : undefined,
    // Checked before anything is restored: a host that names no configured index is a typo.
    mirrors: upstreams ? interceptedMirrors(inputs.interceptHosts, upstreams) : [],
  };
}

async function startProxy(
  inputs: ActionInputs,
  plan: CachePlan,
  cacheHit: boolean,
  platform: Platform,
): Promise<ProxyState> {
  // An exact hit holds every page and file this lockfile needs: PyPI need not be asked at all.
  const policy = cacheHit ? 'frozen' : 'revalidate';
  const proxy = await startJobProxy({
    upstreams: plan.upstreams as Upstreams,
    allowFileHosts: inputs.allowFileHosts,
    storeDir: proxyStoreFolder(platform).path,
    host: inputs.proxyHost,
    port: proxyPortCandidates(inputs.proxyPort),
    policy,
    pins: readLockfilePins(plan.workspace, plan.files),
    env: platform.env,
    outbound: plan.outbound,
    intercept:
      plan.mode?.mode === 'intercept'
        ? {
            lockedUrls: readLockedUrls(plan.workspace, plan.files),
            mirrors: plan.mirrors,
          }
        : undefined,
  }).catch((error: unknown) => {
    throw takenPortAsInputError(error, inputs);
  });
  const portWarning = proxyPortWarning(inputs.proxyHost, Number(new URL(proxy.url).port), inputs.proxyPort);
  if (portWarning) core.warning(portWarning);
  core.info(
    `PyPI proxy at ${proxy.url}/simple/ (${policy}), upstream ${plan.upstreams ? describeUpstreams(plan.upstreams) : ''}`,
  );
  core.info(`Proxy mode: ${proxy.mode ?? 'index'} (${plan.mode?.reason}).`);
  if (plan.outbound) {
    core.info(
      `The job's HTTPS_PROXY ${plan.outbound.display}: the proxy's own fetches and its tunnels for other hosts go through it (hosts in NO_PROXY directly).`,
    );
  }
  if (proxy.mode === 'intercept') {
    const hosts = ['pypi.org', 'files.pythonhosted.org', ...inputs.interceptHosts];
    core.info(
      `Interception: HTTPS_PROXY points at the proxy, which answers for ${[...new Set(hosts)].join(', ')} with a CA made for this job (SSL_CERT_FILE, PIP_CERT, REQUESTS_CA_BUNDLE name a bundle with it); other hosts, private indexes not in intercept-hosts included, are plain tunnels.`,
    );
  } else if (inputs.interceptHosts.length > 0) {
    core.warning(
      `intercept-hosts (${inputs.interceptHosts.join(', ')}) applies under proxy-mode intercept only; in index mode every configured index goes through the proxy's routes already.`,
    );
  }
  if (
    proxy.mode !== 'intercept' &&
    plan.files.some((file) => file === 'uv.lock' || file.endsWith('/uv.lock'))
  ) {
    // https://github.com/astral-sh/uv/issues/19625
    core.info(
      'A uv.lock is present: `uv sync --frozen` downloads from the URLs in the lock, not from an index, so for those downloads the uv cache folder carries the job, not the proxy.',
    );
  }
  return proxy;
}

/** Environment for later steps, and the outputs. */
async function publish(
  plan: CachePlan,
  saveKey: string,
  cacheHit: boolean,
  matchedKey: string | undefined,
  proxy: ProxyState | undefined,
  proxyHost: string,
) {
  for (const installer of plan.installers) {
    const folder = plan.folders.find((candidate) => candidate.owner === installer.name);
    if (folder) core.exportVariable(installer.cacheDirVariable, folder.path);
  }
  if (proxy && plan.upstreams) {
    const variables =
      proxy.mode === 'intercept' && proxy.caCertPem
        ? await interceptEnvironment({
            proxyUrl: proxy.url,
            caCertPem: proxy.caCertPem,
            bundlePath: join(jobProxyWorkDir(process.env), 'ca-bundle.pem'),
            env: process.env,
            outbound: plan.outbound,
          })
        : installerEnvironment(proxy.url, plan.upstreams.extras, process.env);
    for (const [name, value] of Object.entries(variables)) core.exportVariable(name, value);
  }
  const folderOf = (owner: CachedFolder['owner']) =>
    plan.folders.find((folder) => folder.owner === owner)?.path ?? '';
  core.setOutput('cache-hit', String(cacheHit));
  core.setOutput('cache-key', saveKey);
  core.setOutput('cache-matched-key', matchedKey ?? '');
  core.setOutput('pip-cache-dir', folderOf('pip'));
  core.setOutput('uv-cache-dir', folderOf('uv'));
  core.setOutput('proxy-url', proxy?.url ?? '');
  core.setOutput('proxy-mode', proxy ? (proxy.mode ?? 'index') : '');
  const docker = proxy
    ? dockerBuildSettings(proxyHost, Number(new URL(proxy.url).port), plan.upstreams?.extras ?? [])
    : undefined;
  core.setOutput('docker-build-args', docker?.buildArgs.join('\n') ?? '');
  core.setOutput('docker-network', docker?.network ?? '');
}

function logOutcome(
  matchedKey: string | undefined,
  cacheHit: boolean,
  bytes: number,
  ms: number,
  problem: string | undefined,
): void {
  if (cacheHit) {
    core.info(`Cache hit: restored ${formatBytes(bytes)} in ${ms} ms.`);
  } else if (matchedKey) {
    core.info(
      `Restored the fallback entry ${matchedKey} (${formatBytes(bytes)} in ${ms} ms); a new entry is saved.`,
    );
  } else if (problem) {
    // The post step asks the service again and saves only if it answers then.
    core.info('Cache miss: nothing restored; the post step saves only if the cache service answers then.');
  } else {
    core.info('Cache miss: nothing restored; a new entry is saved after the job.');
  }
}

/** A proxy-port another process holds is the input's fault: say so, and what to do. */
function takenPortAsInputError(error: unknown, inputs: ActionInputs): unknown {
  if (!(error instanceof ProxyStartError) || error.exitCode !== PORTS_IN_USE_EXIT_CODE) return error;
  if (inputs.proxyPort === undefined) return error; // every candidate, 0 (any port) included
  return new InputError(
    'proxy-port',
    `port ${inputs.proxyPort} on ${inputs.proxyHost} is in use by another process; leave proxy-port empty (the first free port from ${DEFAULT_PROXY_PORT}) or choose a free one.`,
  );
}

/**
 * The job's HTTPS proxy. One the daemon cannot use (socks5://, a path) is a warning and no proxy
 * for this job: the daemon's own fetches would bypass it, where a network may allow nothing
 * else, and the job's installs keep using it directly, as without this action.
 */
function jobHttpsProxyOrWarning(
  env: NodeJS.ProcessEnv,
): { usable: true; proxy: JobHttpsProxy | undefined } | { usable: false } {
  try {
    return { usable: true, proxy: readJobHttpsProxy(env) };
  } catch (error: unknown) {
    if (!(error instanceof JobHttpsProxyError)) throw error;
    core.warning(
      `proxy: ${error.message} The proxy is off for this job: the cache folders are restored and saved as with proxy: false, and pip and uv keep reaching PyPI through that proxy themselves.`,
    );
    return { usable: false };
  }
}

/** A key over the service's limit is the prefix's or suffix's fault: say so as an input error. */
function keyOrInputError(...args: Parameters<typeof deriveCacheKey>): ReturnType<typeof deriveCacheKey> {
  try {
    return deriveCacheKey(...args);
  } catch (error: unknown) {
    if (error instanceof KeyTooLongError) throw new InputError('key-prefix', error.message);
    throw error;
  }
}
