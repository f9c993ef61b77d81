// Garbage collections per 1 000 orders in each service, at an even pace: what the half-load tail
// queues behind (bench/README.md, "where the time goes"). Runs the system as the benchmark does
// (service-events.mjs preloaded), warms it up, then sends `rate` orders/s for `seconds` and counts
// each service's GCs by kind, with their total and longest pause, and what the young generation
// promoted per order (the old generation's growth between GCs): what brings on the major GCs.
//   npx tsx bench/gc-per-order.ts [rate=60] [seconds=30] [saturated=0]
// `saturated` > 0: that many seconds at 32 connections first, as the benchmark's half load follows saturation.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setUpShop } from '../test-support/order-workload';
import { startSystem, type System } from '../test-support/system-harness';
import { orderLoad, pacedOrderLoad } from './load';
import { systemIdle } from './cpu';
import { bodyFor } from './phases';
import { acquirePostgres, type Server } from './postgres';
import { readServiceEvents, type ServiceEvent } from './slow-requests';
import { benchSystemOptions, eventsFilesIn, eventsPreload, MAIN } from './system-config';

const say = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const rate = Number(process.argv[2] ?? 60);
  const seconds = Number(process.argv[3] ?? 30);
  const saturated = Number(process.argv[4] ?? 0);
  const per1000 = (n: number, orders: number) => ((n * 1000) / Math.max(1, orders)).toFixed(1);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'order-ref-gc-'));
  const files = eventsFilesIn(dir);
  let pg: Server | undefined;
  let system: System | undefined;
  try {
    pg = await acquirePostgres();
    system = await startSystem(pg.url, benchSystemOptions((name) => eventsPreload(files[name])));
    await setUpShop(system.catalog.url, system.account.url, MAIN, system.auth);
    const tokens = new Map(await Promise.all(MAIN.accounts.map(async (a) => [a.id, await system!.auth.customerToken(a.id)] as const)));
    const body = bodyFor(MAIN, tokens);
    await pacedOrderLoad({ url: system.order.url, rate, durationS: 20, body }); // warm-up: JIT, pools, caches
    if (saturated > 0) {
      const sat = await orderLoad({ url: system.order.url, connections: 32, durationS: saturated, body });
      say(`saturation first: ${sat.okPerS.toFixed(0)} orders/s for ${saturated} s`);
    }
    await systemIdle(system);
    const from = Date.now();
    const run = await pacedOrderLoad({ url: system.order.url, rate, durationS: seconds, body });
    const to = Date.now();
    await sleep(600); // service-events.mjs flushes every 250 ms
    const all = readServiceEvents(files, from, to);
    const events = all.filter((e) => e.kind.endsWith('GC'));
    say(`${run.ok} orders ok of ${run.answers} at ${rate}/s for ${seconds} s: p50 ${run.p50.toFixed(1)} ms, p99 ${run.p99.toFixed(1)} ms, max ${run.maxMs.toFixed(1)} ms`);
    const majors = events.filter((e) => e.service === 'order' && e.kind === 'major GC');
    const at = (e: ServiceEvent) => `${((e.startMs - from) / 1000).toFixed(1)} s (${e.durationMs.toFixed(1)} ms, old generation ${((e.oldBytes ?? 0) / 2 ** 20).toFixed(0)} MB after)`;
    say(majors.length ? `order's major GCs at ${majors.map(at).join(', ')}` : 'order: no major GC in the paced run');
    for (const service of Object.keys(files)) {
      const mine = events.filter((e) => e.service === service);
      const kinds = [...new Set(mine.map((e) => e.kind))].sort();
      const parts = kinds.map((kind) => {
        const ds = mine.filter((e) => e.kind === kind).map((e) => e.durationMs);
        const total = ds.reduce((a, b) => a + b, 0);
        return `${kind} ${per1000(ds.length, run.ok)}/1000 orders (${total.toFixed(0)} ms in all, longest ${Math.max(...ds).toFixed(1)} ms)`;
      });
      const olds = mine.map((e) => e.oldBytes).filter((b): b is number => b !== undefined);
      const promoted = olds.slice(1).reduce((sum, b, i) => sum + Math.max(0, b - olds[i]), 0);
      const tasks = all.filter((e) => e.service === service && !e.kind.endsWith('GC'));
      for (const kind of [...new Set(tasks.map((e) => e.kind))].sort()) {
        const ds = tasks.filter((e) => e.kind === kind).map((e) => e.durationMs).sort((a, b) => a - b);
        say(`${service.padEnd(8)} ${kind}: ${ds.length} in ${seconds} s, ${ds[Math.floor(ds.length / 2)].toFixed(1)} ms at the median, ${ds.at(-1)!.toFixed(1)} ms at most`);
      }
      say(`${service.padEnd(8)} promoted ${(promoted / 1024 / Math.max(1, run.ok)).toFixed(2)} KB per order; ${parts.join('; ')}`);
    }
  } finally {
    await system?.stop().catch(() => undefined);
    await pg?.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
