// The comparison's table: one row per measure, this checkout (A) and the other commit (B) side by
// side, each the figure over all rounds with the rounds' own figures after it, and A ÷ B.
import { percentile } from '../load';
import type { BenchResults } from '../report';
import { slowRequestsText } from '../slow-requests';

type Round = { round: number; loadAverage: number };

export interface SideRuns {
  saturation: Array<BenchResults['saturation'] & Round>;
  halfLoad: Array<BenchResults['halfLoad'] & Round>;
  /** Half load at one rate for both systems: half of the slower one's saturation in that round. */
  sameRate: Array<BenchResults['halfLoad'] & Round>;
  catalogDown: Array<BenchResults['catalogDown'] & Round>;
  /** Steps that failed (e.g. an old commit without an endpoint a phase needs): said, not hidden. */
  failures: string[];
}

export interface AgainstResults {
  labels: { this: string; against: string };
  this: SideRuns & { invariants: { violations: string[]; keys: number } };
  against: SideRuns & { invariants: { violations: string[]; keys: number } };
}

/** A measure over the rounds (`value`, or null when no round measured it) and each round's figure. */
export interface Cell { value: number | null; rounds: number[] }

export interface Row { measure: string; this: Cell; against: Cell; digits: number; unit: string }

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? null : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** Rates over all rounds: all answers ÷ all seconds (not a mean of means). */
const rate = <T extends { durationS: number }>(runs: T[], count: (r: T) => number): Cell =>
  ({ value: runs.length ? sum(runs.map(count)) / sum(runs.map((r) => r.durationS)) : null, rounds: runs.map((r) => count(r) / r.durationS) });
/** CPU per answer over all rounds: weighted by each round's answers. */
const cpu = <T extends { cpu: { totalPerOrderMs: number } }>(runs: T[], count: (r: T) => number): Cell =>
  ({ value: runs.length && sum(runs.map(count)) > 0 ? sum(runs.map((r) => r.cpu.totalPerOrderMs * count(r))) / sum(runs.map(count)) : null, rounds: runs.map((r) => r.cpu.totalPerOrderMs) });
/** Latency percentiles: the median of the rounds' (one bad round shows in the round figures, not as the value). */
const latency = <T>(runs: T[], of: (r: T) => number | null): Cell => {
  const xs = runs.map(of).filter((x): x is number => x !== null);
  return { value: median(xs), rounds: xs };
};
/**
 * The p99 of every round's requests taken together: a round of ~400 requests makes its p99 the 4th
 * or 5th slowest, one stall of the machine; pooled, it is the 1 % of ~1 200 (rounds of a commit
 * measured before latenciesMs was kept give null).
 */
const pooledP99 = (runs: Array<{ latenciesMs?: number[]; p99: number }>): Cell => {
  const all = runs.every((r) => r.latenciesMs) ? runs.flatMap((r) => r.latenciesMs!) : [];
  return { value: percentile(all, 99), rounds: runs.map((r) => r.p99) };
};

export function againstRows(r: AgainstResults): Row[] {
  const row = (measure: string, digits: number, unit: string, cell: (s: SideRuns) => Cell): Row => ({ measure, this: cell(r.this), against: cell(r.against), digits, unit });
  const rates = (s: SideRuns) => s.halfLoad.map((h) => h.rate).join(', ');
  return [
    row('Orders/s at saturation (2xx/s, 32 connections, 2 × 4 s per round, bench/saturation.ts)', 0, '', (s) => rate(s.saturation, (x) => x.ok)),
    row('CPU per order at saturation, all processes', 1, ' ms', (s) => cpu(s.saturation, (x) => x.ok)),
    row('Latency at saturation, p99 (median of the rounds)', 0, ' ms', (s) => latency(s.saturation, (x) => x.p99)),
    row(`p99 at half load, evenly paced, half of each round's own saturation (A at ${rates(r.this)}/s, B at ${rates(r.against)}/s; median of the rounds)`, 0, ' ms', (s) => latency(s.halfLoad, (x) => x.p99)),
    row('p99 at half load, the same requests pooled (the slowest 1 % of all rounds together)', 0, ' ms', (s) => pooledP99(s.halfLoad)),
    row(`p99 at the same pace for both, half of the slower one's saturation (${r.this.sameRate.map((h) => h.rate).join(', ')}/s; pooled)`, 0, ' ms', (s) => pooledP99(s.sameRate)),
    row('Catalog killed, breaker open: answers/s (32 connections, 4 s per round)', 0, '', (s) => rate(s.catalogDown, (x) => x.answers)),
    row('Catalog killed, breaker open: p99 of the 503s (median of the rounds)', 1, ' ms', (s) => latency(s.catalogDown, (x) => x.p99Of503)),
    row('Catalog killed, breaker open: CPU per answer, all processes', 2, ' ms', (s) => cpu(s.catalogDown, (x) => x.answers)),
  ];
}

const f = (v: number | null, digits: number) => (v === null || !Number.isFinite(v) ? 'n/a' : v.toFixed(digits));
const cellText = (c: Cell, digits: number, unit: string) => `${f(c.value, digits)}${c.value === null ? '' : unit} (${c.rounds.map((x) => f(x, digits)).join(' · ')})`;
const ratio = (a: Cell, b: Cell) => (a.value === null || b.value === null || b.value === 0 ? 'n/a' : `${(a.value / b.value).toFixed(2)} ×`);
const holds = (i: { violations: string[]; keys: number }) => (i.violations.length === 0 ? `all hold (${i.keys} keys)` : `**${i.violations.length} violated**`);

/** The table: measure | A (this checkout) | B (the other commit) | A ÷ B; then invariants and failed steps. */
export function againstMarkdown(r: AgainstResults): string {
  const rows = againstRows(r).map((x) => `| ${x.measure} | ${cellText(x.this, x.digits, x.unit)} | ${cellText(x.against, x.digits, x.unit)} | ${ratio(x.this, x.against)} |`);
  const failures = [...r.this.failures.map((x) => `A ${x}`), ...r.against.failures.map((x) => `B ${x}`)];
  const explained = (['halfLoad', 'sameRate'] as const).flatMap((phase) => (['this', 'against'] as const).flatMap((side) => r[side][phase]
    .filter((h) => h.slowRequests)
    .map((h) => `- ${side === 'this' ? 'A' : 'B'}, round ${h.round}${phase === 'sameRate' ? ', same pace' : ''} (${h.rate}/s, p99 ${f(h.p99, 0)} ms): ${slowRequestsText(h.slowRequests!)}`)));
  return [
    `| measure (over all rounds; each round's figure in parentheses) | A: ${r.labels.this} | B: ${r.labels.against} | A ÷ B |`,
    '|---|---|---|---|',
    ...rows,
    `| Invariants after the load | ${holds(r.this.invariants)} | ${holds(r.against.invariants)} | |`,
    ...(explained.length ? ['', 'Half load and the same pace, what the slowest 1 % of each round overlapped (each GC, expiry sweep and recovery poll of that system\'s services, bench/service-events.mjs):', ...explained] : []),
    ...(failures.length ? ['', 'Steps that failed:', ...failures.map((x) => `- ${x}`)] : []),
  ].join('\n');
}
