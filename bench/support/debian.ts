// Debian packages the bench compares against or drives load with (nginx, wrk), installed with
// apt-get when missing. policy-rc.d 101 keeps a package's service from starting: the bench runs
// its own processes.
import { runCommand } from './processes.js';

/** The path of `command`, installing Debian's `pkg` first when it is missing. */
export async function ensureDebianCommand(
  command: string,
  pkg: string,
  log: (line: string) => void,
): Promise<string> {
  const lookup = `command -v ${command} || ls /usr/sbin/${command}`;
  const found = await runCommand('sh', ['-c', lookup]);
  if (found.code === 0) return found.stdout.trim().split('\n')[0];
  log(`${command} not found: apt-get install ${pkg} (Debian package)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = `apt-get install -y --no-install-recommends ${pkg}`;
  const script =
    'printf "#!/bin/sh\\nexit 101\\n" > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d; ' +
    `(${install} || (apt-get update && ${install})); ` +
    'status=$?; rm -f /usr/sbin/policy-rc.d; exit $status';
  const installed = await runCommand('sh', ['-c', script], { env, timeoutMs: 600_000 });
  if (installed.code !== 0)
    throw new Error(`apt-get install ${pkg} failed: ${installed.stderr.slice(-2000)}`);
  const again = await runCommand('sh', ['-c', lookup]);
  if (again.code !== 0) throw new Error(`${command} still missing after apt-get install ${pkg}`);
  return again.stdout.trim().split('\n')[0];
}
