// What one proxy run used, written on shutdown so the action's post step can prune the store
// to exactly that before saving it: pages, indexes, files and name records. Format (version 1):
//
//   { "version": 1, "layout": 1, "startedAt": ISO, "finishedAt": ISO,
//     "pages":   [{ "upstream": "pypi", "project": "requests" }],
//     "indexes": ["pypi"],
//     "files":   ["<sha256 hex>"],
//     "names":   [{ "upstream": "private", "project": "tool", "filename": "tool-1.0.tar.gz" }] }
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import {
  fileRelativePath,
  indexRelativePath,
  nameRelativePath,
  pageRelativePath,
  pathInside,
  STORE_LAYOUT_VERSION,
} from './store.js';

export interface PageRef {
  upstream: string;
  project: string;
}

export interface NameRef extends PageRef {
  filename: string;
}

export interface Manifest {
  version: 1;
  layout: number;
  startedAt: string;
  finishedAt: string;
  pages: PageRef[];
  indexes: string[];
  files: string[];
  names: NameRef[];
}

export class ManifestRecorder {
  private readonly startedAt = new Date().toISOString();
  private readonly pages = new Map<string, PageRef>();
  private readonly indexes = new Set<string>();
  private readonly files = new Set<string>();
  private readonly names = new Map<string, NameRef>();

  page(upstream: string, project: string): void {
    this.pages.set(`${upstream}/${project}`, { upstream, project });
  }

  index(upstream: string): void {
    this.indexes.add(upstream);
  }

  file(sha256: string): void {
    this.files.add(sha256);
  }

  name(upstream: string, project: string, filename: string): void {
    this.names.set(`${upstream}/${project}/${filename}`, { upstream, project, filename });
  }

  build(): Manifest {
    // Code-unit order, like the other lists: localeCompare's first call sets up ICU's collator,
    // ~12 ms of CPU at every daemon's exit, for an order nobody reads by locale.
    const byKey = <T extends PageRef>(a: T, b: T) => {
      const [left, right] = [`${a.upstream}/${a.project}`, `${b.upstream}/${b.project}`];
      return left < right ? -1 : left > right ? 1 : 0;
    };
    return {
      version: 1,
      layout: STORE_LAYOUT_VERSION,
      startedAt: this.startedAt,
      finishedAt: new Date().toISOString(),
      pages: [...this.pages.values()].sort(byKey),
      indexes: [...this.indexes].sort(),
      files: [...this.files].sort(),
      names: [...this.names.values()].sort(byKey),
    };
  }
}

/** Written beside the target and renamed: a full disk leaves no half manifest for the post step. */
export async function writeManifest(path: string, manifest: Manifest): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(temp, `${JSON.stringify(manifest, null, 2)}\n`);
    await rename(temp, path);
  } catch (error: unknown) {
    await rm(temp, { force: true });
    throw error;
  }
}

export async function readManifest(path: string): Promise<Manifest> {
  const manifest = JSON.parse(await readFile(path, 'utf8')) as Manifest;
  if (manifest.version !== 1)
    throw new Error(`${path}: unsupported manifest version ${String(manifest.version)}`);
  return manifest;
}

async function listFiles(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries.filter((entry) => entry.isFile()).map((entry) => `${entry.parentPath}/${entry.name}`);
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

export interface PruneResult {
  kept: number;
  removed: number;
}

/**
 * Deletes every page, index, file and name record the manifest does not list, and tmp/.
 * Entries the manifest names with invalid values are ignored, never turned into paths.
 */
export async function pruneStoreToManifest(storeDir: string, manifest: Manifest): Promise<PruneResult> {
  const keep = new Set<string>();
  const tryKeep = (relativePath: () => string) => {
    try {
      keep.add(pathInside(storeDir, relativePath()));
    } catch {
      // An invalid entry cannot name anything in the store.
    }
  };
  for (const sha256 of manifest.files ?? []) tryKeep(() => fileRelativePath(sha256));
  for (const page of manifest.pages ?? []) tryKeep(() => pageRelativePath(page.upstream, page.project));
  for (const upstream of manifest.indexes ?? []) tryKeep(() => indexRelativePath(upstream));
  for (const name of manifest.names ?? [])
    tryKeep(() => nameRelativePath(name.upstream, name.project, name.filename));

  const result: PruneResult = { kept: 0, removed: 0 };
  for (const area of ['files', 'pages', 'names']) {
    for (const path of await listFiles(pathInside(storeDir, area))) {
      if (keep.has(path)) {
        result.kept++;
      } else {
        await rm(path, { force: true });
        result.removed++;
      }
    }
  }
  await rm(pathInside(storeDir, 'tmp'), { recursive: true, force: true });
  return result;
}

/** How many distribution or metadata files the store holds: 0 means it can serve no install. */
export async function countStoredFiles(storeDir: string): Promise<number> {
  try {
    const entries = await readdir(pathInside(storeDir, 'files'), { recursive: true, withFileTypes: true });
    return entries.filter((entry) => entry.isFile()).length;
  } catch {
    return 0; // no files/ folder at all
  }
}
