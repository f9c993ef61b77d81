// The benchmark's results as a table with the targets (2 cores), printed and written to
// bench/results/<ISO date>-<hostname>.json, latest.json and latest.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { cpuPerOrder } from './cpu';
import type { DbLimit } from './db-limit';
import type { DistributionCost } from './in-process/distribution-cost';
import type { LoadResult } from './load';
import type { Saturation, WarmUp } from './saturation';
import { agreementLine, saturationFigures } from './saturation-agreement';
import { type SlowRequests, slowRequestsText } from './slow-requests';
import type { TracingCost } from './tracing-cost';

type Cpu = ReturnType<typeof cpuPerOrder>;

/** A saturation figure, and how many orders the system had been sent before it (how warm it was). */
export type SaturationFigure = Saturation & { ordersBefore: number };

export interface BenchResults {
  warmUp: WarmUp;
  oneAtATime: LoadResult;
  saturation: SaturationFigure;
  /** Evenly paced (one request every 1000/rate ms). */
  /** latenciesMs: every request's, from when it was due (0.1 ms): what several rounds' p99 is pooled from. */
  halfLoad: LoadResult & { rate: number; cpu: Cpu; latenciesMs: number[]; slowRequests?: SlowRequests };
  /** autocannon's overallRate: each connection's share sent back to back at the start of every second. */
  halfLoadAutocannon: LoadResult & { rate: number; connections: number };
  catalogDown: LoadResult & { connections: number; cpu: Cpu; breakerOpenAfterMs: number; ordersSucceedAgainAfterMs: number };
  accountStalled: LoadResult & { rate: number; budgetMs: number };
  resilience: {
    clientLayer: {
      concurrency: number; layeredPerS: number; barePerS: number; ratio: number; failures: { layered: number; bare: number };
      callerCpuPerFlowMs: { layered: number; bare: number };
    };
    wholePath: { connections: number; orderPerS: number; barePerS: number; ratio: number; orderP99: number; bareP99: number; order: SaturationFigure };
  };
  /** The same saga with Catalog and Account in Order's process (bench/in-process), same run. */
  inProcess: DistributionCost;
  /** Saturation with tracing off vs on (always_on, OTLP to a local sink). */
  tracing: TracingCost;
  database: {
    limit: DbLimit; orders: number; commitsPerOrder: number; writeTransactionsPerOrder: number;
    backgroundCommitsPerS: number; ceilingOrdersPerS: number; saturationShareOfCeiling: number;
  };
  /** Customer authentication on the order path: one token verified per order, in Order. */
  tokenVerification: { alg: string; cpuMsPerVerification: number };
  peakRssMb: Record<string, number | null>;
  /** From each service's /metrics: rss, heapTotal, heapUsed, external (MB), after start-up and at the end. */
  memory: { atStart: Record<string, Record<string, number> | null>; atEnd: Record<string, Record<string, number> | null> };
  invariants: { violations: string[]; keys: number; checkedAfterMs: number };
}

export interface Line { measure: string; target: string; measured: string; met: boolean | null }

const n = (v: number | null | undefined, digits = 0) => (v === null || v === undefined || !Number.isFinite(v) ? 'n/a' : v.toFixed(digits));

const cpuLine = (cpu: Cpu) => Object.entries(cpu.perOrderMs).map(([p, ms]) => `${p} ${n(ms, 1)} (${n(cpu.kernelPerOrderMs[p], 1)})`).join(', ');

export function lines(r: BenchResults): Line[] {
  const down = r.catalogDown;
  const share503 = down.answers > 0 ? (100 * (down.byStatus['503'] ?? 0)) / down.answers : 0;
  const cl = r.resilience.clientLayer;
  const layerCost = 100 * (1 - cl.ratio);
  const db = r.database;
  return [
    { measure: `Orders/s at saturation (2xx/s, ${r.saturation.connections} connections)`, target: '≥ 250', measured: n(r.saturation.okPerS), met: r.saturation.okPerS >= 250 },
    { measure: 'Latency at saturation, p50 / p99', target: '—', measured: `${n(r.saturation.p50)} / ${n(r.saturation.p99)} ms`, met: null },
    { measure: `Latency of one order at a time (1 connection, ${n(r.oneAtATime.okPerS)} orders/s), p50 / p99`, target: '—', measured: `${n(r.oneAtATime.p50)} / ${n(r.oneAtATime.p99)} ms`, met: null },
    { measure: `CPU per order at saturation, all processes (kernel part): ${cpuLine(r.saturation.cpu)}`, target: '≤ 8 ms', measured: `${n(r.saturation.cpu.totalPerOrderMs, 1)} ms`, met: r.saturation.cpu.totalPerOrderMs <= 8 },
    { measure: `p99 at half load, evenly paced (${n(r.halfLoad.rate)} orders/s; p50 ${n(r.halfLoad.p50)} ms; other processes ${n(r.halfLoad.cpu.othersPercent)} % of the machine)`, target: '≤ 50 ms', measured: `${n(r.halfLoad.p99)} ms`, met: r.halfLoad.p99 <= 50 },
    ...(r.halfLoad.slowRequests ? [{ measure: 'p99 at half load: what the slowest 1 % overlapped (each GC, expiry sweep and recovery poll of the services, bench/service-events.mjs)', target: 'explained', measured: slowRequestsText(r.halfLoad.slowRequests), met: null }] : []),
    { measure: `Half load with autocannon overallRate (bursts each second, ${r.halfLoadAutocannon.connections} connections), p50 / p99`, target: '—', measured: `${n(r.halfLoadAutocannon.p50)} / ${n(r.halfLoadAutocannon.p99)} ms`, met: null },
    ...(r.inProcess ? distributionLines(r.inProcess) : []),
    agreementLine(saturationFigures(r)),
    { measure: `Catalog killed, breaker open: answers/s (${n(share503, 1)} % 503, ${down.missingRetryAfter} without Retry-After)`, target: '≥ 1500', measured: n(down.answersPerS), met: down.answersPerS >= 1500 },
    { measure: `Catalog killed, breaker open: CPU per answer, all processes (other processes ${n(down.cpu.othersPercent)} %)`, target: '≤ 1 ms', measured: `${n(down.cpu.totalPerOrderMs, 2)} ms`, met: down.cpu.totalPerOrderMs <= 1 },
    { measure: `Catalog killed, breaker open: p99 of the 503s (32 requests always in flight: by Little's law the mean is 32 ÷ the rate)`, target: '≤ 40 ms', measured: `${n(down.p99Of503, 1)} ms`, met: down.p99Of503 !== null && down.p99Of503 <= 40 && down.missingRetryAfter === 0 },
    { measure: `Account stalled (SIGSTOP) 5 s under ${n(r.accountStalled.rate)} orders/s: longest request (${r.accountStalled.overBudget} of ${r.accountStalled.answers} over budget)`, target: `≤ ${r.accountStalled.budgetMs} ms (ORDER_REQUEST_BUDGET_MS)`, measured: `${n(r.accountStalled.maxMs)} ms`, met: r.accountStalled.maxMs <= r.accountStalled.budgetMs },
    { measure: `Resilience layer cost: Order's clients vs bare axios, reserve→hold→confirm→capture (${n(cl.layeredPerS)} vs ${n(cl.barePerS)} flows/s; caller CPU ${n(cl.callerCpuPerFlowMs.layered, 2)} vs ${n(cl.callerCpuPerFlowMs.bare, 2)} ms per flow, ${n(cl.callerCpuPerFlowMs.layered / 4, 2)} vs ${n(cl.callerCpuPerFlowMs.bare / 4, 2)} ms per call)`, target: '≤ 3 %', measured: `${n(layerCost, 1)} %`, met: layerCost <= 3 },
    { measure: `Tracing cost: saturation with every span sampled and exported (OTLP http/protobuf to a local sink) vs off (${n(r.tracing.onPerS)} vs ${n(r.tracing.offPerS)} orders/s; p99 ${n(r.tracing.onP99)} vs ${n(r.tracing.offP99)} ms; CPU per order ${n(r.tracing.cpuPerOrderMs.on, 1)} vs ${n(r.tracing.cpuPerOrderMs.off, 1)} ms)`, target: '—', measured: `${n(100 * r.tracing.cost, 1)} % fewer`, met: null },
    { measure: `Whole path: Order POST /orders ÷ the bare endpoint, orders/s (${n(r.resilience.wholePath.orderPerS)} vs ${n(r.resilience.wholePath.barePerS)}; bench/bare-order.ts)`, target: '≥ 90 %', measured: `${n(100 * r.resilience.wholePath.ratio)} %`, met: r.resilience.wholePath.ratio >= 0.9 },
    { measure: 'Commits per order (pg_stat_database.xact_commit around 300 orders; writing ones)', target: '≤ 5', measured: `${n(db.commitsPerOrder, 1)} (${n(db.writeTransactionsPerOrder, 1)})`, met: db.commitsPerOrder <= 5 },
    { measure: `Database: ${db.limit.tool} ${n(db.limit.commitsPerS)} commits/s ÷ ${n(db.commitsPerOrder, 1)} commits per order (${n(db.writeTransactionsPerOrder, 1)} writing)`, target: 'saturation ≥ 25 % of the ceiling', measured: `ceiling ${n(db.ceilingOrdersPerS)} orders/s; saturation = ${n(100 * db.saturationShareOfCeiling)} % of it`, met: db.saturationShareOfCeiling >= 0.25 },
    ...(r.tokenVerification ? [{
      measure: `Customer token verification on the order path (jose, ${r.tokenVerification.alg}, JWKS cached): CPU per order`,
      target: '—',
      measured: `${n(r.tokenVerification.cpuMsPerVerification, 3)} ms (${n((100 * r.tokenVerification.cpuMsPerVerification) / (r.saturation?.cpu.totalPerOrderMs ?? NaN), 1)} % of the CPU per order)`,
      met: null,
    }] : []),
    ...Object.entries(r.peakRssMb).map(([name, mb]) => ({ measure: `Peak RSS under load, ${name}`, target: '≤ 200 MB', measured: `${n(mb)} MB`, met: mb !== null && mb <= 200 })),
    ...Object.entries(r.memory.atStart).map(([name, m]) => ({
      measure: `RSS at rest (after start-up and the shop's set-up, from /metrics), ${name}`, target: '≤ 120 MB', measured: `${n(m?.rss)} MB`, met: m ? m.rss <= 120 : null,
    })),
    { measure: `Invariants after the load (stock, credit, nothing pending, orders ≤ ${r.invariants.keys} keys)`, target: 'no violation', measured: r.invariants.violations.length === 0 ? 'all hold' : `${r.invariants.violations.length} violated`, met: r.invariants.violations.length === 0 },
  ];
}

const halfOf = (points: DistributionCost['sweep']['inProcess']) => points.find((p) => p.fraction === 0.5);

function distributionLines(d: DistributionCost): Line[] {
  const share = 100 * d.throughputRatio;
  const half = { distributed: halfOf(d.sweep.distributed), inProcess: halfOf(d.sweep.inProcess) };
  const cpu = d.inProcess.cpu.perOrderMs;
  return [
    {
      measure: `Cost of distribution: distributed ÷ in-process orders/s at saturation (${n(d.distributed.okPerS)} vs ${n(d.inProcess.okPerS)}; the same saga, HTTP app and three databases, Catalog and Account in Order's process; alternated ${d.roundS} s rounds)`,
      target: '≥ 85 %', measured: `${n(share)} %`, met: share >= 85,
    },
    {
      measure: `Cost of distribution: CPU per order, distributed ÷ in-process (${n(d.distributed.cpu.totalPerOrderMs, 1)} vs ${n(d.inProcess.cpu.totalPerOrderMs, 1)} ms, every process; in process: ${Object.entries(cpu).map(([p, ms]) => `${p} ${n(ms, 1)}`).join(', ')})`,
      target: '≤ 1.25 ×', measured: `${n(d.cpuRatio, 2)} ×`, met: d.cpuRatio <= 1.25,
    },
    {
      measure: `In-process latency, p50 / p99: at saturation; at half its saturation, evenly paced (${n(half.inProcess?.rate)} orders/s; distributed at ${n(half.distributed?.rate)}/s: ${n(half.distributed?.p50)} / ${n(half.distributed?.p99)} ms)`,
      target: '—', measured: `${n(d.inProcess.p50)} / ${n(d.inProcess.p99)} ms; ${n(half.inProcess?.p50)} / ${n(half.inProcess?.p99)} ms`, met: null,
    },
    {
      measure: `In-process invariants after its load (orders ≤ ${d.inProcessInvariants.keys} keys)`, target: 'no violation',
      measured: d.inProcessInvariants.violations.length === 0 ? 'all hold' : `${d.inProcessInvariants.violations.length} violated`, met: d.inProcessInvariants.violations.length === 0,
    },
  ];
}

export function markdown(rows: Line[]): string {
  const met = (m: boolean | null) => (m === null ? '' : m ? 'met' : '**not met**');
  return ['| measure | target (2 cores) | measured | |', '|---|---|---|---|', ...rows.map((l) => `| ${l.measure} | ${l.target} | ${l.measured} | ${met(l.met)} |`)].join('\n');
}

export function machineLine(machine: { cpuModel: string; cpuCount: number; totalMemoryGb: number; node: string; postgres: string }): string {
  return `${machine.cpuCount} × ${machine.cpuModel}, ${machine.totalMemoryGb.toFixed(0)} GB RAM, Node ${machine.node}, ${machine.postgres}`;
}

/** Writes the JSON report (dated, and as latest.json), latest.md and the plot (dated and latest.svg, when there is one); returns the dated path. */
export function writeReport(dir: string, report: Record<string, unknown>, md: string, latest: boolean, suffix = '', svg?: string): string {
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = path.join(dir, `${stamp}-${os.hostname()}${suffix}.json`);
  const json = `${JSON.stringify(report, null, 2)}\n`;
  writeFileSync(file, json);
  if (svg) writeFileSync(file.replace(/\.json$/, '.svg'), svg);
  if (latest) {
    writeFileSync(path.join(dir, 'latest.json'), json);
    writeFileSync(path.join(dir, 'latest.md'), `${md}\n`);
    if (svg) writeFileSync(path.join(dir, 'latest.svg'), svg);
  }
  return file;
}
