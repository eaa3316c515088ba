// The main and post steps start without @actions/http-client (issue 13): @actions/core would
// import it for core.getIDToken(), which the build swaps for a stub (scripts/build.mjs);
// @actions/cache and the service probe load it on demand, without undici. Reads dist/, the
// committed bundle.
import { execFileSync } from 'node:child_process';
import {
  chunksWithModule,
  distBuilt,
  distText,
  loadableChunks,
  staticClosure,
} from '../support/dist-chunks.js';

const built = distBuilt('main.js') && distBuilt('post.js') ? test : test.skip;

built.each([
  ['main.js', 'node_modules/@actions/http-client/'],
  ['post.js', 'node_modules/@actions/http-client/'],
  ['main.js', 'node_modules/@actions/cache/'],
  ['post.js', 'node_modules/@actions/cache/'],
])('dist/%s holds %s only in chunks it imports on demand', (entry, module) => {
  expect(chunksWithModule(staticClosure(entry), module)).toEqual([]);
  expect(chunksWithModule(loadableChunks(entry), module)).not.toEqual([]);
});

// @actions/cache's two imports of the Azure SDK move into the functions that move an archive
// (scripts/build.mjs, lazyBlobClients): a lookup that misses or a save that is skipped loads
// @actions/cache without the SDK's ~1.3 MB (~60 ms of CPU).
built.each(['main.js', 'post.js'])('dist/%s loads the Azure SDK only when an archive moves', (entry) => {
  const cacheChunks = chunksWithModule(loadableChunks(entry), 'node_modules/@actions/cache/');
  expect(cacheChunks).not.toEqual([]);
  for (const chunk of cacheChunks) {
    expect(chunksWithModule(staticClosure(chunk), 'node_modules/@azure/storage-blob/')).toEqual([]);
  }
  expect(chunksWithModule(loadableChunks(entry), 'node_modules/@azure/storage-blob/')).not.toEqual([]);
});

// @actions/http-client's ProxyAgent import (for getAgentDispatcher, which nothing here calls) is
// swapped for a stub: undici was ~810 KB evaluated by every restore and save.
built.each(['main.js', 'post.js'])(
  'dist/%s can load no undici, and its stand-in says why if built',
  (entry) => {
    expect(chunksWithModule(loadableChunks(entry), 'node_modules/undici/')).toEqual([]);
    const stub = chunksWithModule(loadableChunks(entry), 'scripts/undici-stub.mjs');
    expect(stub).toHaveLength(1);
    expect(distText(stub[0] as string)).toContain('HttpClient.getAgentDispatcher() is not available');
  },
);

built("dist/ has no copy of @actions/core's OIDC client", () => {
  expect(chunksWithModule(loadableChunks('main.js'), 'node_modules/@actions/core/lib/oidc-utils.js')).toEqual(
    [],
  );
});

// The Azure SDK's pipeline (every cache upload and download request) asks whether the body is a
// FormData; Node answers `typeof FormData` by loading its own undici (~40 ms a save step). The
// build rewrites the probe to read the body's tag first. Run as bundled, in a plain node process.
built(
  'dist/post.js: the FormData probe on a request body leaves Node’s undici unloaded, and still finds a FormData',
  () => {
    const [chunk] = chunksWithModule(loadableChunks('post.js'), 'node_modules/@typespec/ts-http-runtime/');
    expect(chunk).toBeDefined();
    const probe = /\nfunction convertBodyToFormDataMap\([^)]*\) \{\n[\s\S]*?\n\}\n/.exec(
      distText(chunk as string),
    );
    expect(probe).not.toBeNull();
    const script = `${probe?.[0]}
const loaded = () => process.moduleLoadList.some((name) => name.includes('undici'));
const before = loaded();
const bodies = [Buffer.from('x'), new Uint8Array(1), 'text', null, undefined, { entries: () => [] }];
const others = bodies.map((body) => convertBodyToFormDataMap(body));
const after = loaded();
const form = new FormData();
form.append('a', '1');
form.append('a', '2');
console.log(JSON.stringify({ before, after, others, form: convertBodyToFormDataMap(form) }));`;
    const result = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
    expect(result).toEqual({
      before: false,
      after: false,
      others: [null, null, null, null, null, null],
      form: { a: ['1', '2'] },
    });
  },
);
