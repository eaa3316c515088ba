import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The entry files export `run()` for @github/local-action, which imports them and calls run()
// itself; they run on their own only when Node started them (the runner: `node dist/main.js`).

/** True when the module at `moduleUrl` is the script Node was started with. */
export function isEntryModule(moduleUrl: string, argv: string[] = process.argv): boolean {
  const started = argv[1];
  if (!started) return false;
  try {
    return realpathSync(started) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}
