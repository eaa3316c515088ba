// What a page model costs in memory, estimated without serializing it: the page budget
// (page-service.ts) counts it. Strings are UTF-16 in V8 (two bytes a character, one for Latin-1
// but that is not guaranteed); every object and array has a header of a few dozen bytes.
import type { ProjectFile, ProjectList, ProjectPage } from './pages.js';

const OBJECT_BYTES = 64;

function stringBytes(value: string | undefined): number {
  return value === undefined ? 0 : 16 + 2 * value.length;
}

function recordBytes(record: Record<string, unknown>): number {
  let bytes = OBJECT_BYTES;
  for (const key in record) {
    const value = record[key];
    bytes +=
      stringBytes(key) +
      (typeof value === 'string' ? stringBytes(value) : 2 * JSON.stringify(value ?? null).length);
  }
  return bytes;
}

function fileBytes(file: ProjectFile): number {
  return (
    OBJECT_BYTES * 2 +
    stringBytes(file.filename) +
    stringBytes(file.url) +
    stringBytes(file.requiresPython) +
    stringBytes(file.uploadTime) +
    stringBytes(typeof file.yanked === 'string' ? file.yanked : undefined) +
    recordBytes(file.hashes) +
    (typeof file.coreMetadata === 'object' ? recordBytes(file.coreMetadata) : 0) +
    recordBytes(file.extra)
  );
}

export function estimatedPageBytes(page: ProjectPage): number {
  let bytes = OBJECT_BYTES + stringBytes(page.name) + recordBytes(page.meta) + recordBytes(page.extra);
  for (const file of page.files) bytes += fileBytes(file);
  for (const version of page.versions ?? []) bytes += stringBytes(version);
  return bytes;
}

export function estimatedListBytes(list: ProjectList): number {
  let bytes = OBJECT_BYTES + recordBytes(list.meta);
  for (const project of list.projects) bytes += 8 + stringBytes(project);
  return bytes;
}
