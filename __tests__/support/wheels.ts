// Builds real, pip-installable py3-none-any wheels for the fake PyPI, written as zip files by hand
// so a 500 MB wheel streams to disk without a python process or a big buffer.
// Wheel format: https://packaging.python.org/en/latest/specifications/binary-distribution-format/
import { createCipheriv, createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { type FileHandle, mkdir, open, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { createBLAKE2b } from 'hash-wasm';

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

/** Appends zip entries to a file, sequentially, and finishes with the central directory. */
class ZipWriter {
  private offset = 0;
  private readonly entries: CentralEntry[] = [];

  constructor(private readonly fh: FileHandle) {}

  async addFile(name: string, content: Buffer): Promise<void> {
    const deflated = deflateRawSync(content);
    const useDeflate = deflated.length < content.length;
    const data = useDeflate ? deflated : content;
    const entry = this.entry(name, useDeflate ? 8 : 0, crc32(content), data.length, content.length);
    await this.write(localHeader(entry));
    await this.write(data);
  }

  /** A stored entry whose content is generated chunk by chunk; the CRC is patched in afterwards. */
  async addStream(name: string, size: number, chunks: AsyncIterable<Buffer>): Promise<void> {
    const entry = this.entry(name, 0, 0, size, size);
    await this.write(localHeader(entry));
    let crc = 0;
    let written = 0;
    for await (const chunk of chunks) {
      crc = crc32(chunk, crc);
      written += chunk.length;
      await this.write(chunk);
    }
    if (written !== size) throw new Error(`zip entry ${name}: wrote ${written} of ${size} bytes`);
    entry.crc = crc;
    const patch = Buffer.alloc(4);
    patch.writeUInt32LE(crc >>> 0);
    await this.fh.write(patch, 0, 4, entry.offset + 14);
  }

  async finish(): Promise<void> {
    const start = this.offset;
    for (const entry of this.entries) await this.write(centralHeader(entry));
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(this.entries.length, 8);
    end.writeUInt16LE(this.entries.length, 10);
    end.writeUInt32LE(this.offset - start, 12);
    end.writeUInt32LE(start, 16);
    await this.write(end);
  }

  private entry(name: string, method: number, crc: number, compressedSize: number, size: number) {
    if (this.offset + compressedSize >= 0xffffffff) throw new Error('wheels over 4 GiB need zip64');
    const entry = { name: Buffer.from(name), method, crc, compressedSize, size, offset: this.offset };
    this.entries.push(entry);
    return entry;
  }

  private async write(buf: Buffer): Promise<void> {
    await this.fh.write(buf, 0, buf.length, this.offset);
    this.offset += buf.length;
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

/** Deterministic incompressible bytes: AES-256-CTR over zeros, keyed by the seed. */
async function* pseudoRandomChunks(seed: string, size: number): AsyncIterable<Buffer> {
  const key = createHash('sha256').update(seed).digest();
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  const zeros = Buffer.alloc(CHUNK);
  for (let left = size; left > 0; left -= CHUNK) {
    yield cipher.update(left >= CHUNK ? zeros : zeros.subarray(0, left));
  }
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

// One read for both digests; WebAssembly BLAKE2b, as @noble/hashes' pure JS one took ~4.5 s of
// CPU for a 200 MB wheel.
async function digestsOfFile(path: string): Promise<{ sha256: string; blake2b256: string }> {
  const sha256 = createHash('sha256');
  const blake2b = await createBLAKE2b(256);
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK })) {
    sha256.update(chunk);
    blake2b.update(chunk);
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
  const fh = await open(path, 'w');
  try {
    const zip = new ZipWriter(fh);
    const addFile = async (name: string, text: string) => {
      const content = Buffer.from(text);
      await zip.addFile(name, content);
      record.push(`${name},${recordHash(createHash('sha256').update(content))},${content.length}`);
    };
    await addFile(`${moduleName}/__init__.py`, `__version__ = ${JSON.stringify(spec.version)}\n`);
    if (spec.payloadBytes) {
      const name = `${moduleName}/payload.bin`;
      const hash = createHash('sha256');
      const chunks = async function* () {
        for await (const chunk of pseudoRandomChunks(filename, spec.payloadBytes ?? 0)) {
          hash.update(chunk);
          yield chunk;
        }
      };
      await zip.addStream(name, spec.payloadBytes, chunks());
      record.push(`${name},${recordHash(hash)},${spec.payloadBytes}`);
    }
    await addFile(`${distInfo}/METADATA`, metadata);
    await addFile(`${distInfo}/WHEEL`, WHEEL_FILE);
    record.push(`${distInfo}/RECORD,,`);
    await zip.addFile(`${distInfo}/RECORD`, Buffer.from(`${record.join('\n')}\n`));
    await zip.finish();
  } finally {
    await fh.close();
  }

  const { size } = await stat(path);
  return {
    project,
    name: spec.name,
    version: spec.version,
    filename,
    path,
    ...(await digestsOfFile(path)),
    size,
    metadata,
    ...(spec.requiresPython ? { requiresPython: spec.requiresPython } : {}),
  };
}

export async function buildWheels(dir: string, specs: WheelSpec[]): Promise<BuiltWheel[]> {
  return Promise.all(specs.map((spec) => buildWheel(dir, spec)));
}
