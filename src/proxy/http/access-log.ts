// The access log: one JSON object a line, to a file (`--log`). Warnings go to the same file as
// `{"level":"warn"}` lines and to the `onWarning` callback (stderr in the CLI). Entries hold proxy
// paths and redacted upstream URLs only; credentials never reach this module. As a last guard
// (a message built from some unexpected error text), every line is masked with the upstreams'
// secrets, the way the runner masks a job's log.
// Lines are kept in memory and written in batches (every second, past 64 KiB, on a warning, on
// close and on exit): a write per answer was a tenth of the warm path's cost per request
// (issue 11). A batch is one synchronous append, so lines stay in order and none is lost on exit.
import { closeSync, openSync, writeSync } from 'node:fs';
import { maskSecrets } from '../upstream/url-secrets.js';

export interface AccessEntry {
  method: string;
  path: string;
  status: number;
  bytes: number;
  ms: number;
  /** Where the answer came from: store, memory, upstream, proxy (health, stats, redirects). */
  source?: string;
  /** Under interception: the host the request was for, and what a stored file was checked against. */
  host?: string;
  verifiedBy?: string;
}

const FLUSH_EVERY_MS = 1_000;
const FLUSH_PAST_BYTES = 64 * 1024;

export class ProxyLog {
  private fd: number | undefined;
  private pending: string[] = [];
  private pendingBytes = 0;
  private readonly timer?: NodeJS.Timeout;
  private readonly flushOnExit = () => this.flush();

  constructor(
    private readonly path: string | undefined,
    private readonly onWarning: (message: string) => void = () => {},
    private readonly secrets: readonly string[] = [],
  ) {
    if (!path) return;
    this.fd = openSync(path, 'a');
    this.timer = setInterval(() => this.flush(), FLUSH_EVERY_MS).unref();
    process.once('exit', this.flushOnExit);
  }

  access(entry: AccessEntry): void {
    this.write({ time: new Date().toISOString(), ...entry });
  }

  warn(message: string): void {
    this.onWarning(this.mask(message));
    this.write({ time: new Date().toISOString(), level: 'warn', message });
    this.flush();
  }

  /** `text` with every upstream secret replaced by `***`: for anything that leaves the process. */
  mask(text: string): string {
    return this.secrets.length === 0 ? text : maskSecrets(text, this.secrets);
  }

  private write(record: Record<string, unknown>): void {
    if (this.fd === undefined) return;
    const line = `${this.mask(JSON.stringify(record))}\n`;
    this.pending.push(line);
    this.pendingBytes += line.length;
    if (this.pendingBytes >= FLUSH_PAST_BYTES) this.flush();
  }

  /** Writes the lines kept so far. */
  flush(): void {
    if (this.fd === undefined || this.pending.length === 0) return;
    const batch = this.pending.join('');
    this.pending = [];
    this.pendingBytes = 0;
    try {
      writeSync(this.fd, batch);
    } catch (error: unknown) {
      // A log that cannot be written (a full disk) must not take the proxy down with it.
      this.stop();
      this.onWarning(`access log ${this.path} disabled: ${(error as Error).message}`);
    }
  }

  private stop(): void {
    clearInterval(this.timer);
    process.off('exit', this.flushOnExit);
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  close(): Promise<void> {
    this.flush();
    this.stop();
    return Promise.resolve();
  }
}
