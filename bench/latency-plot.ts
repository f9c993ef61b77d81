// A small SVG line chart, written by hand (no dependency): latency percentiles (log scale) against
// the offered load, one colour per system, one dash pattern per percentile.
export interface PlotPoint { rate: number; p50: number; p90: number; p99: number }
export interface PlotSeries { name: string; colour: string; points: PlotPoint[] }

const W = 720;
const H = 420;
const M = { left: 64, right: 180, top: 44, bottom: 52 };
const PERCENTILES = [['p50', ''], ['p90', '6 4'], ['p99', '2 3']] as const;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const num = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(1));

/** Round steps for the linear axis: 1, 2 or 5 × 10^n, about `count` of them. */
function linearTicks(max: number, count: number): number[] {
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? raw;
  return Array.from({ length: Math.floor(max / step) + 1 }, (_, i) => i * step);
}

/** 1, 2, 5 × 10^n between the bounds. */
function logTicks(min: number, max: number): number[] {
  const ticks: number[] = [];
  for (let p = Math.floor(Math.log10(min)); p <= Math.ceil(Math.log10(max)); p++) {
    for (const m of [1, 2, 5]) if (m * 10 ** p >= min && m * 10 ** p <= max) ticks.push(m * 10 ** p);
  }
  return ticks;
}

export function latencySvg(title: string, subtitle: string, series: PlotSeries[]): string {
  const finite = (v: number) => Number.isFinite(v) && v > 0;
  const points = series.flatMap((s) => s.points);
  const values = points.flatMap((p) => [p.p50, p.p90, p.p99]).filter(finite);
  const xMax = Math.max(1, ...points.map((p) => p.rate)) * 1.05;
  const yMin = 10 ** Math.floor(Math.log10(Math.min(...values, 10)));
  const yMax = 10 ** Math.ceil(Math.log10(Math.max(...values, 100)));
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const x = (rate: number) => M.left + (rate / xMax) * plotW;
  const y = (ms: number) => M.top + plotH - ((Math.log10(ms) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin))) * plotH;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${M.left}" y="16" font-size="14" font-weight="bold">${esc(title)}</text>`,
    `<text x="${M.left}" y="32" font-size="11" fill="#555">${esc(subtitle)}</text>`,
  ];
  for (const t of linearTicks(xMax, 8)) {
    out.push(`<line x1="${x(t)}" y1="${M.top}" x2="${x(t)}" y2="${M.top + plotH}" stroke="#eee"/>`,
      `<text x="${x(t)}" y="${M.top + plotH + 16}" text-anchor="middle">${num(t)}</text>`);
  }
  for (const t of logTicks(yMin, yMax)) {
    out.push(`<line x1="${M.left}" y1="${y(t)}" x2="${M.left + plotW}" y2="${y(t)}" stroke="#eee"/>`,
      `<text x="${M.left - 6}" y="${y(t) + 4}" text-anchor="end">${num(t)}</text>`);
  }
  out.push(`<rect x="${M.left}" y="${M.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#888"/>`,
    `<text x="${M.left + plotW / 2}" y="${H - 12}" text-anchor="middle">offered load, orders/s (evenly paced)</text>`,
    `<text transform="translate(16 ${M.top + plotH / 2}) rotate(-90)" text-anchor="middle">latency, ms (log scale)</text>`);
  for (const s of series) {
    for (const [p, dash] of PERCENTILES) {
      const pts = s.points.filter((pt) => finite(pt[p])).map((pt) => `${x(pt.rate).toFixed(1)},${y(pt[p]).toFixed(1)}`);
      out.push(`<polyline points="${pts.join(' ')}" fill="none" stroke="${s.colour}" stroke-width="2" stroke-dasharray="${dash}"/>`);
      for (const pt of pts) out.push(`<circle cx="${pt.split(',')[0]}" cy="${pt.split(',')[1]}" r="2.5" fill="${s.colour}"/>`);
    }
  }
  const lx = M.left + plotW + 16;
  series.forEach((s, i) => out.push(`<rect x="${lx}" y="${M.top + i * 20}" width="14" height="10" fill="${s.colour}"/>`,
    `<text x="${lx + 20}" y="${M.top + i * 20 + 10}">${esc(s.name)}</text>`));
  PERCENTILES.forEach(([p, dash], i) => {
    const ly = M.top + series.length * 20 + 16 + i * 20;
    out.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 28}" y2="${ly}" stroke="#333" stroke-width="2" stroke-dasharray="${dash}"/>`,
      `<text x="${lx + 34}" y="${ly + 4}">${p}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
