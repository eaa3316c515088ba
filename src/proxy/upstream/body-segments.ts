// A page body read into buffers of its own, each chunk copied in as it arrives. Joining the
// chunks at the end was one copy of the whole body in one go (about 50 ms of a stalled event
// loop per 8 MiB page here), and handing that buffer to the page parser thread was a second;
// now the copying is spread over the chunks, and the segments go to the worker as they are
// (transferred, not copied): nothing else holds them, unlike a socket's or a pool's buffers.

/** The first segment; each next one doubles, up to MAX_SEGMENT_BYTES. */
const FIRST_SEGMENT_BYTES = 64 * 1024;
const MAX_SEGMENT_BYTES = 1024 * 1024;

export class BodySegments {
  private readonly filled: Uint8Array[] = [];
  private current?: Uint8Array;
  private used = 0;
  private handedOver = false;
  /** Bytes appended so far. */
  length = 0;

  /** A body already in memory (tests, stored bytes), copied in. */
  static of(bytes: Uint8Array): BodySegments {
    const body = new BodySegments();
    body.append(bytes);
    return body;
  }

  append(chunk: Uint8Array): void {
    if (this.handedOver) throw new Error('BodySegments: appended to after handing its segments over');
    let from = 0;
    while (from < chunk.length) {
      if (!this.current || this.used === this.current.length) this.nextSegment();
      const segment = this.current as Uint8Array;
      const n = Math.min(chunk.length - from, segment.length - this.used);
      segment.set(chunk.subarray(from, from + n), this.used);
      this.used += n;
      from += n;
    }
    this.length += chunk.length;
  }

  /** The whole body as one Buffer; no copy when it fits its first segment (most pages do). */
  whole(): Buffer {
    const parts = this.segments();
    if (parts.length === 1) {
      const only = parts[0] as Uint8Array;
      return Buffer.from(only.buffer, only.byteOffset, only.byteLength);
    }
    return Buffer.concat(parts, this.length);
  }

  /**
   * The filled part of each segment, for postMessage's transfer list. The body cannot be read
   * here any more once they are transferred: call handOver() with them.
   */
  segments(): Uint8Array[] {
    if (this.handedOver) throw new Error('BodySegments: read after handing its segments over');
    const last = this.current ? [this.current.subarray(0, this.used)] : [];
    return [...this.filled, ...last];
  }

  /** The segments, marked as given away (transferred to another thread). */
  handOver(): Uint8Array[] {
    const parts = this.segments();
    this.handedOver = true;
    return parts;
  }

  private nextSegment(): void {
    if (this.current) this.filled.push(this.current);
    const size = this.current ? Math.min(this.current.length * 2, MAX_SEGMENT_BYTES) : FIRST_SEGMENT_BYTES;
    // allocUnsafeSlow: a buffer of its own (never the shared pool), so it can be transferred;
    // unfilled bytes are never read.
    this.current = Buffer.allocUnsafeSlow(size);
    this.used = 0;
  }
}
