import picomatch from 'picomatch';

// Globs for `dependency-files`, relative to the workspace, with `!` to exclude. picomatch is
// lenient (an unbalanced `[` becomes a literal), so a pattern is checked here first and a
// typo is an input error instead of a key that silently never matches.

/** Returns why `pattern` is not an acceptable glob, or `undefined` when it is. */
export function validateGlobPattern(pattern: string): string | undefined {
  const body = pattern.startsWith('!') ? pattern.slice(1) : pattern;
  if (body === '') return 'it is empty';
  if (body.includes('\0')) return 'it contains a NUL character';
  if (/^([A-Za-z]:)?[\\/]/.test(body)) return 'it must be relative to the workspace, not absolute';
  if (body.split(/[\\/]/).includes('..')) return "it must not leave the workspace with '..'";
  return unbalanced(body);
}

function unbalanced(pattern: string): string | undefined {
  const open: string[] = [];
  const pairs: Record<string, string> = { ']': '[', '}': '{', ')': '(' };
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '\\') {
      i++;
    } else if (char === '[' || char === '{' || char === '(') {
      open.push(char);
    } else if (char in pairs) {
      if (open.pop() !== pairs[char]) return `'${char}' has no matching '${pairs[char]}'`;
    }
  }
  return open.length > 0 ? `'${open[open.length - 1]}' is never closed` : undefined;
}

export type PathMatcher = (relativePath: string) => boolean;

/** A matcher for workspace-relative POSIX paths: included by any plain pattern, not excluded by a `!` one. */
export function compileGlobs(patterns: string[]): PathMatcher {
  const options = { dot: true };
  const include = patterns.filter((p) => !p.startsWith('!')).map(toPosix);
  const exclude = patterns.filter((p) => p.startsWith('!')).map((p) => toPosix(p.slice(1)));
  const included = include.length > 0 ? picomatch(include, options) : () => false;
  const excluded = exclude.length > 0 ? picomatch(exclude, options) : () => false;
  return (path) => included(path) && !excluded(path);
}

// Users on Windows may write `requirements\dev.txt`; globs use `/`. A backslash before a glob
// character stays an escape.
function toPosix(pattern: string): string {
  return pattern.replace(/\\(?![*?[\]{}()!])/g, '/').replace(/^\.\//, '');
}
