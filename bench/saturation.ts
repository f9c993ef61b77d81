// Saturation, measured one way for every phase that measures it (throughput, the cost of distribution,
// tracing, the whole path, --against): the same warm-up, the same rounds of closed-loop load with the
// same connections, the CPU of each process over exactly the round. Two phases that measured the same
// system differently once disagreed by 1.6 × (78 against 124 orders/s): the first saturation came after
// a 3 s warm-up, about 350 orders, while a service still spends about twice the CPU per order it spends
// once some 1 000 orders have passed through it (V8 is still compiling its hot paths, then runs them
// optimised); the later phase measured a system that had long been warm.
import { cpuPerOrder, cpuSnapshot } from './cpu';
import { type LoadResult, orderLoad, type OrderToSend } from './load';

/** What every saturation measure uses. */
export const SATURATION = {
  connections: 32,
  /** One round of closed-loop load (s); a phase measures whole rounds. */
  roundS: 4,
  /** Warm-up: rounds until `warmUpOrders` have been answered, or `warmUpMaxS` (rounds short enough to cut requests off would not count the work they did). */
  warmUpOrders: 1_200,
  warmUpMaxS: 24,
} as const;
export type SaturationOptions = typeof SATURATION;

/** A system under load: where its POST /orders is, which processes are its own, what it is sent. */
export interface SaturationTarget {
  url: string;
  pids: Record<string, number | undefined>;
  body: () => OrderToSend;
  /** Every Idempotency-Key sent is recorded here (the invariant checks). */
  keys?: string[];
}

export type Cpu = ReturnType<typeof cpuPerOrder>;
export type SaturationRound = LoadResult & { cpu: Cpu };

/** Several rounds as one figure: rates over all seconds, CPU weighted by orders, p50 the mean and p99 the worst of the rounds. */
export type Saturation = LoadResult & { connections: number; cpu: Cpu; rounds: SaturationRound[] };

/** One round: closed-loop load for `durationS`, with the CPU each process spent per 2xx answer over exactly that time. */
export async function saturationRound(t: SaturationTarget, opts: SaturationOptions, durationS: number = opts.roundS): Promise<SaturationRound> {
  const before = cpuSnapshot(t.pids);
  const result = await orderLoad({ url: t.url, connections: opts.connections, durationS, body: t.body, keys: t.keys });
  return { ...result, cpu: cpuPerOrder(before, cpuSnapshot(t.pids), result.ok) };
}

export interface WarmUp { orders: number; durationS: number; windows: Array<{ okPerS: number; cpuPerOrderMs: number }> }

/** Loads the system until it has answered `warmUpOrders` (a count of work, not of seconds: a busy machine warms more slowly). */
export async function warmUp(t: SaturationTarget, opts: SaturationOptions): Promise<WarmUp> {
  const windows: WarmUp['windows'] = [];
  let orders = 0;
  let durationS = 0;
  while (orders < opts.warmUpOrders && durationS < opts.warmUpMaxS) {
    const r = await saturationRound(t, opts);
    orders += r.ok;
    durationS += r.durationS;
    windows.push({ okPerS: r.okPerS, cpuPerOrderMs: r.cpu.totalPerOrderMs });
  }
  return { orders, durationS, windows };
}

/** `rounds` rounds, back to back, as one figure. */
export async function saturation(t: SaturationTarget, opts: SaturationOptions, rounds: number): Promise<Saturation> {
  const measured: SaturationRound[] = [];
  for (let i = 0; i < rounds; i++) measured.push(await saturationRound(t, opts));
  return combineRounds(measured, opts.connections);
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const mean = (xs: number[]) => (xs.length ? sum(xs) / xs.length : NaN);

function combineCpu(rounds: SaturationRound[]): Cpu {
  const ok = Math.max(1, sum(rounds.map((r) => r.ok)));
  const weighted = (f: (r: SaturationRound) => number) => sum(rounds.map((r) => f(r) * r.ok)) / ok;
  const names = [...new Set(rounds.flatMap((r) => Object.keys(r.cpu.perOrderMs)))];
  const known = (xs: Array<number | null>) => xs.filter((x): x is number => x !== null);
  const meanOrNull = (xs: Array<number | null>) => (known(xs).length ? mean(known(xs)) : null);
  return {
    perOrderMs: Object.fromEntries(names.map((n) => [n, weighted((r) => r.cpu.perOrderMs[n] ?? 0)])),
    kernelPerOrderMs: Object.fromEntries(names.map((n) => [n, weighted((r) => r.cpu.kernelPerOrderMs[n] ?? 0)])),
    totalPerOrderMs: weighted((r) => r.cpu.totalPerOrderMs),
    machineBusyPercent: meanOrNull(rounds.map((r) => r.cpu.machineBusyPercent)),
    othersPercent: meanOrNull(rounds.map((r) => r.cpu.othersPercent)),
  };
}

/** Rounds of one system (measured apart, e.g. alternated with another's) as one figure. */
export function combineRounds(rounds: SaturationRound[], connections: number): Saturation {
  const durationS = sum(rounds.map((r) => r.durationS));
  const answers = sum(rounds.map((r) => r.answers));
  const ok = sum(rounds.map((r) => r.ok));
  const byStatus: Record<string, number> = {};
  for (const r of rounds) for (const [s, c] of Object.entries(r.byStatus)) byStatus[s] = (byStatus[s] ?? 0) + c;
  const nullable = (xs: Array<number | null>, f: (xs: number[]) => number) => {
    const known = xs.filter((x): x is number => x !== null);
    return known.length ? f(known) : null;
  };
  return {
    durationS, answers, answersPerS: answers / durationS, ok, okPerS: ok / durationS, byStatus,
    p50: mean(rounds.map((r) => r.p50)), p90: Math.max(...rounds.map((r) => r.p90)), p99: Math.max(...rounds.map((r) => r.p99)),
    maxMs: Math.max(...rounds.map((r) => r.maxMs)), errors: sum(rounds.map((r) => r.errors)), timeouts: sum(rounds.map((r) => r.timeouts)),
    p50Of503: nullable(rounds.map((r) => r.p50Of503), mean), p99Of503: nullable(rounds.map((r) => r.p99Of503), (xs) => Math.max(...xs)),
    missingRetryAfter: sum(rounds.map((r) => r.missingRetryAfter)), overBudget: sum(rounds.map((r) => r.overBudget)),
    connections, cpu: combineCpu(rounds), rounds,
  };
}
