// The main and post steps start without @actions/http-client (issue 13): @actions/core would
// import it for core.getIDToken(), which the build swaps for a stub (scripts/build.mjs);
// @actions/cache and the service probe load it on demand, without undici. Reads dist/, the
// committed bundle.
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
