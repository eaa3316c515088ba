// The on-disk store. The action saves this directory with @actions/cache and a later job
// restores it and runs the proxy with `--index-policy frozen`, so the layout is a contract:
// change it only together with STORE_LAYOUT_VERSION (and the action's cache-key prefix).
//
//   <store>/
//     layout.json                                  {"layout": 1}
//     files/sha256/<first 2 hex>/<sha256 hex>      distribution files and `.metadata` files,
//                                                  named by the sha256 of their bytes (cacache style:
//                                                  written to tmp/, hashed, renamed in place)
//     pages/<upstream>/projects/<project>.json     StoredPage: the page model with upstream URLs,
//                                                  plus the upstream ETag / Last-Modified, or
//                                                  {"absent": true}: a frozen run's stored 404
//     pages/<upstream>/index.json                  StoredProjectList for `/simple/`
//     names/<upstream>/<project>/<filename>        sha256 hex of a file whose index gave no sha256
//                                                  (the only index from a URL to a hash; files with
//                                                  a sha256 carry it in their proxy URL)
//     tmp/                                         downloads in progress; emptied at start
//     lock                                         the owning proxy's pid (store-lock.ts)
//     manifest.json                                what the last run used (default location)
//     wheelhouse.json                              the files a complete entry's job used, by name
//                                                  (wheelhouse-record.ts; written by the action)
//
// A populated store this process cannot write (a read-only mount, a restored cache owned by
// someone else) opens read-only: no lock (it cannot be created, and a reader cannot break a
// writer: entries appear by rename), downloads go to a private temp folder outside the store and
// are served from there for this run only, and page and name writes are skipped.
//
// <upstream> is a validated upstream name, <project> a PEP 503 normalized name, <filename> a
// validated file name: see names.ts. Every path is also checked to stay inside <store>.
// One proxy process owns a store at a time: open() takes the lock before it touches tmp/.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { isNormalizedProjectName, isSha256Hex, isValidFileName, isValidUpstreamName } from '../names.js';
import type { ProjectList, ProjectPage } from '../pages/pages.js';
import { canWriteIn, ensureStoreDir, isReadOnlyError, layoutFile, StoreDirError } from './store-dir.js';
import { StoreLock } from './store-lock.js';

export const STORE_LAYOUT_VERSION = 1;

export interface UpstreamValidators {
  etag?: string;
  lastModified?: string;
}

export interface StoredPage extends UpstreamValidators {
  fetchedAt: string;
  /** A frozen run's "not on this index" (404) answer, kept for a while; `page` is empty. */
  absent?: true;
  page: ProjectPage;
}

export interface StoredProjectList extends UpstreamValidators {
  fetchedAt: string;
  list: ProjectList;
}

export class StorePathError extends Error {}

/** Joins below `root` and refuses anything that would leave it, whatever the parts hold. */
export function pathInside(root: string, ...parts: string[]): string {
  const base = resolve(root);
  const full = resolve(base, ...parts);
  if (!full.startsWith(base + sep)) throw new StorePathError(`path escapes the store: ${parts.join('/')}`);
  return full;
}

function checked(kind: string, value: string, valid: (value: string) => boolean): string {
  if (!valid(value)) throw new StorePathError(`invalid ${kind}: ${JSON.stringify(value.slice(0, 80))}`);
  return value;
}

export function fileRelativePath(sha256: string): string {
  checked('sha256', sha256, isSha256Hex);
  return join('files', 'sha256', sha256.slice(0, 2), sha256);
}

export function pageRelativePath(upstream: string, project: string): string {
  checked('upstream', upstream, isValidUpstreamName);
  checked('project', project, isNormalizedProjectName);
  return join('pages', upstream, 'projects', `${project}.json`);
}

export function indexRelativePath(upstream: string): string {
  return join('pages', checked('upstream', upstream, isValidUpstreamName), 'index.json');
}

export function nameRelativePath(upstream: string, project: string, filename: string): string {
  checked('upstream', upstream, isValidUpstreamName);
  checked('project', project, isNormalizedProjectName);
  return join('names', upstream, project, checked('filename', filename, isValidFileName));
}

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (error: unknown) {
    // A missing or half-written entry is a miss, not a failure: the page is fetched again.
    if (error instanceof SyntaxError || (error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export class ContentStore {
  private lock: StoreLock | undefined;
  /** Read-only stores only: this run's downloads, outside the store, removed on close. */
  private scratch: string | undefined;

  private constructor(readonly root: string) {}

  /** True when the store could only be opened for reading: nothing new is stored. */
  get readOnly(): boolean {
    return this.scratch !== undefined;
  }

  /**
   * Creates the folder when missing, takes the store's lock (StoreLockedError while another proxy
   * holds it), then empties tmp/. A populated store this process cannot write opens read-only;
   * StoreDirError for a path that is no folder, cannot be created, or is empty and not writable.
   */
  static async open(root: string): Promise<ContentStore> {
    const store = new ContentStore(resolve(root));
    await ensureStoreDir(store.root);
    if (!(await canWriteIn(store.root))) return store.openReadOnly();
    try {
      store.lock = await StoreLock.acquire(store.root);
    } catch (error: unknown) {
      // access() says writable, yet the write fails: a read-only mount seen by root.
      if (isReadOnlyError(error)) return store.openReadOnly();
      throw error;
    }
    await rm(store.tempDir, { recursive: true, force: true });
    await mkdir(store.tempDir, { recursive: true });
    await store.writeLayout();
    return store;
  }

  private async openReadOnly(): Promise<ContentStore> {
    if (!existsSync(layoutFile(this.root))) {
      throw new StoreDirError(this.root, 'the folder is not writable and holds no store (no layout.json)');
    }
    this.scratch = await mkdtemp(join(tmpdir(), 'pypi-cache-proxy-readonly-'));
    return this;
  }

  /**
   * Written only when it differs: a restored store on a full disk must still open, and
   * rewriting the file in place there would leave it empty.
   */
  private async writeLayout(): Promise<void> {
    const content = `${JSON.stringify({ layout: STORE_LAYOUT_VERSION })}\n`;
    const current = await readFile(layoutFile(this.root), 'utf8').catch(() => undefined);
    if (current !== content) await this.writeAtomically('layout.json', content);
  }

  /** Gives the store up for the next owner. */
  async close(): Promise<void> {
    await this.lock?.release();
    this.lock = undefined;
    if (this.scratch) await rm(this.scratch, { recursive: true, force: true });
  }

  get tempDir(): string {
    return this.scratch ?? pathInside(this.root, 'tmp');
  }

  /** A fresh path in tmp/ on the same file system as the store, so the commit is a rename. */
  tempPath(): string {
    return pathInside(this.tempDir, `${Date.now()}-${randomBytes(8).toString('hex')}`);
  }

  filePath(sha256: string): string {
    return pathInside(this.root, fileRelativePath(sha256));
  }

  async fileSize(sha256: string): Promise<number | undefined> {
    try {
      return (await stat(this.filePath(sha256))).size;
    } catch (error: unknown) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /**
   * Moves a verified temp file to its content address and returns where it is now. Callers
   * check the hash first. A read-only store keeps it in its temp folder, for this run only.
   */
  async commitFile(tempPath: string, sha256: string): Promise<string> {
    if (this.readOnly) return tempPath;
    const target = this.filePath(sha256);
    await mkdir(resolve(target, '..'), { recursive: true });
    await rename(tempPath, target);
    return target;
  }

  async readPage(upstream: string, project: string): Promise<StoredPage | undefined> {
    return readJson<StoredPage>(pathInside(this.root, pageRelativePath(upstream, project)));
  }

  async writePage(upstream: string, project: string, stored: StoredPage): Promise<void> {
    return this.writeAtomically(pageRelativePath(upstream, project), JSON.stringify(stored));
  }

  async readProjectList(upstream: string): Promise<StoredProjectList | undefined> {
    return readJson<StoredProjectList>(pathInside(this.root, indexRelativePath(upstream)));
  }

  async writeProjectList(upstream: string, stored: StoredProjectList): Promise<void> {
    return this.writeAtomically(indexRelativePath(upstream), JSON.stringify(stored));
  }

  async readName(upstream: string, project: string, filename: string): Promise<string | undefined> {
    try {
      const sha256 = (
        await readFile(pathInside(this.root, nameRelativePath(upstream, project, filename)), 'utf8')
      ).trim();
      return isSha256Hex(sha256) ? sha256 : undefined;
    } catch (error: unknown) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async writeName(upstream: string, project: string, filename: string, sha256: string): Promise<void> {
    return this.writeAtomically(
      nameRelativePath(upstream, project, filename),
      `${checked('sha256', sha256, isSha256Hex)}\n`,
    );
  }

  private async writeAtomically(relativePath: string, content: string): Promise<void> {
    if (this.readOnly) return;
    const target = pathInside(this.root, relativePath);
    const temp = this.tempPath();
    await mkdir(resolve(target, '..'), { recursive: true });
    try {
      await writeFile(temp, content);
      await rename(temp, target);
    } catch (error: unknown) {
      // A full disk leaves a partial temp file: not worth keeping until the next start.
      await rm(temp, { force: true });
      throw error;
    }
  }
}
