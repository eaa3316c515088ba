// Builds real, pip-installable py3-none-any wheels for the fake PyPI, written as zip files by hand
// so a 500 MB wheel streams to disk without a python process or a big buffer.
// Wheel format: https://packaging.python.org/en/latest/specifications/binary-distribution-format/
import { createHash } from 'node:crypto';
import { type FileHandle, mkdir, open } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { createBLAKE2b, type IHasher } from 'hash-wasm';

export interface WheelSpec {
  /** As published, e.g. 'Demo_Pkg'; the project name is its PEP 503 normalization. */
  name: string;
  version: string;
  /** Requires-Dist entries, e.g. ['dep-b>=1.0']. */
  dependencies?: string[];
  requiresPython?: string;
  /** Extra incompressible bytes stored in the wheel to make it bigger. */
  payloadBytes?: number;
}

export interface BuiltWheel {
  /** PEP 503 normalized name. */
  project: string;
  name: string;
  version: string;
  /** PEP 427 file name, e.g. demo_pkg-1.0.0-py3-none-any.whl. */
  filename: string;
  path: string;
  sha256: string;
  /** BLAKE2b-256 of the file: Warehouse's file path is made of it. */
  blake2b256: string;
  size: number;
  /** Exact METADATA text inside the wheel (served as <filename>.metadata, PEP 658). */
  metadata: string;
  requiresPython?: string;
}

/** PEP 503 normalization. */
export function normalizeProjectName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}

const CHUNK = 1 << 20;
// 1980-01-01 00:00, the zip epoch: fixed so the same spec gives the same bytes.
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;

interface CentralEntry {
  name: Buffer;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  offset: number;
}

/**
 * Appends zip entries sequentially and finishes with the central directory. Bytes are held until
 * a streamed entry or the end, so a wheel without one is written in one go and never read back.
 */
class ZipWriter {
  private offset = 0;
  private readonly entries: CentralEntry[] = [];
  private pending: Buffer[] = [];
  private fh: FileHandle | null = null;

  constructor(private readonly path: string) {}

  addFile(name: string, content: Buffer): void {
    // A small output chunk: the default 16 KiB one is fresh memory each call, for ~1 KiB of text.
    const deflated = deflateRawSync(content, { chunkSize: 1024 });
    const useDeflate = deflated.length < content.length;
    const data = useDeflate ? deflated : content;
    const entry = this.entry(name, useDeflate ? 8 : 0, crc32(content), data.length, content.length);
    this.push(localHeader(entry), data);
  }

  /** A stored (not deflated) entry, held until the file is written. */
  addStored(name: string, content: Buffer): void {
    this.push(localHeader(this.entry(name, 0, crc32(content), content.length, content.length)), content);
  }

  /**
   * A stored entry whose content is generated chunk by chunk (each chunk is written before the
   * next is asked for); the CRC is patched in afterwards.
   */
  async addStream(name: string, size: number, chunks: AsyncIterable<Buffer>): Promise<void> {
    const entry = this.entry(name, 0, 0, size, size);
    this.push(localHeader(entry));
    const fh = await this.flush();
    let crc = 0;
    let written = 0;
    for await (const chunk of chunks) {
      crc = crc32(chunk, crc);
      await fh.write(chunk, 0, chunk.length, this.offset + written);
      written += chunk.length;
    }
    if (written !== size) throw new Error(`zip entry ${name}: wrote ${written} of ${size} bytes`);
    this.offset += size;
    entry.crc = crc;
    const patch = Buffer.alloc(4);
    patch.writeUInt32LE(crc >>> 0);
    await fh.write(patch, 0, 4, entry.offset + 14);
  }

  /**
   * Writes the central directory and closes the file. Returns the file's bytes, in parts, when
   * nothing was streamed (all of it was still held); null otherwise.
   */
  async finish(): Promise<Buffer[] | null> {
    const start = this.offset;
    for (const entry of this.entries) this.push(centralHeader(entry));
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(this.entries.length, 8);
    end.writeUInt16LE(this.entries.length, 10);
    end.writeUInt32LE(this.offset - start, 12);
    end.writeUInt32LE(start, 16);
    this.push(end);
    const whole = this.fh ? null : this.pending;
    await this.flush();
    await this.close();
    return whole;
  }

  async close(): Promise<void> {
    const fh = this.fh;
    this.fh = null;
    await fh?.close();
  }

  /** The size of the file once finished. */
  get size(): number {
    return this.offset;
  }

  private entry(name: string, method: number, crc: number, compressedSize: number, size: number) {
    if (this.offset + compressedSize >= 0xffffffff) throw new Error('wheels over 4 GiB need zip64');
    const entry = { name: Buffer.from(name), method, crc, compressedSize, size, offset: this.offset };
    this.entries.push(entry);
    return entry;
  }

  private push(...bufs: Buffer[]): void {
    for (const buf of bufs) {
      this.pending.push(buf);
      this.offset += buf.length;
    }
  }

  /** Writes what is held, at its offset; opens the file on first use. */
  private async flush(): Promise<FileHandle> {
    this.fh ??= await open(this.path, 'w');
    const parts = this.pending;
    this.pending = [];
    const length = parts.reduce((sum, part) => sum + part.length, 0);
    const { bytesWritten } = await this.fh.writev(parts, this.offset - length);
    if (bytesWritten !== length) throw new Error(`${this.path}: wrote ${bytesWritten} of ${length} bytes`);
    return this.fh;
  }
}

function localHeader(e: CentralEntry): Buffer {
  const h = Buffer.alloc(30);
  h.writeUInt32LE(0x04034b50, 0);
  h.writeUInt16LE(20, 4);
  h.writeUInt16LE(0x0800, 6); // UTF-8 names
  h.writeUInt16LE(e.method, 8);
  h.writeUInt16LE(DOS_TIME, 10);
  h.writeUInt16LE(DOS_DATE, 12);
  h.writeUInt32LE(e.crc >>> 0, 14);
  h.writeUInt32LE(e.compressedSize, 18);
  h.writeUInt32LE(e.size, 22);
  h.writeUInt16LE(e.name.length, 26);
  return Buffer.concat([h, e.name]);
}

function centralHeader(e: CentralEntry): Buffer {
  const h = Buffer.alloc(46);
  h.writeUInt32LE(0x02014b50, 0);
  h.writeUInt16LE((3 << 8) | 20, 4); // made by unix, so the external attributes carry a file mode
  h.writeUInt16LE(20, 6);
  h.writeUInt16LE(0x0800, 8);
  h.writeUInt16LE(e.method, 10);
  h.writeUInt16LE(DOS_TIME, 12);
  h.writeUInt16LE(DOS_DATE, 14);
  h.writeUInt32LE(e.crc >>> 0, 16);
  h.writeUInt32LE(e.compressedSize, 20);
  h.writeUInt32LE(e.size, 24);
  h.writeUInt16LE(e.name.length, 28);
  h.writeUInt32LE((0o100644 << 16) >>> 0, 38);
  h.writeUInt32LE(e.offset, 42);
  return Buffer.concat([h, e.name]);
}

/**
 * Deterministic incompressible bytes, keyed by the seed: Marsaglia's xorshift128 from the seed's
 * sha256, as little-endian 32-bit words (int32 arithmetic, so V8 keeps them unboxed). It was
 * AES-256-CTR, but node's cipher allocates every result, and faulting that fresh memory in cost
 * ~4 ms of CPU a MB here against ~0.5 ms for this. No test depends on which random bytes a
 * payload holds: digests are computed, never written down.
 */
class PseudoRandomBytes {
  private readonly state: Int32Array;

  constructor(seed: string) {
    const digest = createHash('sha256').update(seed).digest();
    this.state = new Int32Array(digest.buffer.slice(digest.byteOffset, digest.byteOffset + 16));
    if (this.state.every((word) => word === 0)) this.state[0] = 1; // all zeros would stay zeros
  }

  /** The next `size` bytes, CHUNK by CHUNK in `scratch` (each used before the next). */
  async *chunks(size: number, scratch: Scratch): AsyncIterable<Buffer> {
    for (let left = size; left > 0; left -= CHUNK) {
      const length = Math.min(CHUNK, left);
      this.next(scratch.words, Math.ceil(length / 4));
      yield scratch.bytes.subarray(0, length);
    }
  }

  /** Fills words[0, count) with the next words of the sequence. */
  private next(words: Int32Array, count: number): void {
    const { state } = this;
    let [x, y, z, w] = [state[0], state[1], state[2], state[3]];
    for (let i = 0; i < count; i++) {
      const t = x ^ (x << 11);
      x = y;
      y = z;
      z = w;
      w = w ^ (w >>> 19) ^ t ^ (t >>> 8);
      words[i] = w;
    }
    state[0] = x;
    state[1] = y;
    state[2] = z;
    state[3] = w;
  }
}

/** A CHUNK of memory, and a BLAKE2b, for one build at a time (`withScratch`). */
interface Scratch {
  words: Int32Array;
  bytes: Buffer;
  blake2b: IHasher;
}

// Fresh memory costs ~4 ms of CPU a MB here to fault in, more than making and hashing the bytes:
// payloads are made one at a time, all in the same CHUNK. WebAssembly BLAKE2b, as @noble/hashes'
// pure JS one took ~4.5 s of CPU for a 200 MB wheel.
let scratch: Promise<Scratch> | undefined;
let turn: Promise<unknown> = Promise.resolve();
function withScratch<T>(use: (scratch: Scratch) => Promise<T>): Promise<T> {
  scratch ??= createBLAKE2b(256).then((blake2b) => {
    const words = new Int32Array(CHUNK / 4);
    return { words, bytes: Buffer.from(words.buffer), blake2b };
  });
  const done = turn.then(async () => use(await (scratch as Promise<Scratch>)));
  turn = done.catch(() => {});
  return done;
}

/** RECORD hash format: urlsafe base64 sha256 without padding. */
function recordHash(hash: ReturnType<typeof createHash>): string {
  return `sha256=${hash.digest('base64url')}`;
}

function renderMetadata(spec: WheelSpec): string {
  const lines = ['Metadata-Version: 2.1', `Name: ${spec.name}`, `Version: ${spec.version}`];
  lines.push(`Summary: Test wheel ${spec.name} ${spec.version}`);
  if (spec.requiresPython) lines.push(`Requires-Python: ${spec.requiresPython}`);
  for (const dep of spec.dependencies ?? []) lines.push(`Requires-Dist: ${dep}`);
  return `${lines.join('\n')}\n\n`;
}

const WHEEL_FILE = 'Wheel-Version: 1.0\nGenerator: fake-pypi\nRoot-Is-Purelib: true\nTag: py3-none-any\n\n';

interface FileDigests {
  sha256: string;
  blake2b256: string;
}

function digestsOf(parts: Buffer[], blake2b: IHasher): FileDigests {
  const sha256 = createHash('sha256');
  blake2b.init();
  for (const part of parts) {
    sha256.update(part);
    blake2b.update(part);
  }
  return { sha256: sha256.digest('hex'), blake2b256: blake2b.digest('hex') };
}

// One BLAKE2b for the wheels without a payload: their digests are taken in one synchronous go.
let sharedBlake2b: Promise<IHasher> | undefined;

/** Both digests in one read, CHUNK by CHUNK through `scratch`. */
async function digestsOfFile(path: string, { bytes, blake2b }: Scratch): Promise<FileDigests> {
  const sha256 = createHash('sha256');
  blake2b.init();
  const fh = await open(path, 'r');
  try {
    for (;;) {
      const { bytesRead } = await fh.read(bytes, 0, bytes.length, null);
      if (bytesRead === 0) break;
      sha256.update(bytes.subarray(0, bytesRead));
      blake2b.update(bytes.subarray(0, bytesRead));
    }
  } finally {
    await fh.close();
  }
  return { sha256: sha256.digest('hex'), blake2b256: blake2b.digest('hex') };
}

export async function buildWheel(dir: string, spec: WheelSpec): Promise<BuiltWheel> {
  const project = normalizeProjectName(spec.name);
  const stem = `${project.replace(/-/g, '_')}-${spec.version}`;
  const filename = `${stem}-py3-none-any.whl`;
  const moduleName = project.replace(/-/g, '_');
  const distInfo = `${stem}.dist-info`;
  const metadata = renderMetadata(spec);
  const path = join(resolve(dir), filename);
  await mkdir(resolve(dir), { recursive: true });

  const record: string[] = [];
  const zip = new ZipWriter(path);
  const addFile = (name: string, text: string) => {
    const content = Buffer.from(text);
    zip.addFile(name, content);
    record.push(`${name},${recordHash(createHash('sha256').update(content))},${content.length}`);
  };
  const finish = async () => {
    addFile(`${distInfo}/METADATA`, metadata);
    addFile(`${distInfo}/WHEEL`, WHEEL_FILE);
    record.push(`${distInfo}/RECORD,,`);
    zip.addFile(`${distInfo}/RECORD`, Buffer.from(`${record.join('\n')}\n`));
    return zip.finish();
  };
  let digests: FileDigests;
  try {
    addFile(`${moduleName}/__init__.py`, `__version__ = ${JSON.stringify(spec.version)}\n`);
    const payloadBytes = spec.payloadBytes ?? 0;
    if (!payloadBytes) {
      const whole = (await finish()) as Buffer[];
      sharedBlake2b ??= createBLAKE2b(256);
      digests = digestsOf(whole, await sharedBlake2b);
    } else {
      digests = await withScratch(async (scratch) => {
        const name = `${moduleName}/payload.bin`;
        const hash = createHash('sha256');
        const chunks = async function* () {
          for await (const chunk of new PseudoRandomBytes(filename).chunks(payloadBytes, scratch)) {
            hash.update(chunk);
            yield chunk;
          }
        };
        if (payloadBytes <= CHUNK) {
          // One chunk, held in scratch until finish() writes the file.
          for await (const chunk of chunks()) zip.addStored(name, chunk);
        } else {
          await zip.addStream(name, payloadBytes, chunks());
        }
        record.push(`${name},${recordHash(hash)},${payloadBytes}`);
        const whole = await finish();
        return whole ? digestsOf(whole, scratch.blake2b) : digestsOfFile(path, scratch);
      });
    }
  } finally {
    await zip.close();
  }
  return {
    project,
    name: spec.name,
    version: spec.version,
    filename,
    path,
    ...digests,
    size: zip.size,
    metadata,
    ...(spec.requiresPython ? { requiresPython: spec.requiresPython } : {}),
  };
}

export async function buildWheels(dir: string, specs: WheelSpec[]): Promise<BuiltWheel[]> {
  return Promise.all(specs.map((spec) => buildWheel(dir, spec)));
}
