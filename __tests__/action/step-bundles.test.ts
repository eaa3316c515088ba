// The main and post steps start without @actions/http-client and undici (issue 13): @actions/core
// would import them for core.getIDToken(), which the build swaps for a stub (scripts/build.mjs);
// @actions/cache and the service probe load them on demand. Reads dist/, the committed bundle.
import { chunksWithModule, distBuilt, loadableChunks, staticClosure } from '../support/dist-chunks.js';

const built = distBuilt('main.js') && distBuilt('post.js') ? test : test.skip;

built.each([
  ['main.js', 'node_modules/undici/'],
  ['main.js', 'node_modules/@actions/http-client/'],
  ['post.js', 'node_modules/undici/'],
  ['post.js', 'node_modules/@actions/http-client/'],
])('dist/%s holds %s only in chunks it imports on demand', (entry, module) => {
  expect(chunksWithModule(staticClosure(entry), module)).toEqual([]);
  expect(chunksWithModule(loadableChunks(entry), module)).not.toEqual([]);
});

built("dist/ has no copy of @actions/core's OIDC client", () => {
  expect(chunksWithModule(loadableChunks('main.js'), 'node_modules/@actions/core/lib/oidc-utils.js')).toEqual(
    [],
  );
});
