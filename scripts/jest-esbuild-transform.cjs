// Jest transform: TypeScript to JavaScript with esbuild's transformSync, one file at a time and
// no type-checking (`tsc --noEmit` does that; tsconfig has isolatedModules and
// verbatimModuleSyntax, so a per-file transpile is exact). On a cold jest cache it took 8.7 s of
// CPU where ts-jest took 13.0 s for the same 20 test files (measured 2 Dec 2026).
const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');
const { transformSync } = require('esbuild');

const esbuildVersion = require('esbuild/package.json').version;
const self = readFileSync(__filename);

module.exports = {
  process(source, path, options) {
    const esm = options.supportsStaticESM;
    const result = transformSync(source, {
      loader: path.endsWith('.tsx') ? 'tsx' : 'ts',
      format: esm ? 'esm' : 'cjs',
      target: 'node20',
      sourcemap: 'inline',
      sourcefile: path,
      // keepNames as in the bundles: @actions/cache compares error class names.
      keepNames: true,
      tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true } },
    });
    return { code: result.code };
  },
  getCacheKey(source, path, options) {
    return createHash('sha256')
      .update(self)
      .update(esbuildVersion)
      .update(String(options.supportsStaticESM))
      .update(path)
      .update(source)
      .digest('hex');
  },
};
