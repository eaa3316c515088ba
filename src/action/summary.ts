import * as core from '@actions/core';
import { generationKey } from '../key/generation.js';
import { formatBytes } from '../system/folder-size.js';
import type { StoppedProxy } from './job-proxy.js';
import type { MainState } from './state.js';

// The job summary: one small table a person can read at a glance.

export interface SaveReport {
  /** What happened to the save, in a few words: "saved", "skipped: exact hit", ... */
  outcome: string;
  bytes?: number;
  ms?: number;
}

export async function writeJobSummary(
  state: MainState,
  save: SaveReport,
  proxy?: StoppedProxy,
): Promise<void> {
  const result = state.cacheHit ? 'exact hit' : state.matchedKey ? 'fallback hit' : 'miss';
  const restored = state.matchedKey
    ? `${formatBytes(state.restoredBytes)} in ${state.restoreMs} ms`
    : (state.restoreProblem ?? 'nothing');
  const saved =
    save.bytes !== undefined ? `${save.outcome}: ${formatBytes(save.bytes)} in ${save.ms} ms` : save.outcome;
  const rows = [
    ['Key', code(generationKey(state.key, (state.generation ?? 0) + 1))],
    ['Result', result],
    ['Matched key', state.matchedKey ? code(state.matchedKey) : '-'],
    ['Restored', escapeHtml(restored)],
    ['Saved', escapeHtml(saved)],
    ['Cached folders', state.folders.map((folder) => `${folder.owner}: ${code(folder.path)}`).join('<br>')],
    ['Backend', state.backend],
    ...(state.proxy ? proxyRows(state.proxy.url, state.proxy.policy, proxy) : []),
  ];
  await core.summary
    .addHeading('PyPI cache', 3)
    .addTable([
      [
        { data: 'Item', header: true },
        { data: 'Value', header: true },
      ],
      ...rows,
    ])
    .write();
}

function proxyRows(url: string, policy: string, proxy: StoppedProxy | undefined): string[][] {
  const stats = proxy?.stats;
  const rows = [['Proxy', `${code(`${url}/simple/`)} (${policy})`]];
  if (proxy?.problem) rows.push(['Proxy problem', escapeHtml(proxy.problem)]);
  if (!stats) return rows;
  return [
    ...rows,
    ['Requests served', String(stats.requests)],
    ['From the store', String(stats.servedFromStore)],
    ['From upstream', `${stats.fetchedUpstream} requests, ${formatBytes(stats.upstreamBytes)}`],
    ['Revalidated (304)', `${stats.revalidated} requests, nothing downloaded`],
    ['Bytes saved', formatBytes(stats.storeBytes)],
  ];
}

function code(text: string): string {
  return `<code>${escapeHtml(text)}</code>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (char) => `&#${char.charCodeAt(0)};`);
}
