import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);
import {
  parseHtmlPage,
  parseHtmlProjectList
} from "./chunk-HKO227F4.js";
import {
  __name
} from "./chunk-WTG47EWH.js";

// src/proxy/pages/page-parser-worker.ts
import { parentPort } from "node:worker_threads";
function servePageParsing() {
  const port = parentPort;
  if (!port) throw new Error("the page parser runs in a worker thread only (page-parser-thread.ts)");
  port.on("message", (request) => {
    let answer;
    try {
      const html = Buffer.concat(request.body).toString("utf8");
      const value = request.kind === "page" ? parseHtmlPage(html, request.url, request.name) : parseHtmlProjectList(html);
      answer = { id: request.id, value };
    } catch (error) {
      answer = { id: request.id, error: error.message };
    }
    port.postMessage(answer);
  });
  port.postMessage({ ready: true });
}
__name(servePageParsing, "servePageParsing");

// src/cli/page-parser.ts
servePageParsing();
