// Finds the bytes for a `/files/...` route: the store when it holds them, otherwise a
// (single-flight) download from the upstream URL the project page recorded. Files the index
// lists with a sha256 are addressed by it; files without one (some private indexes) are still
// downloaded once and stored under their computed sha256, with a name record pointing at it.
// Nothing can vouch for those bytes, so they are only as trustworthy as that upstream.
// What a repeat can skip (the stat, the read, the page lookup of a .metadata route) is kept in
// a StoredFileMemory within its budget (stored-files.ts).
import { NotFoundError } from '../errors.js';
import { NO_HASH, type Route } from '../http/routes.js';
import { isSha256Hex } from '../names.js';
import type { PageService } from '../pages/page-service.js';
import type { ProjectFile } from '../pages/pages.js';
import type { ManifestRecorder } from '../store/manifest.js';
import type { ContentStore } from '../store/store.js';
import type { Upstream } from '../upstream/upstream-config.js';
import type { Download, DownloadCoordinator } from './downloads.js';
import type { StoredFile, StoredFiles } from './stored-files.js';

export type FileRoute = Extract<Route, { kind: 'file' }>;

export type ResolvedFile = StoredFile | { kind: 'download'; download: Download; expectedSha256?: string };

interface FileOrigin {
  url: string;
  expectedSha256?: string;
  expectedSize?: number;
  /** The name under names/ when there is no expected hash. */
  recordName: string;
}

export class FileService {
  constructor(
    private readonly store: ContentStore,
    private readonly pages: PageService,
    private readonly downloads: DownloadCoordinator,
    private readonly manifest: ManifestRecorder,
    private readonly storedFiles: StoredFiles,
  ) {}

  private get memory() {
    return this.storedFiles.memory;
  }

  async resolve(upstream: Upstream, route: FileRoute): Promise<ResolvedFile> {
    if (route.hash !== NO_HASH && !route.metadata) {
      const stored = await this.stored(route.hash);
      if (stored) return stored;
    }
    // A .metadata route names its file through the page; with the distribution's hash in the
    // route and the metadata's hash from the index, that answer cannot change within a run.
    const routeKey =
      route.metadata && route.hash !== NO_HASH
        ? `${upstream.name}/${route.project}/${route.hash}/${route.filename}`
        : undefined;
    const known = routeKey && this.memory.route(routeKey);
    if (known) {
      const stored = await this.stored(known);
      if (stored) return stored;
    }
    const { value: page } = await this.pages.project(upstream, route.project);
    const origin = originOf(
      page.files.find((file) => file.filename === route.filename),
      route,
    );
    if (origin.expectedSha256) {
      const stored = await this.stored(origin.expectedSha256);
      if (routeKey) this.memory.rememberRoute(routeKey, origin.expectedSha256);
      if (stored) return stored;
    } else {
      const named = await this.store.readName(upstream.name, route.project, origin.recordName);
      const stored = named && (await this.stored(named));
      if (stored) {
        this.manifest.name(upstream.name, route.project, origin.recordName);
        return stored;
      }
    }
    return this.download(upstream, route, origin);
  }

  private download(upstream: Upstream, route: FileRoute, origin: FileOrigin): ResolvedFile {
    const download = this.downloads.get({
      key: origin.expectedSha256 ?? `name:${upstream.name}/${route.project}/${origin.recordName}`,
      upstream,
      url: origin.url,
      expectedSha256: origin.expectedSha256,
      expectedSize: origin.expectedSize,
      onCommitted: async (sha256) => {
        this.manifest.file(sha256);
        if (origin.expectedSha256) return;
        await this.store.writeName(upstream.name, route.project, origin.recordName, sha256);
        this.manifest.name(upstream.name, route.project, origin.recordName);
      },
    });
    return { kind: 'download', download, expectedSha256: origin.expectedSha256 };
  }

  private stored(sha256: string): Promise<StoredFile | undefined> {
    return this.storedFiles.find(sha256);
  }
}

/** The sha256 the index gave, when it is one; anything else counts as no hash. */
export function indexSha256(file: ProjectFile): string | undefined {
  const sha256 = file.hashes.sha256;
  return sha256 !== undefined && isSha256Hex(sha256) ? sha256 : undefined;
}

function originOf(file: ProjectFile | undefined, route: FileRoute): FileOrigin {
  // The URL must name the file exactly as the page does, hash segment included.
  if (!file || (indexSha256(file) ?? NO_HASH) !== route.hash)
    throw new NotFoundError('no such file on the page');
  // A stored page keeps no URL that would repeat the index's token (stored-urls.ts).
  if (file.url === '')
    throw new NotFoundError(
      `the store holds no URL for ${file.filename}; it comes back with the page from upstream`,
    );
  if (!route.metadata) {
    return {
      url: file.url,
      expectedSha256: indexSha256(file),
      expectedSize: file.size,
      recordName: file.filename,
    };
  }
  if (file.coreMetadata === undefined) throw new NotFoundError('the index offers no metadata for this file');
  // PEP 658: the metadata file lives at the distribution URL plus `.metadata`.
  return {
    url: `${file.url}.metadata`,
    expectedSha256:
      file.coreMetadata !== true && isSha256Hex(file.coreMetadata.sha256 ?? '')
        ? file.coreMetadata.sha256
        : undefined,
    recordName: `${file.filename}.metadata`,
  };
}
