// Writes simple-API pages: the negotiated format (negotiation.ts) with its exact Content-Type,
// `Vary: Accept, Accept-Encoding`, gzip when the client takes it, and a strong ETag per
// representation so pip's conditional requests (it always sends max-age=0) get a cheap 304.
// A page is rendered once per format and page model and kept while it fits the renderings'
// memory budget; an evicted one is rendered again when asked. A rendering belongs to the model
// it was made from: a page loaded again (re-fetched, or read back after its model was evicted)
// is rendered again, so no answer outlives a change in the store.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { CONTENT_TYPES, type PageFormat } from '../http/negotiation.js';
import { ByteBudgetCache } from './byte-budget-cache.js';

const gzipAsync = promisify(gzip);
// Small pages are not worth a gzip round: the headers would outweigh the saving.
const GZIP_MIN_BYTES = 200;
export const DEFAULT_RENDER_BUDGET_BYTES = 64 * 1024 * 1024;

interface Rendered {
  /** Its key in the budget cache. */
  key: string;
  /** The page model it renders. */
  model: object;
  body: Buffer;
  etag: string;
  gzipped?: Promise<Buffer>;
}

export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  return header.split(',').some((part) => {
    const [coding = '', ...params] = part.split(';').map((piece) => piece.trim().toLowerCase());
    const q = params.find((param) => param.startsWith('q='));
    return (coding === 'gzip' || coding === 'x-gzip') && (q === undefined || Number(q.slice(2)) > 0);
  });
}

export class PageRenderer {
  private readonly rendered: ByteBudgetCache<Rendered>;

  constructor(budgetBytes = DEFAULT_RENDER_BUDGET_BYTES) {
    this.rendered = new ByteBudgetCache(budgetBytes);
  }

  /** Bytes the kept renderings hold (a stat: stays under the budget). */
  get heldBytes(): number {
    return this.rendered.heldBytes;
  }

  /** The rendered bytes of `model` (the page at `key`) in `format`, produced on first use. */
  get(key: string, format: PageFormat, model: object, produce: () => string): Rendered {
    const cacheKey = `${format}:${key}`;
    let rendered = this.rendered.get(cacheKey);
    if (rendered?.model !== model) {
      const body = Buffer.from(produce());
      const digest = createHash('sha256').update(body).digest('base64url').slice(0, 32);
      rendered = { key: cacheKey, model, body, etag: `"${digest}-${format}"` };
      this.rendered.set(cacheKey, rendered, body.length);
    }
    return rendered;
  }

  async send(
    req: IncomingMessage,
    res: ServerResponse,
    rendered: Rendered,
    format: PageFormat,
  ): Promise<void> {
    const useGzip = rendered.body.length >= GZIP_MIN_BYTES && acceptsGzip(req.headers['accept-encoding']);
    const etag = useGzip ? `${rendered.etag.slice(0, -1)}-gzip"` : rendered.etag;
    const headers: Record<string, string | number> = {
      'content-type': CONTENT_TYPES[format],
      vary: 'Accept, Accept-Encoding',
      etag,
      // As PyPI: clients may reuse a page for ten minutes; pip revalidates anyway.
      'cache-control': 'max-age=600, public',
    };
    const ifNoneMatch = req.headers['if-none-match'];
    if (ifNoneMatch?.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)) {
      res.writeHead(304, headers).end();
      return;
    }
    let body = rendered.body;
    if (useGzip) {
      rendered.gzipped ??= gzipAsync(rendered.body);
      body = await rendered.gzipped;
      this.rendered.resize(rendered.key, rendered.body.length + body.length);
      headers['content-encoding'] = 'gzip';
    }
    headers['content-length'] = body.length;
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  }
}
