// Files asked for under interception, by their upstream URL (https://files.pythonhosted.org/
// packages/...): a lockfile install asks for a file without its project page, so the expected
// hash comes from, in this order: the project page when this run or the store already has it,
// the lockfile (locked-hashes.ts), the blake2b-256 digest in a PyPI file path (path-digest.ts),
// and only then the page fetched from upstream (once, and stored). A file none of these vouch
// for is refused: no byte is stored unverified. Verified files get a name record (upstream,
// project, filename -> sha256), so a later run without page or lockfile finds them by URL.
import { IntegrityError, NotFoundError } from '../errors.js';
import type { DownloadCoordinator } from '../files/downloads.js';
import { indexSha256, type ResolvedFile } from '../files/file-service.js';
import type { StoredFiles } from '../files/stored-files.js';
import { isNormalizedProjectName, isSha256Hex, isValidFileName, normalizeProjectName } from '../names.js';
import type { PageService } from '../pages/page-service.js';
import type { ProjectFile, ProjectPage } from '../pages/pages.js';
import type { ProxyStats } from '../stats.js';
import type { ManifestRecorder } from '../store/manifest.js';
import type { ContentStore } from '../store/store.js';
import type { Upstream } from '../upstream/upstream-config.js';
import { type LockedHashes, lockedUrlKey } from './locked-hashes.js';
import { pathDigestOf } from './path-digest.js';

export type VerifiedBy = 'page' | 'lockfile' | 'path-digest' | 'store';

export interface InterceptedFile {
  resolved: ResolvedFile;
  /** What the bytes were (or will be) checked against; `store`: already verified and stored. */
  verifiedBy: VerifiedBy;
}

export interface InterceptedFileRequest {
  upstream: Upstream;
  url: URL;
  /** Whether the host's file paths carry Warehouse's blake2b-256 digest. */
  pathDigests: boolean;
}

/**
 * The normalized project name a distribution's file name starts with: wheels (PEP 427) and
 * sdists (PEP 625: `{name}-{version}.tar.gz`, older ones with dashes in the name too).
 */
export function projectOfFilename(filename: string): string | undefined {
  let name: string | undefined;
  if (filename.endsWith('.whl')) name = filename.split('-')[0];
  else {
    const base = filename.replace(/\.(tar\.gz|tar\.bz2|tgz|zip|tar)$/, '');
    if (base === filename) return undefined;
    name = base.slice(0, Math.max(0, base.lastIndexOf('-')));
  }
  const project = normalizeProjectName(name ?? '');
  return isNormalizedProjectName(project) ? project : undefined;
}

function withoutFragment(url: string): string {
  return url.split('#', 1)[0] ?? url;
}

function sha256OnPage(page: ProjectPage | undefined, urlKey: string, metadata: boolean): string | undefined {
  const entry = page?.files.find(
    (file: ProjectFile) =>
      lockedUrlKey(metadata ? `${withoutFragment(file.url)}.metadata` : withoutFragment(file.url)) === urlKey,
  );
  if (!entry) return undefined;
  if (!metadata) return indexSha256(entry);
  const hashes = entry.coreMetadata;
  return hashes && hashes !== true && isSha256Hex(hashes.sha256 ?? '') ? hashes.sha256 : undefined;
}

export class InterceptedFiles {
  constructor(
    private readonly deps: {
      store: ContentStore;
      pages: PageService;
      downloads: DownloadCoordinator;
      manifest: ManifestRecorder;
      stats: ProxyStats;
      lockedHashes: LockedHashes;
      /** The index routes' lookup, with the run's memory of stored files (stored-files.ts). */
      storedFiles: StoredFiles;
    },
  ) {}

  async resolve(request: InterceptedFileRequest): Promise<InterceptedFile> {
    const { upstream, url } = request;
    const recordName = decodeURIComponent(url.pathname.slice(url.pathname.lastIndexOf('/') + 1));
    const metadata = recordName.endsWith('.metadata');
    const filename = metadata ? recordName.slice(0, -'.metadata'.length) : recordName;
    const project = isValidFileName(recordName) ? projectOfFilename(filename) : undefined;
    const urlKey = lockedUrlKey(url);
    if (!project || !urlKey) throw new NotFoundError('not a distribution file');

    let verifiedBy: VerifiedBy = 'page';
    let sha256 = sha256OnPage(await this.deps.pages.known(upstream, project), urlKey, metadata);
    if (!sha256) {
      sha256 = this.deps.lockedHashes.get(urlKey);
      verifiedBy = 'lockfile';
    }
    const blake2b256 = request.pathDigests && !metadata ? pathDigestOf(url.pathname) : undefined;
    if (!sha256 && !blake2b256) {
      // Nothing known vouches for this URL: the page does, once fetched (and stored).
      const { value: page } = await this.deps.pages.project(upstream, project);
      sha256 = sha256OnPage(page, urlKey, metadata);
      verifiedBy = 'page';
      if (!sha256) {
        throw new IntegrityError(
          `${urlKey}: no sha256 on the ${project} page of ${upstream.name}, none in the lockfile, no digest in the path; not downloaded`,
        );
      }
    }
    if (!sha256) verifiedBy = 'path-digest';

    const known = sha256 ?? (await this.deps.store.readName(upstream.name, project, recordName));
    const stored = known && (await this.stored(known));
    if (stored) {
      if (!sha256) this.deps.manifest.name(upstream.name, project, recordName);
      return { resolved: stored, verifiedBy: 'store' };
    }
    const source = verifiedBy;
    const download = this.deps.downloads.get({
      key: sha256 ?? `blake2b:${blake2b256}`,
      upstream,
      url: urlKey,
      expectedSha256: sha256,
      // A known sha256 checks every byte by itself; the path's blake2b-256 is checked only when
      // it is all there is (it cost ~7 s of CPU per 247 MB cold pass on top: issue 10).
      expectedBlake2b256: sha256 ? undefined : blake2b256,
      onCommitted: async (committed) => {
        this.deps.manifest.file(committed);
        await this.deps.store.writeName(upstream.name, project, recordName, committed);
        this.deps.manifest.name(upstream.name, project, recordName);
        this.deps.stats.verified[source]++;
      },
    });
    return { resolved: { kind: 'download', download, expectedSha256: sha256 }, verifiedBy };
  }

  private stored(sha256: string): Promise<ResolvedFile | undefined> {
    return this.deps.storedFiles.find(sha256);
  }
}
