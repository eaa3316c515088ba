// Requirements that name a file by URL: PEP 508 direct references (`name @ https://...`) and
// bare URL lines in a requirements file. pip downloads those from the URL, never through the
// index the proxy serves, so in index mode they go past the proxy, and only pip's own cache can
// keep them for the next job (the post step then does not prune it).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// `name @ https://...`, `name[extra] @ http://...`, or a line that is a URL (pip's req_file.py).
const DIRECT_URL = /^(?:[A-Za-z0-9][A-Za-z0-9._-]*\s*(?:\[[^\]]*\])?\s*@\s*)?https?:\/\//i;

/** Whether one requirements file's text holds a requirement by file URL (not an option's URL). */
export function hasDirectUrlRequirement(text: string): boolean {
  return text
    .split(/\r?\n/)
    .map((line) => line.replace(/(^|\s)#.*$/, '').trim())
    .some((line) => !line.startsWith('-') && DIRECT_URL.test(line));
}

/** Whether any requirements file (`*.txt`) among `files` (workspace-relative) holds one. */
export function hasDirectUrlRequirements(workspace: string, files: string[]): boolean {
  return files
    .filter((file) => file.endsWith('.txt'))
    .some((file) => {
      try {
        return hasDirectUrlRequirement(readFileSync(join(workspace, file), 'utf8'));
      } catch {
        return false;
      }
    });
}
