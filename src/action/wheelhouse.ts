import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, copyFile, link, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { PinnedRequirements, RequirementPin } from '../key/pinned-requirements.js';
import type { Manifest } from '../proxy/index.js';
import {
  readWheelhouseRecord,
  removeWheelhouseRecord,
  storedFile,
  usedDistributionFiles,
  type WheelhouseFile,
  writeWheelhouseRecord,
} from '../proxy/launcher.js';

// The wheelhouse route (issue 11): on an exact hit whose entry is complete for its key, the
// stored files the lockfile needs are linked into a folder, and pip installs from it with
// `--no-index --find-links <folder>`: no index, no server, no HTTP. Offered only where that
// picks the same files the index would: every requirement pinned, and the job that saved the
// entry used a stored file for every pin (post step, recordWheelhouse). Otherwise the proxy's
// index stays the route; it is there on every job as the fallback anyway.

export interface OfferedWheelhouse {
  path: string;
  files: WheelhouseFile[];
}

/** The first pin (not behind a marker) with no file of its project and version, if any. */
export function missingPin(pins: RequirementPin[], files: WheelhouseFile[]): RequirementPin | undefined {
  const have = new Set(files.map((file) => `${file.project} ${versionInFileName(file.filename)}`));
  return pins.find((pin) => !pin.conditional && !have.has(`${pin.project} ${pin.version}`));
}

/** The version part of a wheel (PEP 427) or sdist file name, lowercased. */
function versionInFileName(filename: string): string {
  if (filename.endsWith('.whl')) return (filename.split('-')[1] ?? '').toLowerCase();
  const stem = filename.replace(/\.(tar\.gz|tar\.bz2|tar\.xz|zip|tgz)$/i, '');
  return stem.slice(stem.lastIndexOf('-') + 1).toLowerCase();
}

/** The project part of a wheel or sdist file name, PEP 503 normalized: what pip matches on. */
function projectInFileName(filename: string): string {
  const stem = filename.endsWith('.whl')
    ? (filename.split('-')[0] ?? '')
    : filename.replace(/\.(tar\.gz|tar\.bz2|tar\.xz|zip|tgz)$/i, '').replace(/-[^-]*$/, '');
  return stem.toLowerCase().replace(/[-_.]+/g, '-');
}

/** Main step: links the files into `folder` when safe; says why not otherwise. */
export async function offerWheelhouse(options: {
  key: string;
  cacheHit: boolean;
  storeDir: string;
  requirements: PinnedRequirements;
  folder: string;
}): Promise<{ offered?: OfferedWheelhouse; reason: string }> {
  // Whatever an earlier run outside Actions left there is not this entry's.
  await rm(options.folder, { recursive: true, force: true });
  if (!options.cacheHit) return { reason: 'no exact hit, so the store may lack files this lockfile needs' };
  if (!options.requirements.pinned)
    return { reason: `not every requirement is pinned: ${options.requirements.reason}` };
  const record = await readWheelhouseRecord(options.storeDir, options.key);
  if (!record) {
    return {
      reason:
        'the entry records no complete set of files for this key (the job that saved it did not get a stored file for every pinned requirement through the proxy)',
    };
  }
  const missing = missingPin(options.requirements.pins, record.files);
  if (missing) return { reason: `the entry holds no file for ${missing.project}==${missing.version}` };
  const byName = new Map<string, string>();
  for (const file of record.files) {
    if ((byName.get(file.filename) ?? file.sha256) !== file.sha256)
      return { reason: `two different files are named ${file.filename}` };
    // pip picks a file by its name: one named for another project would not be the pin's.
    if (projectInFileName(file.filename) !== file.project)
      return { reason: `the record lists ${file.filename} for ${file.project}, a file of another project` };
    byName.set(file.filename, file.sha256);
  }

  await mkdir(options.folder, { recursive: true });
  for (const [filename, sha256] of byName) {
    const problem = await linkVerified(options.storeDir, sha256, options.folder, filename);
    if (problem) {
      await rm(options.folder, { recursive: true, force: true });
      return { reason: problem };
    }
  }
  return {
    offered: { path: options.folder, files: record.files },
    reason: `${byName.size} stored files linked into ${options.folder}`,
  };
}

/**
 * Links (or copies) the stored file to `target` and checks its bytes against `sha256`; a reason
 * when it cannot be given to pip. The index route hands pip the sha256 with the URL and pip
 * checks it; `--find-links` on a folder checks nothing, so this is the only check a file of a
 * restored entry (damaged, or altered by whoever could write it) gets before it is installed.
 * A hard link shares the store's bytes: it is made read-only, so a later step writing into the
 * folder (`pip wheel -w`, `pip download -d` over a same-named file) cannot alter the store's
 * copy, which a repaired entry would save and the proxy serve under the old sha256.
 */
async function linkVerified(
  storeDir: string,
  sha256: string,
  folder: string,
  filename: string,
): Promise<string | undefined> {
  const source = await storedFile(storeDir, sha256);
  if (!source) return `the store lacks ${filename}`;
  const target = join(folder, filename);
  let linked = true;
  try {
    await link(source, target);
  } catch {
    linked = false;
    await copyFile(source, target);
  }
  if ((await sha256OfFile(target)) !== sha256)
    return `the stored bytes of ${filename} do not match its sha256 ${sha256} (a damaged or altered entry)`;
  if (linked) await chmod(target, 0o444);
  return undefined;
}

/**
 * Post step, before a save: the wheelhouse's files whose bytes in the store no longer match
 * their sha256 (a step wrote into the folder through the hard link; read-only bits do not stop
 * root), removed from the store so no entry saves them. Returns their file names.
 */
export async function removeAlteredWheelhouseFiles(
  storeDir: string,
  files: WheelhouseFile[],
): Promise<string[]> {
  const altered: string[] = [];
  for (const file of files) {
    const path = await storedFile(storeDir, file.sha256);
    if (!path || (await sha256OfFile(path)) === file.sha256) continue;
    await rm(path, { force: true });
    altered.push(file.filename);
  }
  return altered;
}

async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Post step, before the save: the record when this job used a stored file for every pin
 * (and what the wheelhouse served it, which the proxy never saw), else none. Returns a log line.
 */
export async function recordWheelhouse(options: {
  storeDir: string;
  key: string;
  pins: RequirementPin[] | undefined;
  manifest: Manifest | undefined;
  /** Why the job's installs may have gone past the store, if they may have. */
  bypass: string | undefined;
}): Promise<string> {
  const skip = async (reason: string) => {
    await removeWheelhouseRecord(options.storeDir);
    return `Wheelhouse: not recorded for the next job: ${reason}.`;
  };
  if (!options.pins) return skip('not every requirement is pinned');
  if (options.bypass) return skip(options.bypass);
  if (!options.manifest) return skip('the proxy left no record of what the job used');
  const files = await usedDistributionFiles(options.storeDir, options.manifest);
  const missing = missingPin(options.pins, files);
  if (missing) return skip(`the store holds no file for ${missing.project}==${missing.version}`);
  await writeWheelhouseRecord(options.storeDir, { version: 1, key: options.key, files });
  return `Wheelhouse: recorded ${files.length} files for the next job with this key.`;
}

/** The manifest with the wheelhouse's files and pages added: they were used, the proxy never saw it. */
export function withWheelhouseFiles(manifest: Manifest, files: WheelhouseFile[]): Manifest {
  const pages = new Map(manifest.pages.map((page) => [`${page.upstream}/${page.project}`, page]));
  for (const { upstream, project } of files) pages.set(`${upstream}/${project}`, { upstream, project });
  return {
    ...manifest,
    files: [...new Set([...manifest.files, ...files.map((file) => file.sha256)])],
    pages: [...pages.values()],
  };
}
