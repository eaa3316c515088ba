// The upstream-requests chart as a hand-written SVG: grouped bars, cold and warm per set-up.

export interface BarGroup {
  label: string;
  cold: number | null;
  warm: number | null;
}

const WIDTH = 720;
const HEIGHT = 360;
const MARGIN = { top: 48, right: 24, bottom: 72, left: 64 };

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function niceMax(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 2.5, 5, 10].map((m) => m * power).find((m) => m >= value) ?? value;
}

export function upstreamRequestsChart(title: string, groups: BarGroup[]): string {
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const max = niceMax(Math.max(1, ...groups.flatMap((g) => [g.cold ?? 0, g.warm ?? 0])));
  const y = (v: number) => MARGIN.top + plotH - (v / max) * plotH;
  const slot = plotW / groups.length;
  const bar = Math.min(48, slot / 3);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(title)}: ${escapeXml(groups.map((g) => `${g.label} cold ${g.cold ?? 'n/a'}, warm ${g.warm ?? 'n/a'}`).join('; '))}</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>`,
    `<text x="${WIDTH / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const v = (max / 4) * i;
    parts.push(
      `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`,
      `<text x="${MARGIN.left - 6}" y="${y(v) + 4}" text-anchor="end">${Math.round(v)}</text>`,
    );
  }
  groups.forEach((group, i) => {
    const center = MARGIN.left + slot * i + slot / 2;
    const bars: [number | null, string, number][] = [
      [group.cold, '#4c78a8', center - bar - 2],
      [group.warm, '#f58518', center + 2],
    ];
    for (const [value, color, x] of bars) {
      if (value === null) {
        parts.push(`<text x="${x + bar / 2}" y="${y(0) - 4}" text-anchor="middle" fill="#999">n/a</text>`);
        continue;
      }
      parts.push(
        `<rect x="${x}" y="${y(value)}" width="${bar}" height="${y(0) - y(value)}" fill="${color}"/>`,
        `<text x="${x + bar / 2}" y="${y(value) - 4}" text-anchor="middle">${value}</text>`,
      );
    }
    parts.push(
      `<text x="${center}" y="${HEIGHT - MARGIN.bottom + 18}" text-anchor="middle">${escapeXml(group.label)}</text>`,
    );
  });
  const legendY = HEIGHT - 20;
  parts.push(
    `<rect x="${WIDTH / 2 - 90}" y="${legendY - 10}" width="12" height="12" fill="#4c78a8"/>`,
    `<text x="${WIDTH / 2 - 72}" y="${legendY}">cold job</text>`,
    `<rect x="${WIDTH / 2 + 10}" y="${legendY - 10}" width="12" height="12" fill="#f58518"/>`,
    `<text x="${WIDTH / 2 + 28}" y="${legendY}">warm job</text>`,
    `<text x="16" y="${MARGIN.top + plotH / 2}" transform="rotate(-90 16 ${MARGIN.top + plotH / 2})" text-anchor="middle">upstream requests per job</text>`,
    '</svg>',
  );
  return `${parts.join('\n')}\n`;
}
