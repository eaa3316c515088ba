import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// The exact versions the dependency files pin, for the proxy: a stored page that lists every
// pinned version of its project need not be asked upstream again (src/proxy/pins.ts).
// Best effort by design: a pin missed here costs one conditional request, nothing more.

/** Project name (as written) -> pinned versions. */
export type LockfilePins = Record<string, string[]>;

export function readLockfilePins(workspace: string, files: string[]): LockfilePins {
  const pins: Record<string, Set<string>> = {};
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(join(workspace, file), 'utf8');
    } catch {
      continue;
    }
    for (const [name, version] of pinsIn(file, text)) {
      const key = name.toLowerCase().replace(/[-_.]+/g, '-');
      if (!pins[key]) pins[key] = new Set();
      pins[key].add(version);
    }
  }
  return Object.fromEntries(Object.entries(pins).map(([name, versions]) => [name, [...versions].sort()]));
}

function pinsIn(file: string, text: string): [string, string][] {
  const name = file.slice(file.lastIndexOf('/') + 1);
  if (name.endsWith('.txt')) return requirementPins(text);
  if (name === 'Pipfile.lock') return pipfileLockPins(text);
  if (name.endsWith('.lock') || /^pylock\..*toml$|^pylock\.toml$/.test(name)) return tomlPackagePins(text);
  return [];
}

// `name==1.2.3`, `name[extra]==1.2.3 ; marker`, `name===1.2.3`, with `--hash` continuations.
// A wildcard (`==7.*`) or a second clause (`==1.0,!=1.0.1`) is no single version: not a pin.
const REQUIREMENT_PIN =
  /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*===?\s*([A-Za-z0-9.!+_-]+)\s*(?:$|[;\\#])/;

function requirementPins(text: string): [string, string][] {
  const pins: [string, string][] = [];
  for (const line of text.split(/\r?\n/)) {
    const match = REQUIREMENT_PIN.exec(line);
    if (match?.[1] && match[2]) pins.push([match[1], match[2]]);
  }
  return pins;
}

// uv.lock, poetry.lock, pdm.lock ([[package]]) and pylock.toml ([[packages]]): a table per
// package with `name = "..."` and `version = "..."` lines. No TOML parser needed for that.
function tomlPackagePins(text: string): [string, string][] {
  const pins: [string, string][] = [];
  for (const table of text.split(/^\[\[packages?\]\]\s*$/m).slice(1)) {
    const body = table.split(/^\[/m)[0] ?? '';
    const name = /^name\s*=\s*"([^"]+)"/m.exec(body)?.[1];
    const version = /^version\s*=\s*"([^"]+)"/m.exec(body)?.[1];
    if (name && version) pins.push([name, version]);
  }
  return pins;
}

function pipfileLockPins(text: string): [string, string][] {
  try {
    const lock = JSON.parse(text) as Record<string, Record<string, { version?: string }>>;
    return ['default', 'develop'].flatMap((section) =>
      Object.entries(lock[section] ?? {}).flatMap(([name, entry]): [string, string][] => {
        const version = entry.version?.replace(/^===?/, '');
        return version ? [[name, version]] : [];
      }),
    );
  } catch {
    return [];
  }
}
