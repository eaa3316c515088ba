// hash-wasm's BLAKE2b in a module of our own, which path-digest.ts imports on first use: the
// package (every algorithm's WebAssembly, 270 KB) is otherwise compiled at each daemon start, and
// most runs never hash a file by its path. An ESM module in between because the bundle's dynamic
// import of the CommonJS package itself would only have a default export.
export { createBLAKE2b } from 'hash-wasm';
