// Reading the committed bundle (dist/): which chunks an entry loads at start-up and which only on
// demand. The check's dist stage holds dist/ to a fresh build.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const DIST = join(process.cwd(), 'dist');
export const distBuilt = (entry: string) => existsSync(join(DIST, entry));
export const distText = (file: string) => readFileSync(join(DIST, file), 'utf8');

/** The chunks `file` imports statically, and theirs, `file` included: what its start-up evaluates. */
export function staticClosure(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = distText(file);
  for (const match of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?from\s*"\.\/([^"]+\.js)"/g))
    staticClosure(match[1] as string, seen);
  for (const match of text.matchAll(/(?:^|\n)import\s*"\.\/([^"]+\.js)"/g))
    staticClosure(match[1] as string, seen);
  return seen;
}

/** Every chunk `entry` can load: its static closure and, through `import()`, theirs. */
export function loadableChunks(entry: string): Set<string> {
  const all = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    for (const file of staticClosure(pending.pop() as string)) {
      if (all.has(file)) continue;
      all.add(file);
      for (const match of distText(file).matchAll(/import\("\.\/([^"]+\.js)"\)/g))
        pending.push(match[1] as string);
    }
  }
  return all;
}

/** The chunks among `files` that bundle a module whose path starts with `prefix` (esbuild's `// path` lines). */
export function chunksWithModule(files: Iterable<string>, prefix: string): string[] {
  return [...files].filter((file) => distText(file).includes(`\n// ${prefix}`));
}
