// What tracing costs: the same saturation load on two copies of the system, one with tracing off
// (the benchmark's system) and one with every span sampled (OTEL_TRACES_SAMPLER=always_on) and
// exported over OTLP http/protobuf (the exporter's default) to a sink in this process that only
// counts what it receives. Alternated rounds, so that drift on the machine hits both alike.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setUpShop } from '../test-support/order-workload';
import { type ServiceName, startSystem, type System } from '../test-support/system-harness';
import { cpuPerOrder, cpuSnapshot } from './cpu';
import { orderLoad, type LoadResult } from './load';
import type { Context } from './phases';
import { bodyFor } from './phases';

export interface TracingCost {
  connections: number;
  roundS: number;
  offPerS: number;
  onPerS: number;
  /** 1 − on/off: the share of throughput tracing takes. */
  cost: number;
  offP99: number;
  onP99: number;
  cpuPerOrderMs: { off: number; on: number };
  /** How much of the machine other processes took during the rounds (they distort every number). */
  othersPercent: { off: number; on: number };
  sink: { requests: number; bytes: number };
}

/** An OTLP/HTTP endpoint that accepts everything and keeps only counts. */
async function startSink() {
  const counts = { requests: 0, bytes: 0 };
  const server = http.createServer((req, res) => {
    req.on('data', (c: Buffer) => (counts.bytes += c.length));
    req.on('end', () => {
      counts.requests++;
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, counts, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const pids = (s: System) => Object.fromEntries(s.all.map((p) => [p.name, p.child?.pid]));

async function round(ctx: Context, s: System, tokens: Map<string, string>, connections: number, durationS: number, keys?: string[]) {
  const before = cpuSnapshot(pids(s));
  const r: LoadResult = await orderLoad({ url: s.order.url, connections, durationS, body: bodyFor(ctx.shop, tokens), keys });
  const cpu = cpuPerOrder(before, cpuSnapshot(pids(s)), r.ok);
  return { r, cpu: cpu.totalPerOrderMs, others: cpu.othersPercent };
}

/** `env`: what the benchmark's own system runs with, so that the two differ only in tracing. */
export async function tracingCost(ctx: Context, env: { all: Record<string, string>; perService: Record<ServiceName, Record<string, string>> }, connections: number, rounds = 2, roundS = 5): Promise<TracingCost> {
  const sink = await startSink();
  ctx.cleanups.push(sink.close);
  ctx.log('tracing: a second system with every span sampled and exported to a local sink');
  const traced = await startSystem(ctx.serverUrl, {
    env: { ...env.all, OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_TRACES_SAMPLER: 'always_on' },
    perService: env.perService,
  });
  ctx.cleanups.push(() => traced.stop());
  ctx.scratch.push(...traced.all.map((p) => new URL(p.env.DATABASE_URL).pathname.slice(1)));
  try {
    await setUpShop(traced.catalog.url, traced.account.url, ctx.shop, traced.auth);
    const tracedTokens = new Map(await Promise.all(ctx.shop.accounts.map(async (a) => [a.id, await traced.auth.customerToken(a.id)] as const)));
    await orderLoad({ url: traced.order.url, connections, durationS: 2, body: bodyFor(ctx.shop, tracedTokens) }); // warm-up
    const off: Awaited<ReturnType<typeof round>>[] = [];
    const on: Awaited<ReturnType<typeof round>>[] = [];
    for (let i = 0; i < rounds; i++) {
      ctx.log(`tracing off vs on, round ${i + 1} of ${rounds} (${roundS} s each, ${connections} connections)`);
      off.push(await round(ctx, ctx.system, ctx.tokens, connections, roundS, ctx.keys)); // the benchmark's system: its invariants count these keys
      on.push(await round(ctx, traced, tracedTokens, connections, roundS));
    }
    const perS = (xs: typeof off) => xs.reduce((a, x) => a + x.r.ok, 0) / xs.reduce((a, x) => a + x.r.durationS, 0);
    const p99 = (xs: typeof off) => Math.max(...xs.map((x) => x.r.p99));
    const cpu = (xs: typeof off) => xs.reduce((a, x) => a + x.cpu, 0) / xs.length;
    const others = (xs: typeof off) => xs.reduce((a, x) => a + (x.others ?? 0), 0) / xs.length;
    return {
      connections, roundS, offPerS: perS(off), onPerS: perS(on), cost: 1 - perS(on) / perS(off), offP99: p99(off), onP99: p99(on),
      cpuPerOrderMs: { off: cpu(off), on: cpu(on) }, othersPercent: { off: others(off), on: others(on) }, sink: { ...sink.counts },
    };
  } finally {
    await traced.stop();
  }
}
