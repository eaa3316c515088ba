// Pinned versions: what the job's lockfiles say it will install. Under `revalidate`, a stored
// page that already lists every pinned version of its project is served without asking
// upstream: a lockfile bump then costs the bumped projects' pages only, not one conditional
// request per project (pip resolves a pinned requirement from the files the page lists).
import { readFile } from 'node:fs/promises';
import { normalizeProjectName } from '../names.js';
import type { ProjectPage } from './pages.js';

/** Normalized project name -> versions pinned for it. */
export type Pins = ReadonlyMap<string, readonly string[]>;

export async function readPinsFile(path: string): Promise<Pins> {
  const parsed = JSON.parse(await readFile(path, 'utf8')) as { projects?: Record<string, unknown> };
  const pins = new Map<string, string[]>();
  for (const [project, versions] of Object.entries(parsed.projects ?? {})) {
    if (!Array.isArray(versions)) continue;
    pins.set(
      normalizeProjectName(project),
      versions.filter((v): v is string => typeof v === 'string'),
    );
  }
  return pins;
}

/** True when the page offers a file for every pinned version of its project. */
export function pageHasPinnedVersions(page: ProjectPage, pinned: readonly string[] | undefined): boolean {
  if (!pinned || pinned.length === 0) return false;
  const offered = new Set(page.files.map((file) => fileVersion(file.filename)).filter(Boolean));
  return pinned.every((version) => offered.has(normalizeVersion(version)));
}

/**
 * The version in a wheel or sdist file name (PEP 427, PEP 625), normalized for comparison;
 * undefined when the name has no recognisable version. A miss only costs an upstream request.
 */
export function fileVersion(filename: string): string | undefined {
  if (filename.endsWith('.whl')) {
    const parts = filename.slice(0, -4).split('-');
    return parts.length >= 5 ? normalizeVersion(parts[1] ?? '') : undefined;
  }
  const sdist = /^(.+)-([^-]+)\.(tar\.gz|zip|tar\.bz2|tar\.xz|tgz|tar)$/i.exec(filename);
  return sdist ? normalizeVersion(sdist[2] ?? '') : undefined;
}

// Enough of PEP 440 normalization for lockfile pins against file names: case, a leading "v",
// and release segments padded with zeros ("1.0" == "1.0.0").
function normalizeVersion(version: string): string {
  const lower = version.trim().toLowerCase().replace(/^v/, '');
  const match = /^(\d+(?:\.\d+)*)(.*)$/.exec(lower);
  if (!match) return lower;
  const release = (match[1] ?? '').split('.').map(Number);
  while (release.length > 1 && release[release.length - 1] === 0) release.pop();
  return `${release.join('.')}${match[2] ?? ''}`;
}
