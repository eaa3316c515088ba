// The worker thread that parses large HTML pages for the daemon (src/proxy/pages/page-parser-thread.ts).
// Imported past src/proxy/index.ts on purpose: the bundle then gives the worker a chunk of the
// page parser alone, not the whole proxy to load in every worker.
import { servePageParsing } from '../proxy/pages/page-parser-worker.js';

servePageParsing();
