// The machine the figures come from, for the report.
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { runCommand } from './processes.js';

export async function describeMachine(): Promise<Record<string, string>> {
  const cpuinfo = await readFile('/proc/cpuinfo', 'utf8').catch(() => '');
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  const python = await runCommand('python3', ['--version']).catch(() => undefined);
  const pip = await runCommand('python3', ['-m', 'pip', '--version']).catch(() => undefined);
  const osRelease = await readFile('/etc/os-release', 'utf8').catch(() => '');
  return {
    cpu: `${model} (${os.cpus().length} logical cores)`,
    memory: `${Math.round(os.totalmem() / 1024 ** 3)} GiB`,
    os: `${/^PRETTY_NAME="?([^"\n]+)"?$/m.exec(osRelease)?.[1] ?? os.type()}, kernel ${os.release()}`,
    node: process.version,
    python: python?.stdout.trim() || python?.stderr.trim() || 'unknown',
    pip: pip?.stdout.trim().split(' from ')[0] ?? 'unknown',
  };
}
