import { existsSync, readFileSync } from 'node:fs';

/**
 * The `default:` of each input in action.yml. The runner sets INPUT_* for every declared input, so an
 * input left out of `with:` reaches the action as its default, not as ''.
 *
 * A line reader for the shape action.yml files have (`inputs:` > name > `default:` scalar or `|`
 * block), not a YAML parser: no YAML library is a dependency here.
 */
export function readActionInputDefaults(actionYml: string, githubToken: string): Record<string, string> {
  if (!existsSync(actionYml)) return {};
  const lines = readFileSync(actionYml, 'utf8').split(/\r?\n/);
  const defaults: Record<string, string> = {};
  const start = lines.findIndex((line) => /^inputs:\s*$/.test(line));
  if (start < 0) return defaults;
  let input: string | undefined;
  let inputIndent = -1;
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i];
    if (/^\S/.test(line)) break; // next top-level key
    const key = /^(\s+)([\w-]+):\s*(.*)$/.exec(line);
    if (!key) continue;
    const indent = key[1].length;
    if (inputIndent < 0) inputIndent = indent;
    if (indent === inputIndent) {
      input = key[2];
    } else if (input && key[2] === 'default') {
      const raw = key[3].trim();
      const value = raw === '|' || raw === '|-' ? blockScalar(lines, i, indent, raw === '|') : scalar(raw);
      // ${{ github.token }} is the one expression action.yml defaults commonly use.
      defaults[input] = value.replace(/\$\{\{\s*github\.token\s*\}\}/g, githubToken);
    }
  }
  return defaults;
}

function scalar(raw: string): string {
  if (raw.startsWith("'")) return raw.slice(1, raw.lastIndexOf("'")).replace(/''/g, "'");
  if (raw.startsWith('"')) return JSON.parse(raw.slice(0, raw.lastIndexOf('"') + 1)) as string;
  return raw.replace(/\s+#.*$/, '');
}

function blockScalar(lines: string[], at: number, keyIndent: number, keepNewline: boolean): string {
  const body: string[] = [];
  for (let i = at + 1; i < lines.length; i++) {
    const indent = /^\s*/.exec(lines[i])?.[0].length ?? 0;
    if (lines[i].trim() !== '' && indent <= keyIndent) break;
    body.push(lines[i]);
  }
  const margin = Math.min(...body.filter((l) => l.trim()).map((l) => /^\s*/.exec(l)?.[0].length ?? 0));
  const text = body
    .map((l) => l.slice(margin))
    .join('\n')
    .replace(/\n+$/, '');
  return keepNewline ? `${text}\n` : text;
}
