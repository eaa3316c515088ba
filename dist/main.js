import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);
import {
  InputError,
  JobHttpsProxyError,
  LocalCacheBackend,
  ProxyStartError,
  chooseBackend,
  currentPlatform,
  describeUpstreams,
  ensureJobFolder,
  findDependencyFiles,
  findOnPath,
  generationKey,
  generationOf,
  generationPrefix,
  installerEnvironment,
  installerFolder,
  isEntryModule,
  jobFolderRoot,
  jobProxyWorkDir,
  loadInputs,
  offerWheelhouse,
  osKeyName,
  proxyStoreFolder,
  readCacheMode,
  readJobHttpsProxy,
  resolveUpstreams,
  runCommand,
  saveMainState,
  selectInstallers,
  startJobProxy,
  stepsOutboundEnv
} from "./chunk-SXEXTSXZ.js";
import {
  PYPI_HOSTS
} from "./chunk-M6CONMEC.js";
import {
  PORTS_IN_USE_EXIT_CODE,
  formatBytes,
  measureFolders
} from "./chunk-4NQIETS3.js";
import {
  readCaPath
} from "./chunk-K6M7SHUM.js";
import {
  exportVariable,
  info,
  setFailed,
  setOutput,
  warning
} from "./chunk-OEW76XB5.js";
import {
  __name
} from "./chunk-WTG47EWH.js";

// src/action/restore.ts
import { mkdir as mkdir2, rm } from "node:fs/promises";
import { join as join6 } from "node:path";

// src/installers/python-version.ts
var PRINT_VERSION = 'import sys; print("%d.%d" % sys.version_info[:2])';
var PRINT_VERSION_ARGS = ["-S", "-c", PRINT_VERSION];
async function detectPythonVersion(env = process.env) {
  const candidates = process.platform === "win32" ? ["python", "python3"] : ["python3", "python"];
  for (const name of candidates) {
    const python = findOnPath(name, env);
    if (!python) continue;
    const result = await runCommand(python, PRINT_VERSION_ARGS, { env, timeoutMs: 3e4 });
    const version = result.stdout.trim();
    if (result.code === 0 && /^\d+\.\d+$/.test(version)) return version;
  }
  return "none";
}
__name(detectPythonVersion, "detectPythonVersion");

// src/key/direct-url-requirements.ts
import { readFileSync } from "node:fs";
import { join } from "node:path";
var DIRECT_URL = /^(?:[A-Za-z0-9][A-Za-z0-9._-]*\s*(?:\[[^\]]*\])?\s*@\s*)?https?:\/\//i;
function hasDirectUrlRequirement(text) {
  return text.split(/\r?\n/).map((line) => line.replace(/(^|\s)#.*$/, "").trim()).some((line) => !line.startsWith("-") && DIRECT_URL.test(line));
}
__name(hasDirectUrlRequirement, "hasDirectUrlRequirement");
function hasDirectUrlRequirements(workspace, files) {
  return files.filter((file) => file.endsWith(".txt")).some((file) => {
    try {
      return hasDirectUrlRequirement(readFileSync(join(workspace, file), "utf8"));
    } catch {
      return false;
    }
  });
}
__name(hasDirectUrlRequirements, "hasDirectUrlRequirements");

// src/key/key.ts
import { createHash } from "node:crypto";
import { readFileSync as readFileSync2 } from "node:fs";
import { join as join2 } from "node:path";
var CACHE_LAYOUT_VERSION = "v1";
var MAX_KEY_LENGTH = 512;
function hashDependencyFiles(workspace, files, context = []) {
  const hash = createHash("sha256");
  for (const line of context) hash.update(`${line}\0`);
  for (const file of [...files].sort()) {
    const content = readFileSync2(join2(workspace, file));
    hash.update(`${file}\0${content.length}\0`);
    hash.update(content);
  }
  return hash.digest("hex");
}
__name(hashDependencyFiles, "hashDependencyFiles");
var KeyTooLongError = class extends Error {
  constructor(length, limit) {
    super(`the key would be ${length} characters; the limit is ${limit}.`);
    this.length = length;
    this.limit = limit;
    this.name = "KeyTooLongError";
  }
  length;
  limit;
  static {
    __name(this, "KeyTooLongError");
  }
};
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
    throw new KeyTooLongError(key.length, MAX_KEY_LENGTH);
  }
  return { key, restoreKey, hash };
}
__name(deriveCacheKey, "deriveCacheKey");

// src/key/locked-urls.ts
import { readFileSync as readFileSync3 } from "node:fs";
import { join as join3 } from "node:path";
var URL_KEY = /\burl\s*=\s*"(https?:\/\/[^"]+)"/;
var SHA256 = /\b(?:hash\s*=\s*"sha256:([0-9a-fA-F]{64})"|sha256\s*=\s*"([0-9a-fA-F]{64})")/;
function isUrlLockfile(file) {
  const name = file.slice(file.lastIndexOf("/") + 1);
  return name === "uv.lock" || /^pylock(\.[^/]+)?\.toml$/.test(name);
}
__name(isUrlLockfile, "isUrlLockfile");
function sha256In(line) {
  const match = SHA256.exec(line);
  return (match?.[1] ?? match?.[2])?.toLowerCase();
}
__name(sha256In, "sha256In");
function lockedUrlsIn(text) {
  const locked = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const url = URL_KEY.exec(line)?.[1];
    if (!url) continue;
    let sha256 = sha256In(line.slice(line.indexOf(url) + url.length));
    for (let j = i + 1; !sha256 && j < lines.length; j++) {
      const next = lines[j] ?? "";
      if (/^\s*\[/.test(next) || URL_KEY.test(next)) break;
      sha256 = sha256In(next);
    }
    if (sha256) locked[url.split("#", 1)[0] ?? url] = sha256;
  }
  return locked;
}
__name(lockedUrlsIn, "lockedUrlsIn");
function readLockedUrls(workspace, files) {
  const locked = {};
  for (const file of files.filter(isUrlLockfile)) {
    try {
      Object.assign(locked, lockedUrlsIn(readFileSync3(join3(workspace, file), "utf8")));
    } catch {
    }
  }
  return locked;
}
__name(readLockedUrls, "readLockedUrls");
function hasUrlLockfile(files) {
  return files.some(isUrlLockfile);
}
__name(hasUrlLockfile, "hasUrlLockfile");

// src/key/lockfile-pins.ts
import { readFileSync as readFileSync4 } from "node:fs";
import { join as join4 } from "node:path";
function readLockfilePins(workspace, files) {
  const pins = {};
  for (const file of files) {
    let text;
    try {
      text = readFileSync4(join4(workspace, file), "utf8");
    } catch {
      continue;
    }
    for (const [name, version] of pinsIn(file, text)) {
      const key = name.toLowerCase().replace(/[-_.]+/g, "-");
      if (!pins[key]) pins[key] = /* @__PURE__ */ new Set();
      pins[key].add(version);
    }
  }
  return Object.fromEntries(Object.entries(pins).map(([name, versions]) => [name, [...versions].sort()]));
}
__name(readLockfilePins, "readLockfilePins");
function pinsIn(file, text) {
  const name = file.slice(file.lastIndexOf("/") + 1);
  if (name.endsWith(".txt")) return requirementPins(text);
  if (name === "Pipfile.lock") return pipfileLockPins(text);
  if (name.endsWith(".lock") || /^pylock\..*toml$|^pylock\.toml$/.test(name)) return tomlPackagePins(text);
  return [];
}
__name(pinsIn, "pinsIn");
var REQUIREMENT_PIN = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*===?\s*([A-Za-z0-9.!+_-]+)\s*(?:$|[;\\#])/;
function requirementPins(text) {
  const pins = [];
  for (const line of text.split(/\r?\n/)) {
    const match = REQUIREMENT_PIN.exec(line);
    if (match?.[1] && match[2]) pins.push([match[1], match[2]]);
  }
  return pins;
}
__name(requirementPins, "requirementPins");
function tomlPackagePins(text) {
  const pins = [];
  for (const table of text.split(/^\[\[packages?\]\]\s*$/m).slice(1)) {
    const body = table.split(/^\[/m)[0] ?? "";
    const name = /^name\s*=\s*"([^"]+)"/m.exec(body)?.[1];
    const version = /^version\s*=\s*"([^"]+)"/m.exec(body)?.[1];
    if (name && version) pins.push([name, version]);
  }
  return pins;
}
__name(tomlPackagePins, "tomlPackagePins");
function pipfileLockPins(text) {
  try {
    const lock = JSON.parse(text);
    return ["default", "develop"].flatMap(
      (section) => Object.entries(lock[section] ?? {}).flatMap(([name, entry]) => {
        const version = entry.version?.replace(/^===?/, "");
        return version ? [[name, version]] : [];
      })
    );
  } catch {
    return [];
  }
}
__name(pipfileLockPins, "pipfileLockPins");

// src/key/pinned-requirements.ts
import { readFileSync as readFileSync5 } from "node:fs";
import { dirname, join as join5, normalize } from "node:path";
function readPinnedRequirements(workspace, files) {
  const requirementFiles = files.filter((file) => file.endsWith(".txt"));
  if (requirementFiles.length === 0)
    return { pinned: false, reason: "no requirements file (*.txt) among the dependency files" };
  const known = new Set(requirementFiles.map((file) => normalize(file)));
  const pins = [];
  for (const file of requirementFiles) {
    let text;
    try {
      text = readFileSync5(join5(workspace, file), "utf8");
    } catch (error) {
      return { pinned: false, reason: `${file} cannot be read (${error.message})` };
    }
    for (const [number, line] of logicalLines(text)) {
      const where = `${file} line ${number}`;
      const verdict = line.startsWith("-") ? optionVerdict(line, file, known) : pinOf(line);
      if (typeof verdict === "string") return { pinned: false, reason: `${where}: ${verdict}` };
      if (verdict) pins.push(verdict);
    }
  }
  return { pinned: true, pins };
}
__name(readPinnedRequirements, "readPinnedRequirements");
function logicalLines(text) {
  const lines = [];
  let pending = "";
  let start = 0;
  text.split(/\r?\n/).forEach((raw, index) => {
    if (!pending) start = index + 1;
    const line = raw.replace(/(^|\s)#.*$/, "");
    if (line.endsWith("\\")) {
      pending += `${line.slice(0, -1)} `;
      return;
    }
    const joined = (pending + line).trim();
    pending = "";
    if (joined) lines.push([start, joined]);
  });
  if (pending.trim()) lines.push([start, pending.trim()]);
  return lines;
}
__name(logicalLines, "logicalLines");
var HARMLESS_OPTIONS = /* @__PURE__ */ new Set([
  "-i",
  "--index-url",
  "--extra-index-url",
  "--no-index",
  "-f",
  "--find-links",
  "--trusted-host",
  "--prefer-binary",
  "--only-binary",
  "--no-binary",
  "--require-hashes",
  "--pre",
  "--use-feature",
  "-c",
  "--constraint"
]);
function optionVerdict(line, file, known) {
  const match = /^(-{1,2}[A-Za-z-]+)(?:[=\s]\s*(.*))?$/.exec(line);
  const option = match?.[1] ?? line;
  const value = match?.[2]?.trim() ?? "";
  if (option === "-r" || option === "--requirement") {
    const included = normalize(join5(dirname(file), value));
    return known.has(included) ? void 0 : `'${line}' includes a file that is not among the dependency files`;
  }
  if (HARMLESS_OPTIONS.has(option)) return void 0;
  return `'${line}' is not a pinned requirement`;
}
__name(optionVerdict, "optionVerdict");
var PIN = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[[^\]]*\])?\s*===?\s*([A-Za-z0-9.!+_-]+)$/;
function pinOf(line) {
  const withoutHashes = line.replace(/\s--hash(?:=|\s+)\S+/g, "").trim();
  const semicolon = withoutHashes.indexOf(";");
  const spec = (semicolon < 0 ? withoutHashes : withoutHashes.slice(0, semicolon)).trim();
  const match = PIN.exec(spec);
  if (!match?.[1] || !match[2]) return `'${line}' is not pinned to one version with ==`;
  return {
    project: match[1].toLowerCase().replace(/[-_.]+/g, "-"),
    version: match[2].toLowerCase(),
    conditional: semicolon >= 0 && withoutHashes.slice(semicolon + 1).trim() !== ""
  };
}
__name(pinOf, "pinOf");

// src/action/docker-build.ts
import { networkInterfaces } from "node:os";
function dockerBuildSettings(host, port, extras, bridgeAddress = dockerBridgeAddress()) {
  const everyInterface = host === "0.0.0.0" || host === "::";
  const bridged = everyInterface ? bridgeAddress : isLoopback(host) ? void 0 : host;
  const address = bridged ?? (isLoopback(host) ? host : "127.0.0.1");
  const authority = `${address.includes(":") ? `[${address}]` : address}:${port}`;
  const base = `http://${authority}`;
  const buildArgs = [
    `PIP_INDEX_URL=${base}/simple/`,
    // pip refuses plain http from hosts it does not trust.
    `PIP_TRUSTED_HOST=${authority}`,
    `UV_DEFAULT_INDEX=${base}/simple/`,
    // uv's --allow-insecure-host takes a host:port pair (docs.astral.sh/uv/reference/cli/).
    `UV_INSECURE_HOST=${authority}`
  ];
  if (extras.length > 0) {
    buildArgs.push(`PIP_EXTRA_INDEX_URL=${extras.map((extra) => `${base}/${extra.name}/simple/`).join(" ")}`);
    buildArgs.push(
      `UV_INDEX=${extras.map((extra) => `${extra.name}=${base}/${extra.name}/simple/`).join(" ")}`
    );
  }
  return { buildArgs, network: bridged ? "" : "host" };
}
__name(dockerBuildSettings, "dockerBuildSettings");
function isLoopback(host) {
  return host === "localhost" || host === "::1" || /^127\./.test(host);
}
__name(isLoopback, "isLoopback");
function dockerBridgeAddress() {
  return networkInterfaces().docker0?.find((entry) => entry.family === "IPv4")?.address;
}
__name(dockerBridgeAddress, "dockerBridgeAddress");

// src/action/intercept-env.ts
import { mkdir, writeFile } from "node:fs/promises";
import { dirname as dirname2 } from "node:path";
import tls from "node:tls";
var CA_VARIABLES = ["SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "PIP_CERT"];
function chooseProxyMode(choice, files) {
  if (choice === "index") return { mode: "index", reason: "proxy-mode 'index'" };
  if (choice === "intercept") return { mode: "intercept", reason: "proxy-mode 'intercept'" };
  if (files.some(isUvLock)) return { mode: "intercept", reason: "a uv.lock records file URLs" };
  return hasUrlLockfile(files) ? {
    mode: "index",
    reason: "a pylock.toml records file URLs, which pip and uv pip download past the proxy: their own caches keep those files (faster warm than through interception); proxy-mode 'intercept' sends them through the proxy"
  } : { mode: "index", reason: "no lockfile records file URLs" };
}
__name(chooseProxyMode, "chooseProxyMode");
function isUvLock(file) {
  return file === "uv.lock" || file.endsWith("/uv.lock");
}
__name(isUvLock, "isUvLock");
var LOOPBACK_NAMES = ["localhost", "127.0.0.1", "::1"];
function noProxyHosts(env, chained = false) {
  if (chained) return LOOPBACK_NAMES;
  const fromUrls = [
    "ACTIONS_CACHE_URL",
    "ACTIONS_RESULTS_URL",
    "ACTIONS_RUNTIME_URL",
    "ACTIONS_ID_TOKEN_REQUEST_URL",
    "GITHUB_API_URL",
    "GITHUB_SERVER_URL",
    "GITHUB_GRAPHQL_URL"
  ].flatMap((name) => {
    try {
      return env[name] ? [new URL(env[name]).hostname] : [];
    } catch {
      return [];
    }
  });
  return [
    ...LOOPBACK_NAMES,
    ...fromUrls,
    // The cache service's blobs, the runner's services, and GitHub itself on github.com.
    ".blob.core.windows.net",
    ".actions.githubusercontent.com",
    "api.github.com",
    "github.com"
  ];
}
__name(noProxyHosts, "noProxyHosts");
function appendList(existing, more) {
  const items = (existing ?? "").split(",").map((item) => item.trim()).filter(Boolean);
  for (const item of more) if (!items.includes(item)) items.push(item);
  return items.join(",");
}
__name(appendList, "appendList");
function caBundle(caCertPem, env) {
  const parts = [...tls.rootCertificates];
  const included = [];
  for (const name of CA_VARIABLES) {
    const path = env[name];
    if (!path || included.includes(path)) continue;
    const text = readCaPath(path);
    if (text === void 0) continue;
    parts.push(text.trim());
    included.push(path);
  }
  parts.push(caCertPem.trim());
  return { pem: `${parts.join("\n")}
`, included };
}
__name(caBundle, "caBundle");
async function interceptEnvironment(options) {
  const { pem } = caBundle(options.caCertPem, options.env);
  await mkdir(dirname2(options.bundlePath), { recursive: true });
  await writeFile(options.bundlePath, pem);
  const noProxy = appendList(
    options.env.NO_PROXY ?? options.env.no_proxy,
    noProxyHosts(options.env, options.outbound !== void 0)
  );
  return {
    // The tunnel relay of the post step goes through the job's proxy as the daemon did: it
    // reads these, and they are where the job already had the URL, in the steps' environment.
    ...stepsOutboundEnv(options.outbound),
    HTTPS_PROXY: options.proxyUrl,
    https_proxy: options.proxyUrl,
    NO_PROXY: noProxy,
    no_proxy: noProxy,
    // uv, OpenSSL-based tools and httpx; pip 26's truststore reads it too.
    SSL_CERT_FILE: options.bundlePath,
    // pip, every version.
    PIP_CERT: options.bundlePath,
    // requests: poetry, pdm, twine.
    REQUESTS_CA_BUNDLE: options.bundlePath
  };
}
__name(interceptEnvironment, "interceptEnvironment");

// src/action/intercept-hosts.ts
function specUrls(upstreams) {
  return upstreams.specs.map((spec) => {
    const eq = spec.indexOf("=");
    return { name: spec.slice(0, eq), url: new URL(spec.slice(eq + 1)) };
  });
}
__name(specUrls, "specUrls");
function hostOf(url) {
  return url.port && url.port !== "443" ? `${url.hostname}:${url.port}` : url.hostname;
}
__name(hostOf, "hostOf");
function interceptedMirrors(hosts, upstreams) {
  const configured = specUrls(upstreams);
  const names = [];
  for (const host of hosts) {
    if (PYPI_HOSTS.includes(host)) continue;
    const matches = configured.filter(({ url }) => hostOf(url) === host);
    const listing = configured.map(({ name, url }) => `${name}=${hostOf(url)}`).join(", ");
    if (matches.length === 0) {
      throw new InputError(
        "intercept-hosts",
        `'${host}' is not the host of index-url or of an extra-index-urls entry (configured: ${listing}); list only those (pypi.org and files.pythonhosted.org are intercepted anyway).`
      );
    }
    if (matches.length > 1) {
      throw new InputError(
        "intercept-hosts",
        `'${host}' is the host of ${matches.map((m) => m.name).join(" and ")}; interception answers one index a host, so list a host only when one configured index is on it.`
      );
    }
    const [match] = matches;
    if (match.url.protocol !== "https:") {
      throw new InputError(
        "intercept-hosts",
        `'${host}' serves ${match.name} over http://; only https indexes are intercepted (an http index is not reached through HTTPS_PROXY).`
      );
    }
    names.push(match.name);
  }
  return names;
}
__name(interceptedMirrors, "interceptedMirrors");

// src/action/proxy-port.ts
var DEFAULT_PROXY_PORT = 31415;
var TRIES = 20;
var LAST_TRIED = DEFAULT_PROXY_PORT + TRIES - 1;
function proxyPortCandidates(requested) {
  if (requested !== void 0) return [requested];
  return [...Array.from({ length: TRIES }, (_, i) => DEFAULT_PROXY_PORT + i), 0];
}
__name(proxyPortCandidates, "proxyPortCandidates");
function proxyPortWarning(host, bound, requested) {
  if (requested !== void 0 || bound === DEFAULT_PROXY_PORT) return void 0;
  if (bound > DEFAULT_PROXY_PORT && bound <= LAST_TRIED) {
    return `Port ${DEFAULT_PROXY_PORT} on ${host} is taken: the proxy listens on ${bound}. Its index URL differs from runs on the default port, so Docker layers built with docker-build-args run again and a Pipfile.lock recording the URL fails \`pipenv install --deploy\`. Set 'proxy-port' to a port that is free on this runner to keep it stable.`;
  }
  return `Ports ${DEFAULT_PROXY_PORT}-${LAST_TRIED} on ${host} are all taken: the proxy listens on a random port (${bound}), so Docker layers built with docker-build-args and a Pipfile.lock recording the URL do not stay valid between runs.`;
}
__name(proxyPortWarning, "proxyPortWarning");

// src/action/restore.ts
async function run() {
  try {
    await restoreStep(loadInputs(), currentPlatform());
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    setFailed(error instanceof InputError ? message : `pypi-cache-action: ${message}`);
  }
}
__name(run, "run");
async function restoreStep(inputs, platform) {
  const plan = await planCache(inputs, platform);
  const paths = plan.folders.map((folder) => folder.path);
  if (plan.folders.some((folder) => folder.owned))
    await ensureJobFolder(jobFolderRoot(platform), platform.env);
  await Promise.all(
    plan.folders.filter((folder) => folder.owned).map((folder) => rm(folder.path, { recursive: true, force: true }))
  );
  await Promise.all(paths.map((path) => mkdir2(path, { recursive: true })));
  const backend = await chooseBackend(inputs.cacheBackend, inputs.localCacheDir, platform);
  const restored = await restoreIfReadable(backend, paths, plan, platform.env);
  const generation = generationOf(plan.key, restored.matchedKey);
  const cacheHit = generation !== void 0;
  const restoredBytes = restored.matchedKey ? (await measureFolders(paths)).bytes : 0;
  if (restored.ms !== void 0) {
    logOutcome(restored.matchedKey, cacheHit, restoredBytes, restored.ms, restored.problem);
  }
  const proxy = plan.upstreams ? await startProxy(inputs, plan, cacheHit, platform) : void 0;
  const requirements = proxy ? readPinnedRequirements(plan.workspace, plan.files) : void 0;
  const wheelhouse = proxy && requirements ? await wheelhouseFor(plan, cacheHit, proxy.storeDir, requirements, platform) : void 0;
  const saveKey = generationKey(plan.key, (generation ?? 0) + 1);
  await publish(plan, saveKey, cacheHit, restored.matchedKey, proxy, inputs.proxyHost);
  setOutput("wheelhouse", wheelhouse?.path ?? "");
  saveMainState({
    key: plan.key,
    generation,
    restoreKeys: plan.restoreKeys,
    matchedKey: restored.matchedKey,
    cacheHit,
    folders: plan.folders,
    backend: backend.name,
    localCacheDir: backend instanceof LocalCacheBackend ? backend.dir : void 0,
    restoredBytes,
    restoreMs: restored.ms ?? 0,
    restoreProblem: restored.problem,
    proxy,
    downloadsPastProxy: proxy !== void 0 && proxy.mode !== "intercept" && (hasUrlLockfile(plan.files) || hasDirectUrlRequirements(plan.workspace, plan.files)),
    requirementPins: requirements?.pinned ? requirements.pins : void 0,
    wheelhouse
  });
}
__name(restoreStep, "restoreStep");
async function wheelhouseFor(plan, cacheHit, storeDir, requirements, platform) {
  const folder = join6(jobFolderRoot(platform), "wheelhouse");
  try {
    const { offered, reason } = await offerWheelhouse({
      key: plan.key,
      cacheHit,
      storeDir,
      requirements,
      folder
    });
    info(
      offered ? `Wheelhouse: ${reason}; \`pip install --no-index --find-links ${folder} -r <requirements file>\` installs from them with no server (output wheelhouse).` : `Wheelhouse: not offered (${reason}); install through the proxy's index.`
    );
    return offered;
  } catch (error) {
    warning(`Wheelhouse not offered: ${error instanceof Error ? error.message : String(error)}`);
    await rm(folder, { recursive: true, force: true }).catch(() => void 0);
    return void 0;
  }
}
__name(wheelhouseFor, "wheelhouseFor");
async function restoreIfReadable(backend, paths, plan, env) {
  const mode = readCacheMode(env);
  if (mode.warning) warning(mode.warning);
  if (!mode.readable) {
    info(`Not restoring: ACTIONS_CACHE_MODE is '${mode.name}', so this job may not read caches.`);
    return { matchedKey: void 0 };
  }
  info(`Restoring ${paths.join(", ")} with key ${plan.key} from the ${backend.name} cache`);
  if (backend instanceof LocalCacheBackend) logLocalScope(backend);
  const started = Date.now();
  const lookup = generationPrefix(plan.key);
  const restored = await backend.restore(paths, lookup, [lookup, ...plan.restoreKeys]);
  if (restored.problem) warning(`Cache not restored: ${restored.problem}. The job goes on without it.`);
  return { ...restored, ms: Date.now() - started };
}
__name(restoreIfReadable, "restoreIfReadable");
function logLocalScope(backend) {
  const { ownRef, restoreRefs, notes } = backend.scope;
  for (const note of notes) info(note);
  if (ownRef)
    info(
      `Local cache scope: entries saved on ${restoreRefs.join(", then ")}; a save goes to ${ownRef}.`
    );
}
__name(logLocalScope, "logLocalScope");
async function planCache(inputs, platform) {
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
  const pythonVersion = inputs.pythonVersion ?? detectPythonVersion(platform.env);
  const folders = installers.map((installer) => installerFolder(installer, platform));
  const jobProxy = inputs.proxy ? jobHttpsProxyOrWarning(platform.env) : void 0;
  const upstreams = inputs.proxy && jobProxy?.usable !== false ? resolveUpstreams(inputs.indexUrl, inputs.extraIndexUrls, platform.env) : void 0;
  if (upstreams) folders.push(proxyStoreFolder(platform));
  const { key, restoreKey } = keyOrInputError(
    {
      prefix: inputs.keyPrefix,
      os: osKeyName(platform.os),
      arch: platform.arch,
      pythonVersion: await pythonVersion,
      installers: installers.map((installer) => installer.name),
      suffix: inputs.keySuffix
    },
    hashDependencyFiles(workspace, files, upstreams?.keyParts)
  );
  return {
    workspace,
    files,
    installers,
    folders,
    key,
    restoreKeys: inputs.restoreFallback ? [restoreKey] : [],
    upstreams,
    mode: upstreams ? chooseProxyMode(inputs.proxyMode, files) : void 0,
    outbound: upstreams && jobProxy?.usable ? jobProxy.proxy : void 0,
    // Checked before anything is restored: a host that names no configured index is a typo.
    mirrors: upstreams ? interceptedMirrors(inputs.interceptHosts, upstreams) : []
  };
}
__name(planCache, "planCache");
async function startProxy(inputs, plan, cacheHit, platform) {
  const policy = cacheHit ? "frozen" : "revalidate";
  const proxy = await startJobProxy({
    upstreams: plan.upstreams,
    allowFileHosts: inputs.allowFileHosts,
    storeDir: proxyStoreFolder(platform).path,
    host: inputs.proxyHost,
    port: proxyPortCandidates(inputs.proxyPort),
    policy,
    pins: readLockfilePins(plan.workspace, plan.files),
    env: platform.env,
    outbound: plan.outbound,
    intercept: plan.mode?.mode === "intercept" ? {
      lockedUrls: readLockedUrls(plan.workspace, plan.files),
      mirrors: plan.mirrors
    } : void 0
  }).catch((error) => {
    throw takenPortAsInputError(error, inputs);
  });
  const portWarning = proxyPortWarning(inputs.proxyHost, Number(new URL(proxy.url).port), inputs.proxyPort);
  if (portWarning) warning(portWarning);
  info(
    `PyPI proxy at ${proxy.url}/simple/ (${policy}), upstream ${plan.upstreams ? describeUpstreams(plan.upstreams) : ""}`
  );
  info(`Proxy mode: ${proxy.mode ?? "index"} (${plan.mode?.reason}).`);
  if (plan.outbound) {
    info(
      `The job's HTTPS_PROXY ${plan.outbound.display}: the proxy's own fetches and its tunnels for other hosts go through it (hosts in NO_PROXY directly).`
    );
  }
  if (proxy.mode === "intercept") {
    const hosts = ["pypi.org", "files.pythonhosted.org", ...inputs.interceptHosts];
    info(
      `Interception: HTTPS_PROXY points at the proxy, which answers for ${[...new Set(hosts)].join(", ")} with a CA made for this job (SSL_CERT_FILE, PIP_CERT, REQUESTS_CA_BUNDLE name a bundle with it); other hosts, private indexes not in intercept-hosts included, are plain tunnels.`
    );
  } else if (inputs.interceptHosts.length > 0) {
    warning(
      `intercept-hosts (${inputs.interceptHosts.join(", ")}) applies under proxy-mode intercept only; in index mode every configured index goes through the proxy's routes already.`
    );
  }
  if (proxy.mode !== "intercept" && plan.files.some((file) => file === "uv.lock" || file.endsWith("/uv.lock"))) {
    info(
      "A uv.lock is present: `uv sync --frozen` downloads from the URLs in the lock, not from an index, so for those downloads the uv cache folder carries the job, not the proxy."
    );
  }
  return proxy;
}
__name(startProxy, "startProxy");
async function publish(plan, saveKey, cacheHit, matchedKey, proxy, proxyHost) {
  for (const installer of plan.installers) {
    const folder = plan.folders.find((candidate) => candidate.owner === installer.name);
    if (folder) exportVariable(installer.cacheDirVariable, folder.path);
  }
  if (proxy && plan.upstreams) {
    const variables = proxy.mode === "intercept" && proxy.caCertPem ? await interceptEnvironment({
      proxyUrl: proxy.url,
      caCertPem: proxy.caCertPem,
      bundlePath: join6(jobProxyWorkDir(process.env), "ca-bundle.pem"),
      env: process.env,
      outbound: plan.outbound
    }) : installerEnvironment(proxy.url, plan.upstreams.extras, process.env);
    for (const [name, value] of Object.entries(variables)) exportVariable(name, value);
  }
  const folderOf = /* @__PURE__ */ __name((owner) => plan.folders.find((folder) => folder.owner === owner)?.path ?? "", "folderOf");
  setOutput("cache-hit", String(cacheHit));
  setOutput("cache-key", saveKey);
  setOutput("cache-matched-key", matchedKey ?? "");
  setOutput("pip-cache-dir", folderOf("pip"));
  setOutput("uv-cache-dir", folderOf("uv"));
  setOutput("proxy-url", proxy?.url ?? "");
  setOutput("proxy-mode", proxy ? proxy.mode ?? "index" : "");
  const docker = proxy ? dockerBuildSettings(proxyHost, Number(new URL(proxy.url).port), plan.upstreams?.extras ?? []) : void 0;
  setOutput("docker-build-args", docker?.buildArgs.join("\n") ?? "");
  setOutput("docker-network", docker?.network ?? "");
}
__name(publish, "publish");
function logOutcome(matchedKey, cacheHit, bytes, ms, problem) {
  if (cacheHit) {
    info(`Cache hit: restored ${formatBytes(bytes)} in ${ms} ms.`);
  } else if (matchedKey) {
    info(
      `Restored the fallback entry ${matchedKey} (${formatBytes(bytes)} in ${ms} ms); a new entry is saved.`
    );
  } else if (problem) {
    info("Cache miss: nothing restored; the post step saves only if the cache service answers then.");
  } else {
    info("Cache miss: nothing restored; a new entry is saved after the job.");
  }
}
__name(logOutcome, "logOutcome");
function takenPortAsInputError(error, inputs) {
  if (!(error instanceof ProxyStartError) || error.exitCode !== PORTS_IN_USE_EXIT_CODE) return error;
  if (inputs.proxyPort === void 0) return error;
  return new InputError(
    "proxy-port",
    `port ${inputs.proxyPort} on ${inputs.proxyHost} is in use by another process; leave proxy-port empty (the first free port from ${DEFAULT_PROXY_PORT}) or choose a free one.`
  );
}
__name(takenPortAsInputError, "takenPortAsInputError");
function jobHttpsProxyOrWarning(env) {
  try {
    return { usable: true, proxy: readJobHttpsProxy(env) };
  } catch (error) {
    if (!(error instanceof JobHttpsProxyError)) throw error;
    warning(
      `proxy: ${error.message} The proxy is off for this job: the cache folders are restored and saved as with proxy: false, and pip and uv keep reaching PyPI through that proxy themselves.`
    );
    return { usable: false };
  }
}
__name(jobHttpsProxyOrWarning, "jobHttpsProxyOrWarning");
function keyOrInputError(...args) {
  try {
    return deriveCacheKey(...args);
  } catch (error) {
    if (error instanceof KeyTooLongError) throw new InputError("key-prefix", error.message);
    throw error;
  }
}
__name(keyOrInputError, "keyOrInputError");

// src/main.ts
if (isEntryModule(import.meta.url)) void run();
export {
  run
};
