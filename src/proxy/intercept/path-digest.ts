// The third source of an expected hash under interception (issue 10): PyPI's file URLs carry the
// blake2b-256 digest of the file in their path, /packages/<2 hex>/<2 hex>/<60 hex>/<filename>
// (Warehouse's `packages/{digest[:2]}/{digest[2:4]}/{digest[4:]}/{filename}`). A file whose
// bytes hash to that digest is the one the URL names. Node's crypto has blake2b512 only, and
// blake2b-256 is not a truncated blake2b-512 (the digest length is in the parameter block), so
// the digest comes from @noble/hashes.
import { blake2b } from '@noble/hashes/blake2.js';

const PACKAGE_PATH = /^\/packages\/([0-9a-f]{2})\/([0-9a-f]{2})\/([0-9a-f]{60})\/([^/]+)$/;

/** The blake2b-256 digest (hex) a PyPI-style file path names, or undefined for any other path. */
export function pathDigestOf(pathname: string): string | undefined {
  const match = PACKAGE_PATH.exec(pathname);
  if (!match) return undefined;
  return `${match[1]}${match[2]}${match[3]}`;
}

/** blake2b with a 32-byte digest, fed chunk by chunk as a download arrives. */
export class Blake2b256 {
  private readonly state = blake2b.create({ dkLen: 32 });

  update(chunk: Uint8Array): this {
    this.state.update(chunk);
    return this;
  }

  hex(): string {
    return Buffer.from(this.state.digest()).toString('hex');
  }
}
