import { readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';

// Whether the requirements files pin every requirement to one version, for the wheelhouse
// (action/wheelhouse.ts): only then is "the files the last job used" the same set pip would
// pick again, so `pip install --no-index --find-links <folder>` can replace the index. Unlike
// lockfile-pins.ts (best effort, for the proxy) this is strict: anything it does not recognise
// as a pin makes the files "not pinned", and the index route is used.

export interface RequirementPin {
  /** PEP 503 normalized. */
  project: string;
  version: string;
  /** Behind an environment marker: pip may skip it, so the store need not hold it. */
  conditional: boolean;
}

export type PinnedRequirements = { pinned: true; pins: RequirementPin[] } | { pinned: false; reason: string };

/** The requirements files (`*.txt`) among `files` (workspace-relative), all pinned, or why not. */
export function readPinnedRequirements(workspace: string, files: string[]): PinnedRequirements {
  const requirementFiles = files.filter((file) => file.endsWith('.txt'));
  if (requirementFiles.length === 0)
    return { pinned: false, reason: 'no requirements file (*.txt) among the dependency files' };
  const known = new Set(requirementFiles.map((file) => normalize(file)));
  const pins: RequirementPin[] = [];
  for (const file of requirementFiles) {
    let text: string;
    try {
      text = readFileSync(join(workspace, file), 'utf8');
    } catch (error: unknown) {
      return { pinned: false, reason: `${file} cannot be read (${(error as Error).message})` };
    }
    for (const [number, line] of logicalLines(text)) {
      const where = `${file} line ${number}`;
      const verdict = line.startsWith('-') ? optionVerdict(line, file, known) : pinOf(line);
      if (typeof verdict === 'string') return { pinned: false, reason: `${where}: ${verdict}` };
      if (verdict) pins.push(verdict);
    }
  }
  return { pinned: true, pins };
}

/** pip's reading: `\` joins lines, `#` after whitespace (or first) starts a comment. */
function logicalLines(text: string): [number, string][] {
  const lines: [number, string][] = [];
  let pending = '';
  let start = 0;
  text.split(/\r?\n/).forEach((raw, index) => {
    if (!pending) start = index + 1;
    const line = raw.replace(/(^|\s)#.*$/, '');
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      return;
    }
    const joined = (pending + line).trim();
    pending = '';
    if (joined) lines.push([start, joined]);
  });
  if (pending.trim()) lines.push([start, pending.trim()]);
  return lines;
}

// Options that add no requirement of their own (pip's req_file.py SUPPORTED_OPTIONS).
const HARMLESS_OPTIONS = new Set([
  '-i',
  '--index-url',
  '--extra-index-url',
  '--no-index',
  '-f',
  '--find-links',
  '--trusted-host',
  '--prefer-binary',
  '--only-binary',
  '--no-binary',
  '--require-hashes',
  '--pre',
  '--use-feature',
  '-c',
  '--constraint',
]);

/** undefined for a harmless option line, a reason for one that may add unpinned requirements. */
function optionVerdict(line: string, file: string, known: Set<string>): string | undefined {
  const match = /^(-{1,2}[A-Za-z-]+)(?:[=\s]\s*(.*))?$/.exec(line);
  const option = match?.[1] ?? line;
  const value = match?.[2]?.trim() ?? '';
  if (option === '-r' || option === '--requirement') {
    // Included files count only when they are among the files checked here.
    const included = normalize(join(dirname(file), value));
    return known.has(included)
      ? undefined
      : `'${line}' includes a file that is not among the dependency files`;
  }
  if (HARMLESS_OPTIONS.has(option)) return undefined;
  return `'${line}' is not a pinned requirement`;
}

// `name==1.2.3`, `name[extra]===1.2.3`, then an optional `; marker` and `--hash` options.
const PIN = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[[^\]]*\])?\s*===?\s*([A-Za-z0-9.!+_-]+)$/;

function pinOf(line: string): RequirementPin | string {
  const withoutHashes = line.replace(/\s--hash(?:=|\s+)\S+/g, '').trim();
  const semicolon = withoutHashes.indexOf(';');
  const spec = (semicolon < 0 ? withoutHashes : withoutHashes.slice(0, semicolon)).trim();
  const match = PIN.exec(spec);
  if (!match?.[1] || !match[2]) return `'${line}' is not pinned to one version with ==`;
  return {
    project: match[1].toLowerCase().replace(/[-_.]+/g, '-'),
    version: match[2].toLowerCase(),
    conditional: semicolon >= 0 && withoutHashes.slice(semicolon + 1).trim() !== '',
  };
}
