// `pypi-cache-proxy`: starts the proxy, reports readiness, and shuts down cleanly on SIGTERM or
// SIGINT (downloads under way finish, the manifest is written) with exit code 0.
import { rename, writeFile } from 'node:fs/promises';
import { readPinsFile, startProxy, UpstreamConfigError } from '../proxy/index.js';
import { HELP, type ProxyArgs, parseProxyArgs, UsageError } from './proxy-args.js';

/** Written next to the target and renamed, so a poller never reads half a URL. */
async function writeReadyFile(path: string, url: string): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, url);
  await rename(temp, path);
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
  try {
    const proxy = await startProxy({
      storeDir: args.store,
      upstreams: args.upstreams,
      host: args.host,
      port: args.port,
      indexPolicy: args.indexPolicy,
      logFile: args.log,
      manifestPath: args.manifest,
      pins: args.pins ? await readPinsFile(args.pins) : undefined,
      pageDeadlineMs: args.pageDeadlineMs,
      onWarning: (message) => process.stderr.write(`warning: ${message}\n`),
    });
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      process.stderr.write(`pypi-cache-proxy: ${signal}, finishing downloads under way\n`);
      proxy.close().then(
        () => process.exit(0),
        (error: unknown) => {
          process.stderr.write(`pypi-cache-proxy: shutdown failed: ${(error as Error).message}\n`);
          process.exit(1);
        },
      );
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
    if (args.readyFile) await writeReadyFile(args.readyFile, proxy.url);
    process.stdout.write(`pypi-cache-proxy listening on ${proxy.url} (index ${proxy.url}/simple/)\n`);
  } catch (error: unknown) {
    const code = error instanceof UpstreamConfigError ? 2 : 1;
    process.stderr.write(`pypi-cache-proxy: ${(error as Error).message}\n`);
    process.exit(code);
  }
}
