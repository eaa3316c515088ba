import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);
import {
  InputError,
  LocalCacheBackend,
  chooseBackend,
  compileGlobs,
  currentPlatform,
  exportVariable,
  findOnPath,
  formatBytes,
  info,
  loadInputs,
  measureFolders,
  osKeyName,
  resolveCacheDir,
  runCommand,
  saveMainState,
  selectInstallers,
  setFailed,
  setOutput,
  warning
} from "./chunk-RTM4P4CY.js";
import {
  __name
} from "./chunk-WTG47EWH.js";

// src/restore.ts
import { mkdir } from "node:fs/promises";

// src/dependency-files.ts
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
var SKIPPED_FOLDERS = /* @__PURE__ */ new Set([
  ".git",
  "node_modules",
  ".venv",
  "venv",
  ".tox",
  ".nox",
  "__pycache__",
  "__pypackages__",
  "site-packages",
  ".mypy_cache",
  ".pytest_cache",
  ".ruff_cache"
]);
function findDependencyFiles(workspace, patterns) {
  const matches = compileGlobs(patterns);
  const found = [];
  const pending = [""];
  for (let relative = pending.pop(); relative !== void 0; relative = pending.pop()) {
    const entries = readFolder(join(workspace, relative));
    if (relative !== "" && entries.some((entry) => entry.name === "pyvenv.cfg")) continue;
    for (const entry of entries) {
      const path = relative === "" ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(entry.name)) pending.push(path);
      } else if (matches(path) && isFile(workspace, path, entry)) {
        found.push(path);
      }
    }
  }
  return found.sort();
}
__name(findDependencyFiles, "findDependencyFiles");
function readFolder(path) {
  try {
    return readdirSync(path, { withFileTypes: true });
  } catch {
    return [];
  }
}
__name(readFolder, "readFolder");
function isFile(workspace, path, entry) {
  if (entry.isFile()) return true;
  if (!entry.isSymbolicLink()) return false;
  try {
    return statSync(join(workspace, path)).isFile();
  } catch {
    return false;
  }
}
__name(isFile, "isFile");

// src/key.ts
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join as join2 } from "node:path";
var CACHE_LAYOUT_VERSION = "v1";
var MAX_KEY_LENGTH = 512;
function hashDependencyFiles(workspace, files) {
  const hash = createHash("sha256");
  for (const file of [...files].sort()) {
    const content = readFileSync(join2(workspace, file));
    hash.update(`${file}\0${content.length}\0`);
    hash.update(content);
  }
  return hash.digest("hex");
}
__name(hashDependencyFiles, "hashDependencyFiles");
function deriveCacheKey(parts, hash) {
  const python = parts.pythonVersion === "none" ? "pynone" : `py${parts.pythonVersion}`;
  const restoreKey = [
    parts.prefix,
    CACHE_LAYOUT_VERSION,
    parts.os,
    parts.arch,
    python,
    parts.installers.join("+"),
    ""
  ].join("-");
  const key = parts.suffix ? `${restoreKey}${hash}-${parts.suffix}` : `${restoreKey}${hash}`;
  if (key.length > MAX_KEY_LENGTH) {
    throw new InputError(
      "key-prefix",
      `the key would be ${key.length} characters; the limit is ${MAX_KEY_LENGTH}.`
    );
  }
  return { key, restoreKey, hash };
}
__name(deriveCacheKey, "deriveCacheKey");

// src/python-version.ts
var PRINT_VERSION = 'import sys; print("%d.%d" % sys.version_info[:2])';
async function detectPythonVersion(env = process.env) {
  const candidates = process.platform === "win32" ? ["python", "python3"] : ["python3", "python"];
  for (const name of candidates) {
    const python = findOnPath(name, env);
    if (!python) continue;
    const result = await runCommand(python, ["-c", PRINT_VERSION], { env, timeoutMs: 3e4 });
    const version = result.stdout.trim();
    if (result.code === 0 && /^\d+\.\d+$/.test(version)) return version;
  }
  return "none";
}
__name(detectPythonVersion, "detectPythonVersion");

// src/restore.ts
async function run() {
  try {
    await restoreStep(loadInputs(), currentPlatform());
  } catch (error) {
    setFailed(error instanceof InputError ? error.message : `pypi-cache-action: ${String(error)}`);
  }
}
__name(run, "run");
async function restoreStep(inputs, platform) {
  const workspace = platform.env.GITHUB_WORKSPACE || process.cwd();
  const files = findDependencyFiles(workspace, inputs.dependencyFiles);
  if (files.length === 0) {
    warning(
      `No dependency files match 'dependency-files' (${inputs.dependencyFiles.join(", ")}): the cache key will never change.`
    );
  } else {
    info(`Key from ${files.length} dependency file(s): ${files.join(", ")}`);
  }
  const installers = selectInstallers(inputs.installer, files, platform.env);
  const folders = await Promise.all(
    installers.map(async (installer) => ({
      installer: installer.name,
      path: await resolveCacheDir(installer, platform)
    }))
  );
  const pythonVersion = inputs.pythonVersion ?? await detectPythonVersion(platform.env);
  const { key, restoreKey } = deriveCacheKey(
    {
      prefix: inputs.keyPrefix,
      os: osKeyName(platform.os),
      arch: platform.arch,
      pythonVersion,
      installers: installers.map((installer) => installer.name),
      suffix: inputs.keySuffix
    },
    hashDependencyFiles(workspace, files)
  );
  const restoreKeys = inputs.restoreFallback ? [restoreKey] : [];
  const paths = folders.map((folder) => folder.path);
  await Promise.all(paths.map((path) => mkdir(path, { recursive: true })));
  const backend = chooseBackend(inputs.cacheBackend, inputs.localCacheDir, platform);
  info(`Restoring ${paths.join(", ")} with key ${key} from the ${backend.name} cache`);
  const started = Date.now();
  const restored = await backend.restore(paths, key, restoreKeys);
  const restoreMs = Date.now() - started;
  if (restored.problem) warning(`Cache not restored: ${restored.problem}. The job goes on without it.`);
  const cacheHit = restored.matchedKey === key;
  const restoredBytes = restored.matchedKey ? (await measureFolders(paths)).bytes : 0;
  logOutcome(restored.matchedKey, cacheHit, restoredBytes, restoreMs);
  for (const installer of installers) {
    const folder = folders.find((candidate) => candidate.installer === installer.name);
    if (folder) exportVariable(installer.cacheDirVariable, folder.path);
  }
  setOutput("cache-hit", String(cacheHit));
  setOutput("cache-key", key);
  setOutput("cache-matched-key", restored.matchedKey ?? "");
  setOutput("pip-cache-dir", folders.find((folder) => folder.installer === "pip")?.path ?? "");
  setOutput("uv-cache-dir", folders.find((folder) => folder.installer === "uv")?.path ?? "");
  const state = {
    key,
    restoreKeys,
    matchedKey: restored.matchedKey,
    cacheHit,
    folders,
    backend: backend.name,
    localCacheDir: backend instanceof LocalCacheBackend ? backend.dir : void 0,
    restoredBytes,
    restoreMs,
    restoreProblem: restored.problem
  };
  saveMainState(state);
}
__name(restoreStep, "restoreStep");
function logOutcome(matchedKey, cacheHit, bytes, ms) {
  if (cacheHit) {
    info(`Cache hit: restored ${formatBytes(bytes)} in ${ms} ms.`);
  } else if (matchedKey) {
    info(
      `Restored the fallback entry ${matchedKey} (${formatBytes(bytes)} in ${ms} ms); a new entry is saved.`
    );
  } else {
    info("Cache miss: nothing restored; a new entry is saved after the job.");
  }
}
__name(logOutcome, "logOutcome");

// src/main.ts
void run();
