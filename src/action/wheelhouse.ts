import { copyFile, link, mkdir, rm } from 'node:fs/promises';
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
    byName.set(file.filename, file.sha256);
  }

  await mkdir(options.folder, { recursive: true });
  for (const [filename, sha256] of byName) {
    const source = await storedFile(options.storeDir, sha256);
    if (!source) {
      await rm(options.folder, { recursive: true, force: true });
      return { reason: `the store lacks ${filename}` };
    }
    await linkOrCopy(source, join(options.folder, filename));
  }
  return {
    offered: { path: options.folder, files: record.files },
    reason: `${byName.size} stored files linked into ${options.folder}`,
  };
}

/** A hard link costs nothing; a copy where the store is on another file system. */
async function linkOrCopy(source: string, target: string): Promise<void> {
  try {
    await link(source, target);
  } catch {
    await copyFile(source, target);
  }
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
