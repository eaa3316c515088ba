// The two lockfile install styles of the lockfile run, written for a given files origin: a
// PEP 751 pylock.toml (pip 26's `pip install -r pylock.toml`, experimental) and a requirements
// file of `name @ URL` direct references. Both lock every file by URL, so neither asks an index.
import type { BuiltWheel } from '../../__tests__/support/wheels.js';

export type LockStyle = 'pylock' | 'direct-url';

export const LOCK_FILE_NAME: Record<LockStyle, string> = {
  pylock: 'pylock.toml',
  'direct-url': 'requirements.txt',
};

/** `urlOf` gives each wheel's URL: https://files.pythonhosted.org/... or the stand-in's own. */
export function renderLockFile(
  style: LockStyle,
  wheels: BuiltWheel[],
  urlOf: (w: BuiltWheel) => string,
): string {
  if (style === 'direct-url') return `${wheels.map((w) => `${w.project} @ ${urlOf(w)}`).join('\n')}\n`;
  // One inline table a line, the form src/key/locked-urls.ts reads (and the interception tests write).
  const packages = wheels.map(
    (w) =>
      `[[packages]]\nname = "${w.project}"\nversion = "${w.version}"\nwheels = [{ name = "${w.filename}", url = "${urlOf(w)}", size = ${w.size}, hashes = { sha256 = "${w.sha256}" } }]\n`,
  );
  return `lock-version = "1.0"\ncreated-by = "pypi-cache-action bench"\n\n${packages.join('\n')}`;
}
