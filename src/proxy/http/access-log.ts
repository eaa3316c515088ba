// The access log: one JSON object a line, to a file (`--log`). Warnings go to the same file as
// `{"level":"warn"}` lines and to the `onWarning` callback (stderr in the CLI). Entries hold proxy
// paths and redacted upstream URLs only; credentials never reach this module.
import { createWriteStream, type WriteStream } from 'node:fs';

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

export class ProxyLog {
  private stream?: WriteStream;

  constructor(
    path: string | undefined,
    private readonly onWarning: (message: string) => void = () => {},
  ) {
    if (!path) return;
    const stream = createWriteStream(path, { flags: 'a' });
    // A log that cannot be written (a full disk) must not take the proxy down with it.
    stream.once('error', (error: Error) => {
      this.stream = undefined;
      stream.destroy();
      this.onWarning(`access log ${path} disabled: ${error.message}`);
    });
    this.stream = stream;
  }

  access(entry: AccessEntry): void {
    this.write({ time: new Date().toISOString(), ...entry });
  }

  warn(message: string): void {
    this.onWarning(message);
    this.write({ time: new Date().toISOString(), level: 'warn', message });
  }

  private write(record: Record<string, unknown>): void {
    this.stream?.write(`${JSON.stringify(record)}\n`);
  }

  close(): Promise<void> {
    const stream = this.stream;
    if (!stream) return Promise.resolve();
    return new Promise((resolve) => stream.end(resolve));
  }
}
