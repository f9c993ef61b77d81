// The cost of distribution (phase `inprocess`): the same saga, the same POST /orders load, the same
// shop and tokens, against the three services and against the one-process system of monolith.ts
// (three fresh databases on the same PostgreSQL), same run, alternated to share any drift:
// saturation throughput and CPU per order (every process, PostgreSQL and the load generator
// included), then latency percentiles at evenly paced fractions of each one's saturation (the plot).
import { type Attempt, settle, setUpShop } from '../../test-support/order-workload';
import { cpuPerOrder, cpuSnapshot } from '../cpu';
import { type LoadResult, orderLoad, pacedOrderLoad } from '../load';
import { bodyFor, CONNECTIONS, type Context } from '../phases';
import { latencySvg } from '../latency-plot';
import { scratchDatabase } from '../postgres';
import { type Monolith, startMonolith } from './monolith-process';

type Cpu = ReturnType<typeof cpuPerOrder>;
type SystemName = 'distributed' | 'inProcess';

export interface LatencyPoint { fraction: number; rate: number; answers: number; ok: number; p50: number; p90: number; p99: number }

export interface Saturation {
  okPerS: number;
  /** Mean of the rounds' p50, worst of their p99 (ms). */
  p50: number;
  p99: number;
  /** Weighted by the orders of each round. */
  cpu: { perOrderMs: Record<string, number>; totalPerOrderMs: number; othersPercent: number | null };
  rounds: Array<LoadResult & { cpu: Cpu }>;
}

export interface DistributionCost {
  connections: number;
  roundS: number;
  distributed: Saturation;
  inProcess: Saturation;
  /** Distributed ÷ in-process orders/s at saturation. */
  throughputRatio: number;
  /** Distributed ÷ in-process CPU per order (all processes). */
  cpuRatio: number;
  /** Evenly paced load at fractions of each system's own saturation. */
  sweep: Record<SystemName, LatencyPoint[]>;
  inProcessInvariants: { violations: string[]; keys: number };
}

const ROUND_S = 4;
const FRACTIONS = [0.1, 0.25, 0.5, 0.75, 1];
/** Each paced point lasts long enough for about 20 requests, within these bounds (s). */
const POINT_S = { min: 2.5, max: 5 };

/** Order's settings of the running system, for the monolith: its own databases, no service URLs. */
function monolithEnv(ctx: Context, dbs: Record<'order' | 'catalog' | 'account', string>): Record<string, string> {
  const { CATALOG_URL: _c, ACCOUNT_URL: _a, NODE_OPTIONS: _n, BENCH_CPU_PROF_DIR: _p, ...order } = ctx.system.order.env;
  return {
    ...order, EXPIRY_SWEEP_INTERVAL_MS: ctx.system.catalog.env.EXPIRY_SWEEP_INTERVAL_MS ?? '1000',
    DATABASE_URL: dbs.order, CATALOG_DATABASE_URL: dbs.catalog, ACCOUNT_DATABASE_URL: dbs.account,
  };
}

function combine(rounds: Array<LoadResult & { cpu: Cpu }>): Saturation {
  const ok = rounds.reduce((a, r) => a + r.ok, 0);
  const weighted = (f: (r: LoadResult & { cpu: Cpu }) => number) => rounds.reduce((a, r) => a + f(r) * r.ok, 0) / Math.max(1, ok);
  const names = [...new Set(rounds.flatMap((r) => Object.keys(r.cpu.perOrderMs)))];
  const others = rounds.map((r) => r.cpu.othersPercent).filter((x): x is number => x !== null);
  return {
    okPerS: ok / rounds.reduce((a, r) => a + r.durationS, 0),
    p50: rounds.reduce((a, r) => a + r.p50, 0) / rounds.length,
    p99: Math.max(...rounds.map((r) => r.p99)),
    cpu: {
      perOrderMs: Object.fromEntries(names.map((n) => [n, weighted((r) => r.cpu.perOrderMs[n] ?? 0)])),
      totalPerOrderMs: weighted((r) => r.cpu.totalPerOrderMs),
      othersPercent: others.length > 0 ? others.reduce((a, b) => a + b, 0) / others.length : null,
    },
    rounds,
  };
}

export async function distributionCost(ctx: Context): Promise<DistributionCost> {
  ctx.log('cost of distribution: the same saga in one process (bench/in-process/monolith.ts), on three fresh databases');
  const names = { order: `bench_inproc_order_${process.pid}`, catalog: `bench_inproc_catalog_${process.pid}`, account: `bench_inproc_account_${process.pid}` };
  ctx.scratch.push(...Object.values(names));
  const dbs = {
    order: await scratchDatabase(ctx.serverUrl, names.order),
    catalog: await scratchDatabase(ctx.serverUrl, names.catalog),
    account: await scratchDatabase(ctx.serverUrl, names.account),
  };
  const monolith = await startMonolith(monolithEnv(ctx, dbs));
  ctx.cleanups.push(monolith.stop);
  try {
    await setUpShop(monolith.catalogUrl, monolith.accountUrl, ctx.shop, ctx.system.auth);
    const inProcessKeys: string[] = [];
    const result = await compare(ctx, monolith, inProcessKeys);
    ctx.log(`in-process invariants (${inProcessKeys.length} keys)`);
    const attempts: Attempt[] = inProcessKeys.map((key) => ({ key, status: 0, ms: 0 }));
    const urls = { order: monolith.url, catalog: monolith.catalogUrl, account: monolith.accountUrl };
    const violations = await settle(urls, ctx.shop, attempts, 60_000, ctx.system.auth);
    return { ...result, inProcessInvariants: { violations, keys: inProcessKeys.length } };
  } finally {
    await monolith.stop();
  }
}

interface Target { url: string; keys: string[]; pids: Record<string, number | undefined> }
type Round = LoadResult & { cpu: Cpu };

async function compare(ctx: Context, monolith: Monolith, inProcessKeys: string[]): Promise<Omit<DistributionCost, 'inProcessInvariants'>> {
  const targets: Record<SystemName, Target> = {
    distributed: { url: ctx.system.order.url, keys: ctx.keys, pids: Object.fromEntries(ctx.system.all.map((s) => [s.name, s.child?.pid])) },
    inProcess: { url: monolith.url, keys: inProcessKeys, pids: { monolith: monolith.child.pid } },
  };
  const body = bodyFor(ctx.shop, ctx.tokens);
  const saturate = async (t: Target, durationS: number): Promise<Round> => {
    const before = cpuSnapshot(t.pids);
    const result = await orderLoad({ url: t.url, connections: CONNECTIONS, durationS, body, keys: t.keys });
    return { ...result, cpu: cpuPerOrder(before, cpuSnapshot(t.pids), result.ok) };
  };
  ctx.log('warm-up, both (2 s each)');
  await saturate(targets.distributed, 2);
  await saturate(targets.inProcess, 2);
  ctx.log(`saturation, alternated (distributed, in-process, in-process, distributed; ${ROUND_S} s each, ${CONNECTIONS} connections)`);
  const rounds: Record<SystemName, Round[]> = { distributed: [], inProcess: [] };
  for (const name of ['distributed', 'inProcess', 'inProcess', 'distributed'] as const) rounds[name].push(await saturate(targets[name], ROUND_S));
  const saturation = { distributed: combine(rounds.distributed), inProcess: combine(rounds.inProcess) };
  ctx.log(`saturation: distributed ${saturation.distributed.okPerS.toFixed(0)}, in-process ${saturation.inProcess.okPerS.toFixed(0)} orders/s; ` +
    `paced sweep at ${FRACTIONS.map((f) => `${f * 100} %`).join(', ')} of each`);
  return {
    connections: CONNECTIONS, roundS: ROUND_S, ...saturation,
    throughputRatio: saturation.distributed.okPerS / saturation.inProcess.okPerS,
    cpuRatio: saturation.distributed.cpu.totalPerOrderMs / saturation.inProcess.cpu.totalPerOrderMs,
    sweep: await pacedSweep(targets, saturation, body),
  };
}

/** Each system evenly paced at fractions of its own saturation, the two alternated at every fraction. */
async function pacedSweep(targets: Record<SystemName, Target>, saturation: Record<SystemName, Saturation>, body: ReturnType<typeof bodyFor>) {
  const sweep: Record<SystemName, LatencyPoint[]> = { distributed: [], inProcess: [] };
  for (const fraction of FRACTIONS) {
    for (const name of ['distributed', 'inProcess'] as const) {
      const rate = Math.max(1, Math.round(fraction * saturation[name].okPerS));
      const durationS = Math.min(POINT_S.max, Math.max(POINT_S.min, 20 / rate));
      const r = await pacedOrderLoad({ url: targets[name].url, rate, durationS, body, keys: targets[name].keys });
      sweep[name].push({ fraction, rate, answers: r.answers, ok: r.ok, p50: r.p50, p90: r.p90, p99: r.p99 });
    }
  }
  return sweep;
}

/** The plot of the sweep: both systems' p50, p90 and p99 against the offered load. */
export function distributionPlot(d: DistributionCost, subtitle: string): string {
  return latencySvg('Latency against offered load: distributed vs in-process', subtitle, [
    { name: `distributed (sat. ${d.distributed.okPerS.toFixed(0)}/s)`, colour: '#d95f02', points: d.sweep.distributed },
    { name: `in-process (sat. ${d.inProcess.okPerS.toFixed(0)}/s)`, colour: '#1b9e77', points: d.sweep.inProcess },
  ]);
}
