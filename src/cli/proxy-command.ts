// `pypi-cache-proxy`: starts the proxy, reports readiness, and shuts down cleanly on SIGTERM or
// SIGINT: what is under way gets a short grace period, the rest a 503, the manifest is
// written, exit code 0. A second signal exits at once with code 1.
import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { formatPorts } from '../proxy/http/listen-ports.js';
import {
  InterceptConfigError,
  type InterceptOptions,
  jobCaCertificates,
  OutboundProxy,
  OutboundProxyConfigError,
  type Pins,
  PORTS_IN_USE_EXIT_CODE,
  PortsInUseError,
  readLockedHashesFile,
  readPinsFile,
  StoreDirError,
  startProxy,
  startTunnelRelay,
  UpstreamConfigError,
} from '../proxy/index.js';
import { HELP, type ProxyArgs, parseProxyArgs, UsageError } from './proxy-args.js';
import { exitLine, startLine } from './proxy-report.js';

/** Written next to the target and renamed, so a poller never reads half a URL. */
async function writeReadyFile(path: string, url: string): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, url);
  await rename(temp, path);
}

/** The pins file, or a UsageError naming --pins, the path and what the file must hold. */
async function readPins(path: string): Promise<Pins> {
  try {
    return await readPinsFile(path);
  } catch (error: unknown) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'a folder, not a file'
          : error instanceof SyntaxError
            ? `not JSON (${error.message})`
            : (error as Error).message;
    throw new UsageError(
      `--pins ${JSON.stringify(path)}: ${why}; expected a JSON file {"projects": {"<name>": ["<version>", ...]}}`,
    );
  }
}

/** Store trouble in flag terms: the CLI's user typed --store, not "mkdir". */
function storeUsageError(value: string, error: StoreDirError): UsageError {
  return new UsageError(
    `--store ${JSON.stringify(value)}: ${error.reason}; expected a folder the proxy can create or write, or a populated store it can read (then served frozen)`,
  );
}

/**
 * Test-only: the grace period on SIGTERM in ms (PYPI_CACHE_PROXY_TEST_SHUTDOWN_GRACE_MS), so the
 * suite's stuck-request case waits 1 s, not 5 s, for its 503. Not a flag: a job has no reason to
 * give what is under way less time, and the action's stop bound counts on the default.
 */
function testShutdownGraceMs(env: NodeJS.ProcessEnv): number | undefined {
  const ms = Number(env.PYPI_CACHE_PROXY_TEST_SHUTDOWN_GRACE_MS);
  return Number.isSafeInteger(ms) && ms > 0 ? ms : undefined;
}

/**
 * Interception's options. The test-only origin mapping comes from the environment, never a flag
 * (PYPI_CACHE_PROXY_TEST_ORIGINS: JSON host -> loopback origin; PYPI_CACHE_PROXY_TEST_CA: a PEM
 * file the daemon trusts for those origins): the e2e tests start the daemon through the action.
 * The mapping fails closed (origin-map.ts), so setting it can only keep the daemon on loopback.
 */
async function interceptOptions(args: ProxyArgs, env = process.env): Promise<InterceptOptions> {
  const testOrigins = env.PYPI_CACHE_PROXY_TEST_ORIGINS;
  const testCa = env.PYPI_CACHE_PROXY_TEST_CA;
  return {
    mirrors: args.interceptUpstreams,
    lockedHashes: args.lockedHashes ? await readLockedHashesFile(args.lockedHashes) : undefined,
    ...(testOrigins ? { testOrigins: JSON.parse(testOrigins) as Record<string, string> } : {}),
    ...(testCa ? { testUpstreamCa: [await readFile(testCa, 'utf8')] } : {}),
  };
}

/**
 * The page parser worker beside this module: dist/page-parser.js in the bundle; from the source
 * tree (run under tsx, whose loader the worker inherits) src/cli/page-parser.ts.
 */
function pageParserScript(moduleUrl: string): URL | undefined {
  const script = new URL(moduleUrl.endsWith('.ts') ? './page-parser.ts' : './page-parser.js', moduleUrl);
  return existsSync(script) ? script : undefined;
}

function parseOrExit(argv: string[]): ProxyArgs {
  try {
    return parseProxyArgs(argv);
  } catch (error: unknown) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`pypi-cache-proxy: ${error.message}\nTry --help.\n`);
    process.exit(2);
  }
}

export async function run(argv: string[] = process.argv.slice(2)): Promise<void> {
  const args = parseOrExit(argv);
  if (args.help) {
    process.stdout.write(HELP);
    return;
  }
  if (args.tunnelRelay) {
    await runTunnelRelay(args);
    return;
  }
  try {
    const proxy = await startProxy({
      storeDir: args.store,
      upstreams: args.upstreams,
      allowFileHosts: args.allowFileHosts,
      host: args.host,
      port: args.port,
      indexPolicy: args.indexPolicy,
      logFile: args.log,
      manifestPath: args.manifest,
      pins: args.pins ? await readPins(args.pins) : undefined,
      pageDeadlineMs: args.pageDeadlineMs,
      maxPageBytes: args.maxPageBytes,
      maxFileBytes: args.maxFileBytes,
      intercept: args.intercept ? await interceptOptions(args) : undefined,
      memoryBudgetBytes: args.memoryBudgetBytes,
      shutdownGraceMs: testShutdownGraceMs(process.env),
      pageParserScript: pageParserScript(import.meta.url),
      outboundProxy: OutboundProxy.fromEnv(process.env),
      // The certificates pip and uv check an index against: a corporate or internal CA.
      trustedCa: jobCaCertificates(process.env),
      onWarning: (message) => process.stderr.write(`warning: ${message}\n`),
    });
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) {
        // A second signal means now: no more waiting for anything.
        process.stderr.write(`pypi-cache-proxy: ${signal} again, exiting at once\n`);
        process.exit(1);
      }
      stopping = true;
      process.stderr.write(
        `pypi-cache-proxy: ${signal}, finishing what is under way (a few seconds at most; a second signal exits at once)\n`,
      );
      proxy.close().then(
        () => {
          process.stdout.write(`${exitLine(proxy.stats())}\n`);
          process.exit(0);
        },
        (error: unknown) => {
          process.stderr.write(`pypi-cache-proxy: shutdown failed: ${(error as Error).message}\n`);
          process.exit(1);
        },
      );
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
    if (args.intercept && proxy.caCertPem) await writeReadyFile(args.intercept, proxy.caCertPem);
    if (args.readyFile) await writeReadyFile(args.readyFile, proxy.url);
    process.stdout.write(`${startLine(proxy)}\n`);
  } catch (error: unknown) {
    const usage = error instanceof StoreDirError ? storeUsageError(args.store, error) : error;
    if (usage instanceof UsageError) {
      process.stderr.write(`pypi-cache-proxy: ${usage.message}\nTry --help.\n`);
      process.exit(2);
    }
    if (error instanceof PortsInUseError) {
      // Its own exit code: the action tells a taken proxy-port from other start-up failures.
      process.stderr.write(`pypi-cache-proxy: --port ${formatPorts(args.port)}: ${error.message}\n`);
      process.exit(PORTS_IN_USE_EXIT_CODE);
    }
    const code =
      error instanceof UpstreamConfigError ||
      error instanceof InterceptConfigError ||
      error instanceof OutboundProxyConfigError
        ? 2
        : 1;
    process.stderr.write(`pypi-cache-proxy: ${(error as Error).message}\n`);
    process.exit(code);
  }
}

/** `--tunnel-relay`: a plain CONNECT relay until SIGTERM/SIGINT or its lifetime ends. */
async function runTunnelRelay(args: ProxyArgs, env = process.env): Promise<void> {
  const testOrigins = env.PYPI_CACHE_PROXY_TEST_ORIGINS;
  try {
    if (args.port.length !== 1)
      throw new UsageError('--tunnel-relay takes one --port: the address clients already have');
    const relay = await startTunnelRelay({
      host: args.host,
      port: args.port[0] as number,
      outbound: OutboundProxy.fromEnv(env),
      ...(testOrigins ? { testOrigins: JSON.parse(testOrigins) as Record<string, string> } : {}),
      onWarning: (message) => process.stderr.write(`warning: ${message}\n`),
    });
    const stop = () => relay.close().then(() => process.exit(0));
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    if (args.readyFile) await writeReadyFile(args.readyFile, relay.url);
    process.stdout.write(`pypi-cache-proxy: tunnel relay on ${relay.url} (CONNECT only, nothing stored)\n`);
  } catch (error: unknown) {
    process.stderr.write(`pypi-cache-proxy: tunnel relay: ${(error as Error).message}\n`);
    process.exit(1);
  }
}
