import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

// Sizes for the log and the job summary, and the "nothing to save" check.

export interface FolderSize {
  files: number;
  bytes: number;
}

/** Files and bytes below `folder`, not following links; a missing folder is empty. */
export async function measureFolder(folder: string): Promise<FolderSize> {
  const total: FolderSize = { files: 0, bytes: 0 };
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch {
    return total;
  }
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      const inner = await measureFolder(path);
      total.files += inner.files;
      total.bytes += inner.bytes;
    } else if (entry.isFile()) {
      total.files += 1;
      total.bytes += (await stat(path)).size;
    }
  }
  return total;
}

export async function measureFolders(folders: string[]): Promise<FolderSize> {
  const sizes = await Promise.all(folders.map(measureFolder));
  return sizes.reduce((sum, size) => ({ files: sum.files + size.files, bytes: sum.bytes + size.bytes }), {
    files: 0,
    bytes: 0,
  });
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}
