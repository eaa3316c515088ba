// `GET /`: a few lines for a person who opens the proxy in a browser: what this is, where the
// routes are, a link to the counters. Not a PEP 503 page (pip and uv never ask for `/`), so no
// PEP 691 negotiation: HTML for a browser, the same lines as plain text for anything else.
import { escapeHtml } from '../pages/html-entities.js';
import type { Upstream } from '../upstream/upstream-config.js';
import { simplePrefix } from './routes.js';

interface Line {
  path: string;
  what: string;
  link?: boolean;
}

function lines(upstreams: ReadonlyArray<Pick<Upstream, 'name'>>): Line[] {
  const first = upstreams[0]?.name ?? '';
  return [
    ...upstreams.map(({ name }) => ({
      path: simplePrefix(name, first),
      what: `the index of upstream ${name}: point pip or uv here`,
    })),
    { path: '/files/...', what: 'the files those pages link to' },
    { path: '/-/stats', what: 'counters: requests, from the store, from upstream', link: true },
    { path: '/-/health', what: 'liveness, for scripts' },
    { path: '/-/manifest', what: 'what this run used (saved with the store)' },
  ];
}

export function homePage(
  upstreams: ReadonlyArray<Pick<Upstream, 'name'>>,
  accept: string | undefined,
): { type: string; body: string } {
  const routes = lines(upstreams);
  const wantsHtml = accept === undefined || /text\/html|\*\/\*/.test(accept);
  if (!wantsHtml) {
    const text = routes.map((r) => `${r.path.padEnd(14)} ${r.what}`).join('\n');
    return {
      type: 'text/plain; charset=utf-8',
      body: `pypi-cache-proxy: a caching proxy for the Python simple repository API (PEP 503/691).\n${text}\n`,
    };
  }
  const items = routes
    .map((r) => {
      const path = r.link ? `<a href="${escapeHtml(r.path)}">${escapeHtml(r.path)}</a>` : escapeHtml(r.path);
      return `<li><code>${path}</code>: ${escapeHtml(r.what)}</li>`;
    })
    .join('\n');
  return {
    type: 'text/html; charset=utf-8',
    body: `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>pypi-cache-proxy</title></head>
<body><h1>pypi-cache-proxy</h1>
<p>A caching proxy for the Python simple repository API (PEP 503/691), from pypi-cache-action.</p>
<ul>
${items}
</ul></body></html>
`,
  };
}
