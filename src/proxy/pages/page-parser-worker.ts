// The worker thread's side of off-thread page parsing (page-parser-thread.ts): decodes and
// parses the HTML bodies it is sent, one at a time, and posts back the models. Started from its
// own bundle entry (src/cli/page-parser.ts, dist/page-parser.js).
import { parentPort } from 'node:worker_threads';
import { parseHtmlPage, parseHtmlProjectList } from './html-page.js';

export interface ParseRequest {
  id: number;
  kind: 'page' | 'list';
  /** The body's segments as received, joined and decoded here (UTF-8, bad sequences replaced, as Buffer does). */
  body: Uint8Array[];
  url: string;
  name: string;
}

/** `ready` first, once the parser is loaded; then one answer a request. */
export type ParseAnswer = { ready: true } | { id: number; value: unknown } | { id: number; error: string };

export function servePageParsing(): void {
  const port = parentPort;
  if (!port) throw new Error('the page parser runs in a worker thread only (page-parser-thread.ts)');
  port.on('message', (request: ParseRequest) => {
    let answer: ParseAnswer;
    try {
      const html = Buffer.concat(request.body).toString('utf8');
      const value =
        request.kind === 'page' ? parseHtmlPage(html, request.url, request.name) : parseHtmlProjectList(html);
      answer = { id: request.id, value };
    } catch (error: unknown) {
      answer = { id: request.id, error: (error as Error).message };
    }
    port.postMessage(answer);
  });
  port.postMessage({ ready: true } satisfies ParseAnswer);
}
