import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);
import {
  INSTALLERS,
  checkPrivateFolder,
  chooseBackend,
  currentPlatform,
  generationKey,
  inSharedTempDir,
  isEntryModule,
  loadInputs,
  loadMainState,
  readCacheMode,
  readDefaultBranch,
  recordWheelhouse,
  removeAlteredWheelhouseFiles,
  stopJobProxy,
  withWheelhouseFiles
} from "./chunk-SXEXTSXZ.js";
import "./chunk-M6CONMEC.js";
import {
  countStoredFiles,
  formatBytes,
  measureFolders,
  pruneStoreToManifest
} from "./chunk-4NQIETS3.js";
import "./chunk-K6M7SHUM.js";
import {
  info,
  summary,
  warning
} from "./chunk-OEW76XB5.js";
import {
  __name
} from "./chunk-WTG47EWH.js";

// src/action/save.ts
import { rm, rmdir } from "node:fs/promises";
import { dirname } from "node:path";

// src/action/summary.ts
async function writeJobSummary(state, save, proxy) {
  const result = state.cacheHit ? "exact hit" : state.matchedKey ? "fallback hit" : "miss";
  const restored = state.matchedKey ? `${formatBytes(state.restoredBytes)} in ${state.restoreMs} ms` : state.restoreProblem ?? "nothing";
  const saved = save.bytes !== void 0 ? `${save.outcome}: ${formatBytes(save.bytes)} in ${save.ms} ms` : save.outcome;
  const rows = [
    ["Key", code(generationKey(state.key, (state.generation ?? 0) + 1))],
    ["Result", result],
    ["Matched key", state.matchedKey ? code(state.matchedKey) : "-"],
    ["Restored", escapeHtml(restored)],
    ["Saved", escapeHtml(saved)],
    ["Cached folders", state.folders.map((folder) => `${folder.owner}: ${code(folder.path)}`).join("<br>")],
    ["Backend", state.backend],
    ...state.proxy ? proxyRows(state.proxy.url, state.proxy.policy, proxy) : []
  ];
  await summary.addHeading("PyPI cache", 3).addTable([
    [
      { data: "Item", header: true },
      { data: "Value", header: true }
    ],
    ...rows
  ]).write();
}
__name(writeJobSummary, "writeJobSummary");
function proxyRows(url, policy, proxy) {
  const stats = proxy?.stats;
  const rows = [["Proxy", `${code(`${url}/simple/`)} (${policy})`]];
  if (proxy?.problem) rows.push(["Proxy problem", escapeHtml(proxy.problem)]);
  if (!stats) return rows;
  return [
    ...rows,
    ["Requests served", String(stats.requests)],
    ["From the store", String(stats.servedFromStore)],
    ["From upstream", `${stats.fetchedUpstream} requests, ${formatBytes(stats.upstreamBytes)}`],
    ["Revalidated (304)", `${stats.revalidated} requests, nothing downloaded`],
    ["Bytes saved", formatBytes(stats.storeBytes)]
  ];
}
__name(proxyRows, "proxyRows");
function code(text) {
  return `<code>${escapeHtml(text)}</code>`;
}
__name(code, "code");
function escapeHtml(text) {
  return text.replace(/[&<>"]/g, (char) => `&#${char.charCodeAt(0)};`);
}
__name(escapeHtml, "escapeHtml");

// src/action/save.ts
async function run() {
  try {
    await saveStep();
  } catch (error) {
    warning(`Cache not saved: ${error instanceof Error ? error.message : String(error)}`);
  }
}
__name(run, "run");
async function saveStep() {
  const state = loadMainState();
  if (!state) {
    info("The main step did not finish; there is nothing to save.");
    return;
  }
  const proxy = state.proxy ? await stopJobProxy(state.proxy) : void 0;
  if (proxy?.problem) warning(`${proxy.problem}. Saving what the store holds.`);
  if (proxy?.stats) info(proxyLogLine(proxy));
  const inputs = loadInputs();
  const report = await saveIfWanted(state, inputs.save, inputs.prune, proxy);
  info(`Cache ${state.key}: ${report.outcome}.`);
  await writeJobSummary(state, report, proxy).catch(
    (error) => info(`No job summary: ${String(error)}`)
  );
  if (inSharedTempDir(process.env)) await removeSharedJobFolders(state);
}
__name(saveStep, "saveStep");
async function removeSharedJobFolders(state) {
  for (const root of ownedRoots(state)) {
    try {
      await checkPrivateFolder(root, { shared: true });
      await rm(root, { recursive: true, force: true });
      await rmdir(dirname(root)).catch(() => void 0);
    } catch (error) {
      info(
        `The job's folder ${root} is left as it is: ${error instanceof Error ? error.message : String(error)}`
      );
    }
  }
}
__name(removeSharedJobFolders, "removeSharedJobFolders");
function ownedRoots(state) {
  return new Set(state.folders.filter((folder) => folder.owned).map((folder) => dirname(folder.path)));
}
__name(ownedRoots, "ownedRoots");
async function saveIfWanted(state, policy, prune, proxy) {
  const mode = readCacheMode(process.env);
  if (!mode.writable) {
    return { outcome: `skipped: ACTIONS_CACHE_MODE is '${mode.name}', so this job may not save caches` };
  }
  const repair = state.cacheHit ? repairReason(proxy) : void 0;
  if (state.cacheHit && !repair) return { outcome: "skipped: exact hit, the entry is unchanged" };
  const skip = skipReason(policy, process.env);
  if (skip) return { outcome: `skipped: ${skip}` };
  const key = generationKey(state.key, (state.generation ?? 0) + 1);
  if (repair) info(`${repair}: saving it again as ${key}, so the next job finds everything there.`);
  const shared = inSharedTempDir(process.env);
  for (const root of ownedRoots(state)) await checkPrivateFolder(root, { shared });
  const manifest = proxy?.manifest && state.wheelhouse ? withWheelhouseFiles(proxy.manifest, state.wheelhouse.files) : proxy?.manifest;
  if (state.proxy && state.wheelhouse) {
    const altered = await removeAlteredWheelhouseFiles(state.proxy.storeDir, state.wheelhouse.files);
    if (altered.length > 0)
      warning(
        `A step wrote into the wheelhouse folder ${state.wheelhouse.path}, changing the store's bytes of ${altered.join(", ")} (hard links): removed from the store before saving; write elsewhere (pip wheel -w, pip download -d).`
      );
  }
  if (state.proxy) {
    await pruneProxyStore(state.proxy.storeDir, manifest);
    await recordWheelhouseQuietly(state, manifest, proxy);
  }
  if (prune === "on" || prune === "auto" && state.proxy && !state.downloadsPastProxy) {
    await pruneInstallerCaches(state);
  } else if (prune === "auto" && state.proxy) {
    info(
      "Installer caches kept as they are (prune: auto): a lockfile's URLs or `name @ URL` requirements sent downloads past the proxy (not intercepting), so these folders hold them."
    );
  }
  if (state.proxy && !state.downloadsPastProxy && await countStoredFiles(state.proxy.storeDir) === 0) {
    return {
      outcome: "not saved: the proxy store holds no file (nothing was installed through the proxy), so the entry could not serve the next job"
    };
  }
  const paths = state.folders.map((folder) => folder.path);
  const size = await measureFolders(paths);
  if (size.files === 0) return { outcome: "skipped: the cache folders are empty" };
  const backend = await chooseBackend(state.backend, state.localCacheDir, currentPlatform());
  const started = Date.now();
  const outcome = await backend.save(paths, key);
  const ms = Date.now() - started;
  if (outcome.status === "saved") return { outcome: "saved", bytes: size.bytes, ms };
  if (outcome.status === "failed") warning(`Cache not saved: ${outcome.message}.`);
  return { outcome: `not saved: ${outcome.message}` };
}
__name(saveIfWanted, "saveIfWanted");
function repairReason(proxy) {
  const stats = proxy?.stats;
  if (!stats || stats.fetchedUpstream === 0 || stats.upstreamBytes === 0) return void 0;
  return `The entry restored for this key lacked what the proxy then fetched from upstream (${stats.fetchedUpstream} requests, ${formatBytes(stats.upstreamBytes)})`;
}
__name(repairReason, "repairReason");
function skipReason(policy, env) {
  if (policy === "never") return "the 'save' input is false";
  if (policy === "always") return void 0;
  const defaultBranch = readDefaultBranch(env.GITHUB_EVENT_PATH);
  if (!defaultBranch) return "'save: default-branch' but the event names no default branch";
  if (env.GITHUB_REF !== `refs/heads/${defaultBranch}`) {
    return `'save: default-branch' and ${env.GITHUB_REF ?? "this ref"} is not refs/heads/${defaultBranch}`;
  }
  return void 0;
}
__name(skipReason, "skipReason");
async function pruneProxyStore(storeDir, manifest) {
  if (!manifest) {
    warning("The proxy left no record of what the job used: its whole store is saved.");
    return;
  }
  const { kept, removed } = await pruneStoreToManifest(storeDir, manifest);
  info(`Proxy store: kept ${kept} entries this job used, removed ${removed} it did not.`);
}
__name(pruneProxyStore, "pruneProxyStore");
async function recordWheelhouseQuietly(state, manifest, proxy) {
  if (!state.proxy) return;
  const bypass = proxy?.problem ?? (state.downloadsPastProxy ? "a lockfile's URLs or `name @ URL` requirements sent downloads past the proxy" : void 0);
  try {
    info(
      await recordWheelhouse({
        storeDir: state.proxy.storeDir,
        key: state.key,
        pins: state.requirementPins,
        manifest,
        bypass
      })
    );
  } catch (error) {
    info(`Wheelhouse: not recorded for the next job: ${String(error)}.`);
  }
}
__name(recordWheelhouseQuietly, "recordWheelhouseQuietly");
async function pruneInstallerCaches(state) {
  for (const folder of state.folders.filter((candidate) => candidate.owned)) {
    const installer = INSTALLERS.find((candidate) => candidate.name === folder.owner);
    if (!installer) continue;
    try {
      info(`Pruned the ${installer.name} cache: ${await installer.prune(folder.path, process.env)}.`);
    } catch (error) {
      warning(`Could not prune the ${installer.name} cache: ${String(error)}`);
    }
  }
}
__name(pruneInstallerCaches, "pruneInstallerCaches");
function proxyLogLine({ stats }) {
  if (!stats) return "";
  const saved = stats.storeBytes > 0 ? `, ${formatBytes(stats.storeBytes)} not downloaded again` : "";
  return `PyPI proxy: ${stats.requests} requests, ${stats.servedFromStore} from the store, ${stats.fetchedUpstream} from upstream (${formatBytes(stats.upstreamBytes)}), ${stats.revalidated} revalidated (304, nothing downloaded)${saved}, ${stats.errors} errors.`;
}
__name(proxyLogLine, "proxyLogLine");

// src/post.ts
if (isEntryModule(import.meta.url)) void run();
export {
  run
};
