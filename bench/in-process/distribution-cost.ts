// The cost of distribution (phase `inprocess`): the same saga, the same POST /orders load, the same
// shop and tokens, against the three services and against the one-process system of monolith.ts
// (three fresh databases on the same PostgreSQL), same run, alternated to share any drift:
// saturation throughput and CPU per order (every process, PostgreSQL and the load generator
// included), then latency percentiles at evenly paced fractions of each one's saturation (the plot).
import { type Attempt, settle, setUpShop } from '../../test-support/order-workload';
import { pacedOrderLoad } from '../load';
import { bodyFor, type Context, distributedTarget } from '../phases';
import { latencySvg } from '../latency-plot';
import { scratchDatabase } from '../postgres';
import type { SaturationFigure } from '../report';
import * as sat from '../saturation';
import { type Monolith, startMonolith } from './monolith-process';

type SystemName = 'distributed' | 'inProcess';

export interface LatencyPoint { fraction: number; rate: number; answers: number; ok: number; p50: number; p90: number; p99: number }

export interface DistributionCost {
  connections: number;
  roundS: number;
  /** Each system's rounds, alternated; `ordersBefore`: what it had been sent before its first round. */
  distributed: SaturationFigure;
  inProcess: SaturationFigure;
  /** Distributed ÷ in-process orders/s at saturation. */
  throughputRatio: number;
  /** Distributed ÷ in-process CPU per order (all processes). */
  cpuRatio: number;
  /** Evenly paced load at fractions of each system's own saturation. */
  sweep: Record<SystemName, LatencyPoint[]>;
  inProcessInvariants: { violations: string[]; keys: number };
}

const FRACTIONS = [0.1, 0.25, 0.5, 0.75, 1];
/** Each paced point lasts long enough for about 20 requests, within these bounds (s). */
const POINT_S = { min: 2.5, max: 5 };

/** Order's settings of the running system, for the monolith: its own databases, no service URLs. */
function monolithEnv(ctx: Context, dbs: Record<'order' | 'catalog' | 'account', string>): Record<string, string> {
  const { CATALOG_URL: _c, ACCOUNT_URL: _a, NODE_OPTIONS: _n, BENCH_CPU_PROF_DIR: _p, BENCH_EVENTS_FILE: _e, ...order } = ctx.system.order.env;
  return {
    ...order, EXPIRY_SWEEP_INTERVAL_MS: ctx.system.catalog.env.EXPIRY_SWEEP_INTERVAL_MS ?? '1000',
    DATABASE_URL: dbs.order, CATALOG_DATABASE_URL: dbs.catalog, ACCOUNT_DATABASE_URL: dbs.account,
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

type Targets = Record<SystemName, sat.SaturationTarget>;

/**
 * Both systems measured by the one saturation measure (saturation.ts), as every phase measures it:
 * each warmed up the same way, then rounds alternated (distributed, in-process, in-process, distributed).
 * `measure` is that module (a test passes a recording one).
 */
export async function alternatedSaturation(targets: Targets, log: (line: string) => void, measure: typeof sat = sat): Promise<Record<SystemName, SaturationFigure>> {
  const ordersBefore = (name: SystemName) => targets[name].keys?.length ?? 0;
  for (const name of ['distributed', 'inProcess'] as const) {
    const warm = await measure.warmUp(targets[name], measure.SATURATION);
    log(`warm-up, ${name}: ${warm.orders} orders in ${warm.durationS.toFixed(0)} s, CPU per order ${warm.windows.map((w) => w.cpuPerOrderMs.toFixed(1)).join(' → ')} ms`);
  }
  const before = { distributed: ordersBefore('distributed'), inProcess: ordersBefore('inProcess') };
  log(`saturation, alternated (distributed, in-process, in-process, distributed; ${measure.SATURATION.roundS} s each, ${measure.SATURATION.connections} connections)`);
  const rounds: Record<SystemName, sat.SaturationRound[]> = { distributed: [], inProcess: [] };
  for (const name of ['distributed', 'inProcess', 'inProcess', 'distributed'] as const) rounds[name].push(await measure.saturationRound(targets[name], measure.SATURATION));
  const figure = (name: SystemName) => ({ ...measure.combineRounds(rounds[name], measure.SATURATION.connections), ordersBefore: before[name] });
  return { distributed: figure('distributed'), inProcess: figure('inProcess') };
}

async function compare(ctx: Context, monolith: Monolith, inProcessKeys: string[]): Promise<Omit<DistributionCost, 'inProcessInvariants'>> {
  const body = bodyFor(ctx.shop, ctx.tokens);
  const targets: Targets = {
    distributed: { ...distributedTarget(ctx), body },
    inProcess: { url: monolith.url, keys: inProcessKeys, pids: { monolith: monolith.child.pid }, body },
  };
  const saturation = await alternatedSaturation(targets, ctx.log);
  ctx.log(`saturation: distributed ${saturation.distributed.okPerS.toFixed(0)}, in-process ${saturation.inProcess.okPerS.toFixed(0)} orders/s; ` +
    `paced sweep at ${FRACTIONS.map((f) => `${f * 100} %`).join(', ')} of each`);
  return {
    connections: sat.SATURATION.connections, roundS: sat.SATURATION.roundS, ...saturation,
    throughputRatio: saturation.distributed.okPerS / saturation.inProcess.okPerS,
    cpuRatio: saturation.distributed.cpu.totalPerOrderMs / saturation.inProcess.cpu.totalPerOrderMs,
    sweep: await pacedSweep(targets, saturation, body),
  };
}

/** Each system evenly paced at fractions of its own saturation, the two alternated at every fraction. */
async function pacedSweep(targets: Targets, saturation: Record<SystemName, SaturationFigure>, body: ReturnType<typeof bodyFor>) {
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
