// Bundles the entry points to dist/ as ESM (the @actions/* packages are ESM-only).
// `--check` builds to a temp folder and fails when dist/ differs from a fresh build.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const entryPoints = {
  main: 'src/main.ts',
  post: 'src/post.ts',
  proxy: 'src/cli/proxy.ts',
  // The daemon's worker thread for large HTML pages (src/proxy/pages/page-parser-thread.ts).
  'page-parser': 'src/cli/page-parser.ts',
};
const check = process.argv.includes('--check');
const outdir = check ? mkdtempSync(join(tmpdir(), 'dist-check-')) : 'dist';
// Start from an empty folder so chunks of an earlier build cannot linger.
if (!check) rmSync(outdir, { recursive: true, force: true });

/**
 * @actions/core imports its OIDC client (core.getIDToken) at start-up, and with it
 * @actions/http-client and undici: 830 of the 1065 KB main.js loaded at start-up, for a call this
 * action never makes. Only core's own import is swapped for scripts/oidc-client-stub.mjs;
 * @actions/cache and the service probe still import the real @actions/http-client, on first use.
 * A build where the import was not found fails: the swap would be gone without a word.
 */
let oidcImportsSwapped = 0;
const withoutOidcClient = {
  name: 'without-oidc-client',
  setup(build) {
    build.onResolve({ filter: /^\.\/oidc-utils\.js$/ }, (args) => {
      if (!/[\\/]@actions[\\/]core[\\/]lib[\\/]core\.js$/.test(args.importer)) return undefined;
      oidcImportsSwapped++;
      return { path: fileURLToPath(new URL('./oidc-client-stub.mjs', import.meta.url)) };
    });
  },
};

/**
 * @actions/http-client imports undici for one method, getAgentDispatcher() (a fetch() dispatcher
 * through the job's proxy), which neither @actions/cache nor this action calls. undici was 810 of
 * the 850 KB chunk that a restore or a save loads, evaluated on load (~60 ms of CPU a step).
 * Its import there is swapped for scripts/undici-stub.mjs, whose ProxyAgent throws when built.
 */
let undiciImportsSwapped = 0;
const withoutUndici = {
  name: 'without-undici',
  setup(build) {
    build.onResolve({ filter: /^undici$/ }, (args) => {
      if (!/[\\/]@actions[\\/]http-client[\\/]lib[\\/]index\.js$/.test(args.importer)) return undefined;
      undiciImportsSwapped++;
      return { path: fileURLToPath(new URL('./undici-stub.mjs', import.meta.url)) };
    });
  },
};

/**
 * Exact edits of bundled sources, each of whose `from` must stand in its file once; a build where
 * one was not found fails (the edit would be gone without a word after an update).
 * - The Azure SDK's request pipeline (every cache upload and download) asks `typeof FormData` of
 *   each request body; in Node that global is a lazy getter that loads Node's own undici (~40 ms of
 *   CPU a save step) to answer. The probe reads the body's tag first: a real FormData (tagged
 *   "FormData") still reaches the same `instanceof FormData`; any other body never touches it.
 * - @actions/cache imports the SDK's blob clients at the top of two files, for the two calls that
 *   move an archive (downloadCacheStorageSDK, uploadCacheArchiveSDK): ~1.2 MB with what only the
 *   SDK uses, which every restore and save loaded, a lookup that misses and a save that is
 *   skipped included (~60 ms of CPU). Each import moves into its function, as `yield import(...)`
 *   (the functions are generators under __awaiter), so esbuild gives the SDK a chunk of its own,
 *   loaded when bytes move.
 */
const lazyBlobClient = (name, use) => [
  [`import { ${name} } from '@azure/storage-blob';\n`, ''],
  [use, `const { ${name} } = yield import('@azure/storage-blob');\n        ${use}`],
];
const SOURCE_EDITS = [
  {
    file: /[\\/]@typespec[\\/]ts-http-runtime[\\/]dist[\\/]esm[\\/]formData\.js$/,
    edits: [
      [
        'typeof FormData !== "undefined" && body instanceof FormData',
        'Object.prototype.toString.call(body) === "[object FormData]" && typeof FormData !== "undefined" && body instanceof FormData',
      ],
    ],
  },
  {
    file: /[\\/]@actions[\\/]cache[\\/]lib[\\/]internal[\\/]downloadUtils\.js$/,
    edits: lazyBlobClient('BlockBlobClient', 'const client = new BlockBlobClient('),
  },
  {
    file: /[\\/]@actions[\\/]cache[\\/]lib[\\/]internal[\\/]uploadUtils\.js$/,
    edits: lazyBlobClient('BlobClient', 'const blobClient = new BlobClient('),
  },
];
const editedFiles = new Set();
const withSourceEdits = {
  name: 'source-edits',
  setup(build) {
    for (const [index, { file, edits }] of SOURCE_EDITS.entries()) {
      build.onLoad({ filter: file }, (args) => {
        let contents = readFileSync(args.path, 'utf8');
        for (const [from, to] of edits) {
          if (contents.split(from).length !== 2) return undefined;
          contents = contents.replace(from, to);
        }
        editedFiles.add(index);
        return { contents, loader: 'js' };
      });
    }
  },
};

// Bundled CommonJS dependencies call require() for Node built-ins; give ESM a require.
const banner =
  "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);";

await build({
  entryPoints,
  outdir,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  banner: { js: banner },
  legalComments: 'none',
  // @actions/cache tells a lost save race from a failure by `error.name === ReserveCacheError.name`;
  // without keepNames esbuild may rename the class and the race becomes a warning.
  keepNames: true,
  // main and post share @actions/cache and friends: one chunk instead of two copies.
  splitting: true,
  chunkNames: 'chunk-[hash]',
  // The paths in dist/'s comments (and so the chunk names) stay `node_modules/...` when
  // node_modules is a link to another checkout's, as in a copy of the repo made for a check.
  preserveSymlinks: true,
  logLevel: 'warning',
  plugins: [withoutOidcClient, withoutUndici, withSourceEdits],
});
if (oidcImportsSwapped === 0) {
  console.error(
    "@actions/core's import of ./oidc-utils.js was not found: update withoutOidcClient in build.mjs.",
  );
  process.exit(1);
}
if (undiciImportsSwapped === 0) {
  console.error("@actions/http-client's import of undici was not found: update withoutUndici in build.mjs.");
  process.exit(1);
}
const notEdited = SOURCE_EDITS.filter((_, index) => !editedFiles.has(index));
if (notEdited.length > 0) {
  console.error(
    `These sources were not found as withSourceEdits in build.mjs expects them; update it: ${notEdited.map((edit) => edit.file).join(', ')}`,
  );
  process.exit(1);
}
writeFileSync(join(outdir, 'package.json'), '{ "type": "module" }\n');

if (check) {
  const fresh = readdirSync(outdir).sort();
  const committed = existsSync('dist') ? readdirSync('dist').sort() : [];
  const differing = [...new Set([...fresh, ...committed])].filter(
    (name) =>
      !fresh.includes(name) ||
      !committed.includes(name) ||
      !readFileSync(join(outdir, name)).equals(readFileSync(join('dist', name))),
  );
  rmSync(outdir, { recursive: true, force: true });
  if (differing.length > 0) {
    console.error(
      `dist/ differs from a fresh build: ${differing.join(', ')}. Run \`npm run build\` and commit dist/.`,
    );
    process.exit(1);
  }
  console.log('dist/ matches a fresh build.');
}
