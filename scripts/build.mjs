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
 * The Azure SDK's request pipeline (the cache upload and download) asks `typeof FormData` of every
 * request body. In Node that global is a lazy getter that loads Node's own undici (~40 ms of CPU
 * a save step) to answer. The probe is rewritten to look at the body's tag first: a real FormData
 * (tagged "FormData") still reaches the same `instanceof FormData`; any other body never touches
 * the global. A build where the probe was not found fails.
 */
const FORM_DATA_PROBE = 'typeof FormData !== "undefined" && body instanceof FormData';
const TAGGED_FORM_DATA_PROBE =
  'Object.prototype.toString.call(body) === "[object FormData]" && typeof FormData !== "undefined" && body instanceof FormData';
let formDataProbesRewritten = 0;
const withoutFormDataProbe = {
  name: 'without-form-data-probe',
  setup(build) {
    build.onLoad(
      { filter: /[\\/]@typespec[\\/]ts-http-runtime[\\/]dist[\\/]esm[\\/]formData\.js$/ },
      (args) => {
        const source = readFileSync(args.path, 'utf8');
        if (!source.includes(FORM_DATA_PROBE)) return undefined;
        formDataProbesRewritten++;
        return { contents: source.replace(FORM_DATA_PROBE, TAGGED_FORM_DATA_PROBE), loader: 'js' };
      },
    );
  },
};

/**
 * @actions/cache imports the Azure SDK's blob clients at the top of two files, for the two calls
 * that move an archive (downloadCacheStorageSDK, uploadCacheArchiveSDK): ~1.2 MB with what only
 * the SDK uses, which every restore and save loaded, a lookup that misses and a save that is
 * skipped included (~60 ms of CPU). Each import moves into its function, as `yield import(...)` (the functions are
 * generators under __awaiter), so esbuild puts the SDK in a chunk of its own, loaded when bytes
 * move. A build where the code was not found fails.
 */
const LAZY_BLOB_CLIENTS = [
  {
    file: /[\\/]@actions[\\/]cache[\\/]lib[\\/]internal[\\/]downloadUtils\.js$/,
    name: 'BlockBlobClient',
    use: 'const client = new BlockBlobClient(',
  },
  {
    file: /[\\/]@actions[\\/]cache[\\/]lib[\\/]internal[\\/]uploadUtils\.js$/,
    name: 'BlobClient',
    use: 'const blobClient = new BlobClient(',
  },
];
let blobClientImportsMoved = 0;
const lazyBlobClients = {
  name: 'lazy-blob-clients',
  setup(build) {
    build.onLoad(
      { filter: /[\\/]@actions[\\/]cache[\\/]lib[\\/]internal[\\/](download|upload)Utils\.js$/ },
      (args) => {
        const lazy = LAZY_BLOB_CLIENTS.find((entry) => entry.file.test(args.path));
        if (!lazy) return undefined;
        const source = readFileSync(args.path, 'utf8');
        const staticImport = `import { ${lazy.name} } from '@azure/storage-blob';\n`;
        if (!source.includes(staticImport) || source.split(lazy.use).length !== 2) return undefined;
        blobClientImportsMoved++;
        const contents = source
          .replace(staticImport, '')
          .replace(
            lazy.use,
            `const { ${lazy.name} } = yield import('@azure/storage-blob');\n        ${lazy.use}`,
          );
        return { contents, loader: 'js' };
      },
    );
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
  plugins: [withoutOidcClient, withoutUndici, withoutFormDataProbe, lazyBlobClients],
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
if (blobClientImportsMoved !== LAZY_BLOB_CLIENTS.length) {
  console.error(
    "@actions/cache's imports of @azure/storage-blob were not found as expected: update lazyBlobClients in build.mjs.",
  );
  process.exit(1);
}
if (formDataProbesRewritten === 0) {
  console.error(
    "@typespec/ts-http-runtime's `typeof FormData` probe was not found: update withoutFormDataProbe in build.mjs.",
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
