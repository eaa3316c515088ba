// wrk (Debian's package) as the load generator for raw throughput: a native client, so the
// figures measure the servers, not a JavaScript client sharing their two cores. A Lua script
// walks a list of paths on one origin and prints wrk's own totals as JSON.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCommand } from './processes.js';

export interface WrkResult {
  requests: number;
  bytes: number;
  seconds: number;
  /** Socket errors (connect, read, write, timeout) and non-2xx/3xx answers. */
  errors: number;
}

const SCRIPT = `
local paths = {}
for line in io.lines(os.getenv("WRK_PATHS")) do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[((i - 1) % #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK_JSON {"requests":%d,"bytes":%d,"us":%d,"errors":%d}\\n',
    summary.requests, summary.bytes, summary.duration,
    e.connect + e.read + e.write + e.status + e.timeout))
end
`;

/** `connections` keep-alive connections on two threads for `seconds`, over `urls` (one origin). */
export async function runWrk(
  binary: string,
  workDir: string,
  options: { urls: string[]; connections: number; seconds: number },
): Promise<WrkResult> {
  const origin = new URL(options.urls[0]).origin;
  const tag = `${process.pid}-${Math.random().toString(36).slice(2)}`;
  const script = join(workDir, `wrk-${tag}.lua`);
  const paths = join(workDir, `wrk-${tag}.paths`);
  await writeFile(script, SCRIPT);
  await writeFile(paths, `${options.urls.map((url) => new URL(url).pathname).join('\n')}\n`);
  const result = await runCommand(
    binary,
    ['-t2', `-c${options.connections}`, `-d${options.seconds}s`, '--timeout', '30s', '-s', script, origin],
    { env: { ...process.env, WRK_PATHS: paths }, timeoutMs: (options.seconds + 60) * 1000 },
  );
  const line = result.stdout.split('\n').find((l) => l.startsWith('WRK_JSON '));
  if (result.code !== 0 || !line)
    throw new Error(`wrk failed (${result.code}): ${result.stderr.slice(-500)}`);
  const totals = JSON.parse(line.slice('WRK_JSON '.length)) as {
    requests: number;
    bytes: number;
    us: number;
    errors: number;
  };
  return {
    requests: totals.requests,
    bytes: totals.bytes,
    seconds: totals.us / 1e6,
    errors: totals.errors,
  };
}
