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
import type { BodySegments } from '../upstream/body-segments.js';
import { parseHtmlPage, parseHtmlProjectList } from './html-page.js';
import type { ParseAnswer, ParseRequest } from './page-parser-worker.js';
import type { ProjectList, ProjectPage } from './pages.js';

/** HTML bodies from this size on are parsed in the worker. */
export const OFF_THREAD_MIN_BYTES = 1024 * 1024;

/** The worker could not start: the page is parsed on the main thread instead. */
class WorkerUnavailableError extends Error {}

interface RunningWorker {
  worker: Worker;
  /** Resolves once the worker's parser is loaded; rejects if it never comes up. */
  online: Promise<void>;
}

interface Waiting {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

export class HtmlPageParser {
  private running?: RunningWorker;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 0;
  /** Pages the worker parsed so far. */
  done = 0;
  /** Set once the worker could not start: the main thread parses from then on. */
  private unavailable?: Error;

  /** `script`: the worker's module (dist/page-parser.js); undefined parses on the main thread. */
  constructor(private readonly script?: string | URL) {}

  async projectPage(body: BodySegments, url: string, name: string): Promise<ProjectPage> {
    const here = () => parseHtmlPage(body.whole().toString('utf8'), url, name);
    if (!this.offThread(body)) return here();
    return (await this.inWorker({ kind: 'page', url, name }, body, here)) as ProjectPage;
  }

  async projectList(body: BodySegments): Promise<ProjectList> {
    const here = () => parseHtmlProjectList(body.whole().toString('utf8'));
    if (!this.offThread(body)) return here();
    return (await this.inWorker({ kind: 'list', url: '', name: '' }, body, here)) as ProjectList;
  }

  /** Pages the worker is parsing now, or has yet to. */
  get inProgress(): number {
    return this.waiting.size;
  }

  /** Stops the worker; pages still being parsed fail. */
  async close(): Promise<void> {
    const worker = this.running?.worker;
    this.running = undefined;
    await worker?.terminate();
  }

  private offThread(body: BodySegments): boolean {
    return this.script !== undefined && this.unavailable === undefined && body.length >= OFF_THREAD_MIN_BYTES;
  }

  private async inWorker(
    request: Omit<ParseRequest, 'id' | 'body'>,
    body: BodySegments,
    here: () => unknown,
  ): Promise<unknown> {
    const running = this.started();
    const { worker } = running;
    try {
      // Transferred only to a worker that is up: one that cannot start leaves the body here.
      await running.online;
      // It may have died since: a message to it would never be answered.
      if (this.running !== running) throw new Error('the page parser thread exited before the page was sent');
      const id = this.nextId++;
      const answer = new Promise<unknown>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
      // The segments are the body's own (body-segments.ts): handed over, not copied.
      const segments = body.handOver();
      worker.postMessage(
        { ...request, id, body: segments } satisfies ParseRequest,
        segments.map((segment) => segment.buffer as ArrayBuffer),
      );
      return await answer;
    } catch (error: unknown) {
      // A worker that died while parsing (out of memory on this page) fails the page instead:
      // the main thread would fare no better.
      if (error instanceof WorkerUnavailableError) return here();
      throw error;
    }
  }

  private started(): RunningWorker {
    if (this.running) return this.running;
    const worker = new Worker(this.script as string | URL);
    // Parsing is never a reason to stay up; the waiting requests keep their server busy anyway.
    worker.unref();
    // Up once its parser is loaded: a script that fails to load never says so.
    let online = false;
    let up: () => void = () => {};
    let neverUp: (error: Error) => void = () => {};
    const onlinePromise = new Promise<void>((resolve, reject) => {
      up = resolve;
      neverUp = reject;
    });
    // Awaited by whoever sends a page; a rejection with no page waiting is no crash.
    onlinePromise.catch(() => {});
    worker.on('message', (answer: ParseAnswer) => {
      if ('ready' in answer) {
        online = true;
        up();
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
      if (this.running?.worker === worker) this.running = undefined;
      // A worker that never came up will not next time either (a missing script).
      const error = online
        ? new Error(`the page parser thread ${reason}`)
        : new WorkerUnavailableError(`the page parser thread could not start: ${reason}`);
      if (!online) this.unavailable = error;
      neverUp(error);
      for (const waiting of this.waiting.values()) waiting.reject(error);
      this.waiting.clear();
    };
    worker.on('error', (error: Error) => lost(`failed: ${error.message}`));
    worker.on('exit', (code) => lost(`exited (code ${code})`));
    this.running = { worker, online: onlinePromise };
    return this.running;
  }
}
