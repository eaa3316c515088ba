// The wheelhouse record: which stored distribution files a job used, under which file names,
// written into the store by the post step when the entry is complete for its key (every pinned
// requirement has its file). The next job with the same key can then hand pip those files as a
// local folder (`pip install --no-index --find-links`), no server at all (action/wheelhouse.ts).
//
//   <store>/wheelhouse.json   { "version": 1, "key": "<cache key>",
//                               "files": [{ "upstream", "project", "filename", "sha256" }] }
//
// The bytes stay where they are, named by their verified sha256: the record only names them.
import { lstat, readFile, realpath, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isNormalizedProjectName, isSha256Hex, isValidFileName, isValidUpstreamName } from '../names.js';
import type { Manifest } from './manifest.js';
import {
  fileRelativePath,
  nameRelativePath,
  pageRelativePath,
  pathInside,
  type StoredPage,
} from './store.js';

export interface WheelhouseFile {
  upstream: string;
  project: string;
  filename: string;
  sha256: string;
}

export interface WheelhouseRecord {
  version: 1;
  /** The cache key (without generation) the entry was saved for. */
  key: string;
  files: WheelhouseFile[];
}

const RECORD = 'wheelhouse.json';

/**
 * The distribution files (no `.metadata`) the manifest lists, with their names from the stored
 * pages (or name records, for an index without sha256), that the store holds.
 */
export async function usedDistributionFiles(storeDir: string, manifest: Manifest): Promise<WheelhouseFile[]> {
  const used = new Set(manifest.files);
  const found: WheelhouseFile[] = [];
  for (const { upstream, project } of manifest.pages) {
    const stored = await readJson<StoredPage>(storeDir, () => pageRelativePath(upstream, project));
    for (const file of stored?.page.files ?? []) {
      if (file.direct || !isValidFileName(file.filename)) continue;
      const sha256 =
        file.hashes.sha256 ??
        (await readText(storeDir, () => nameRelativePath(upstream, project, file.filename)))?.trim();
      if (sha256 && used.has(sha256) && (await storedFile(storeDir, sha256)))
        found.push({ upstream, project, filename: file.filename, sha256 });
    }
  }
  return found;
}

/**
 * The stored file's path when the store holds it, else undefined. A restored entry is a tar that
 * may hold symbolic links: a link (or a linked folder on the way) pointing out of the store is
 * not the store's file, and a hard link to it would hand pip whatever it points at.
 */
export async function storedFile(storeDir: string, sha256: string): Promise<string | undefined> {
  if (!isSha256Hex(sha256)) return undefined;
  const path = pathInside(storeDir, fileRelativePath(sha256));
  try {
    const [info, real, root] = await Promise.all([lstat(path), realpath(path), realpath(storeDir)]);
    return info.isFile() && real === join(root, fileRelativePath(sha256)) ? path : undefined;
  } catch {
    return undefined;
  }
}

export async function writeWheelhouseRecord(storeDir: string, record: WheelhouseRecord): Promise<void> {
  const target = pathInside(storeDir, RECORD);
  const temp = `${target}.${process.pid}.tmp`;
  try {
    await writeFile(temp, `${JSON.stringify(record)}\n`);
    await rename(temp, target);
  } catch (error: unknown) {
    await rm(temp, { force: true });
    throw error;
  }
}

export async function removeWheelhouseRecord(storeDir: string): Promise<void> {
  await rm(pathInside(storeDir, RECORD), { force: true });
}

/** The record for `key`, or undefined (none, another key's, unreadable, or naming bad values). */
export async function readWheelhouseRecord(
  storeDir: string,
  key: string,
): Promise<WheelhouseRecord | undefined> {
  const record = await readJson<WheelhouseRecord>(storeDir, () => RECORD);
  if (record?.version !== 1 || record.key !== key || !Array.isArray(record.files)) return undefined;
  const valid = record.files.every(
    (file) =>
      isValidUpstreamName(file.upstream) &&
      isNormalizedProjectName(file.project) &&
      isValidFileName(file.filename) &&
      isSha256Hex(file.sha256),
  );
  return valid ? record : undefined;
}

async function readText(storeDir: string, relativePath: () => string): Promise<string | undefined> {
  try {
    return await readFile(pathInside(storeDir, relativePath()), 'utf8');
  } catch {
    return undefined; // missing, or a name that cannot be a store path
  }
}

async function readJson<T>(storeDir: string, relativePath: () => string): Promise<T | undefined> {
  const text = await readText(storeDir, relativePath);
  try {
    return text === undefined ? undefined : (JSON.parse(text) as T);
  } catch {
    return undefined;
  }
}
