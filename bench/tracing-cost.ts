// What tracing costs: the same saturation load on two copies of the system, one with tracing off
// (the benchmark's system) and one with every span sampled (OTEL_TRACES_SAMPLER=always_on) and
// exported over OTLP http/protobuf (the exporter's default) to a sink in this process that only
// counts what it receives. Alternated rounds, so that drift on the machine hits both alike.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setUpShop } from '../test-support/order-workload';
import { type ServiceName, startSystem, type System } from '../test-support/system-harness';
import type { Context } from './phases';
import { bodyFor, distributedTarget } from './phases';
import type { SaturationFigure } from './report';
import * as sat from './saturation';

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
  /** The benchmark's system (tracing off) over its rounds, as every phase measures saturation. */
  off: SaturationFigure;
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

/** `env`: what the benchmark's own system runs with, so that the two differ only in tracing. */
export async function tracingCost(ctx: Context, env: { all: Record<string, string>; perService: Record<ServiceName, Record<string, string>> }, rounds = 2): Promise<TracingCost> {
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
    const tracedTarget: sat.SaturationTarget = { url: traced.order.url, pids: pids(traced), body: bodyFor(ctx.shop, tracedTokens) };
    ctx.log('tracing: warm-up of the traced system');
    await sat.warmUp(tracedTarget, sat.SATURATION);
    const ordersBefore = ctx.keys.length + ctx.workload.attempts.length;
    const rs = { off: [] as sat.SaturationRound[], on: [] as sat.SaturationRound[] };
    for (let i = 0; i < rounds; i++) {
      ctx.log(`tracing off vs on, round ${i + 1} of ${rounds} (${sat.SATURATION.roundS} s each, ${sat.SATURATION.connections} connections)`);
      rs.off.push(await sat.saturationRound(distributedTarget(ctx), sat.SATURATION)); // the benchmark's system: its invariants count these keys
      rs.on.push(await sat.saturationRound(tracedTarget, sat.SATURATION));
    }
    const off = sat.combineRounds(rs.off, sat.SATURATION.connections);
    const on = sat.combineRounds(rs.on, sat.SATURATION.connections);
    return {
      connections: sat.SATURATION.connections, roundS: sat.SATURATION.roundS, offPerS: off.okPerS, onPerS: on.okPerS, cost: 1 - on.okPerS / off.okPerS,
      offP99: off.p99, onP99: on.p99, cpuPerOrderMs: { off: off.cpu.totalPerOrderMs, on: on.cpu.totalPerOrderMs },
      othersPercent: { off: off.cpu.othersPercent ?? 0, on: on.cpu.othersPercent ?? 0 }, sink: { ...sink.counts }, off: { ...off, ordersBefore },
    };
  } finally {
    await traced.stop();
  }
}
