// The daemon's bundle loads the certificate libraries (@peculiar/x509 and its ASN.1 schemas,
// most of its code) only under interception: an index-mode start parses none of them (issue 10;
// ~0.34 s of CPU per start before, ~0.22 s after, measured with /usr/bin/time). Reads dist/,
// the committed bundle (the check's dist stage holds it to a fresh build).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const DIST = join(process.cwd(), 'dist');
// A class of @peculiar/x509 (keepNames keeps it in the bundle) that only the job CA uses.
const CERTIFICATE_LIBRARY = 'X509CertificateGenerator';

/** The chunks `file` imports statically, and theirs, `file` included. */
function staticClosure(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = readFileSync(join(DIST, file), 'utf8');
  for (const match of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?from\s*"\.\/([^"]+\.js)"/g))
    staticClosure(match[1] as string, seen);
  for (const match of text.matchAll(/(?:^|\n)import\s*"\.\/([^"]+\.js)"/g))
    staticClosure(match[1] as string, seen);
  return seen;
}

const built = existsSync(join(DIST, 'proxy.js'));

(built ? test : test.skip)(
  'dist/proxy.js holds the certificate libraries only in a chunk it imports on demand',
  () => {
    const eager = [...staticClosure('proxy.js')];
    for (const file of eager) {
      expect([file, readFileSync(join(DIST, file), 'utf8').includes(CERTIFICATE_LIBRARY)]).toEqual([
        file,
        false,
      ]);
    }
    const lazy = [
      ...readFileSync(join(DIST, 'proxy.js'), 'utf8').matchAll(/import\("\.\/([^"]+\.js)"\)/g),
    ].map((match) => match[1] as string);
    expect(lazy.some((file) => readFileSync(join(DIST, file), 'utf8').includes(CERTIFICATE_LIBRARY))).toBe(
      true,
    );
  },
);
