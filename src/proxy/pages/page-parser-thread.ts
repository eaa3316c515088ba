// Large HTML pages are parsed in a worker thread: the scanner is linear, but 8 MiB of hostile
// markup is still tens of milliseconds of work, and a page of 64 MiB the better part of a second,
// during which the daemon would answer nothing else (/-/health, stored files, other pages: issue
// 9, case 4). Small pages, nearly all of them, stay on the main thread: a round trip to the
// worker costs more than parsing them. JSON pages stay too: JSON.parse is native and fast, and
// the model would have to be copied back at about the cost of parsing it.
// The worker is the bundle's dist/page-parser.js (src/cli/page-parser.ts); it is started on the
// first large page, shared by every page after it, and never keeps the process alive. Without a
// script (the proxy run in-process by tests), or when the worker cannot start or dies, pages are
// parsed on the main thread, as before.
import { Worker } from 'node:worker_threads';
import { parseHtmlPage, parseHtmlProjectList } from './html-page.js';
import type { ParseAnswer, ParseRequest } from './page-parser-worker.js';
import type { ProjectList, ProjectPage } from './pages.js';

/** HTML bodies from this size on are parsed in the worker. */
export const OFF_THREAD_MIN_BYTES = 1024 * 1024;

/** The worker could not start: the page is parsed on the main thread instead. */
class WorkerUnavailableError extends Error {}

interface Waiting {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

export class HtmlPageParser {
  private worker?: Worker;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 0;
  /** Pages the worker parsed so far. */
  done = 0;
  /** Set once the worker could not start: the main thread parses from then on. */
  private unavailable?: Error;

  /** `script`: the worker's module (dist/page-parser.js); undefined parses on the main thread. */
  constructor(private readonly script?: string | URL) {}

  async projectPage(body: Buffer, url: string, name: string): Promise<ProjectPage> {
    const here = () => parseHtmlPage(body.toString('utf8'), url, name);
    if (!this.offThread(body)) return here();
    return (await this.inWorker({ kind: 'page', body, url, name }, here)) as ProjectPage;
  }

  async projectList(body: Buffer): Promise<ProjectList> {
    const here = () => parseHtmlProjectList(body.toString('utf8'));
    if (!this.offThread(body)) return here();
    return (await this.inWorker({ kind: 'list', body, url: '', name: '' }, here)) as ProjectList;
  }

  /** Pages the worker is parsing now, or has yet to. */
  get inProgress(): number {
    return this.waiting.size;
  }

  /** Stops the worker; pages still being parsed fail. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private offThread(body: Buffer): boolean {
    return this.script !== undefined && this.unavailable === undefined && body.length >= OFF_THREAD_MIN_BYTES;
  }

  private async inWorker(request: Omit<ParseRequest, 'id'>, here: () => unknown): Promise<unknown> {
    const worker = this.started();
    const id = this.nextId++;
    // A copy of its own, handed over whole: the caller's buffer may share memory with others.
    // set() is one memcpy; new Uint8Array(buffer) copied element by element (~30 ms for 8 MiB).
    const body = new Uint8Array(request.body.length);
    body.set(request.body);
    const answer = new Promise<unknown>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    worker.postMessage({ ...request, id, body } satisfies ParseRequest, [body.buffer]);
    try {
      return await answer;
    } catch (error: unknown) {
      // A worker that died while parsing (out of memory on this page) fails the page instead:
      // the main thread would fare no better.
      if (error instanceof WorkerUnavailableError) return here();
      throw error;
    }
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.script as string | URL);
    // Parsing is never a reason to stay up; the waiting requests keep their server busy anyway.
    worker.unref();
    // Up once its parser is loaded: a script that fails to load never says so.
    let online = false;
    worker.on('message', (answer: ParseAnswer) => {
      if ('ready' in answer) {
        online = true;
        return;
      }
      const waiting = this.waiting.get(answer.id);
      this.waiting.delete(answer.id);
      if ('error' in answer) waiting?.reject(new Error(answer.error));
      else {
        this.done++;
        waiting?.resolve(answer.value);
      }
    });
    const lost = (reason: string) => {
      if (this.worker === worker) this.worker = undefined;
      // A worker that never came up will not next time either (a missing script).
      const error = online
        ? new Error(`the page parser thread ${reason}`)
        : new WorkerUnavailableError(`the page parser thread could not start: ${reason}`);
      if (!online) this.unavailable = error;
      for (const waiting of this.waiting.values()) waiting.reject(error);
      this.waiting.clear();
    };
    worker.on('error', (error: Error) => lost(`failed: ${error.message}`));
    worker.on('exit', (code) => lost(`exited (code ${code})`));
    this.worker = worker;
    return worker;
  }
}
