// npm run bench: the three services as real processes on one PostgreSQL (DATABASE_URL, or an
// embedded one), measured phase by phase (see phases.ts), the invariants checked after the load,
// and a report in bench/results/. Every process it starts is ended, also on failure.
//   BENCH_PHASES=throughput,inprocess,tracing,database,resilience,stall,down   run only some phases (a partial report)
//   BENCH_CPU_PROF=1   the services run under the V8 CPU profiler (cpu-profiler.mjs); a self-time summary is
//                      written to bench/results/cpu-profile-<phases>.md (BENCH_CPU_PROF_KEEP=1 keeps the files)
//   npm run bench -- --against <git ref> [--rounds N] [--keep]   this checkout and that commit side by side,
//                      saturation, half load and Catalog down alternated (bench/against)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Attempt, settle, setUpShop, Workload } from '../test-support/order-workload';
import { startSystem, type System } from '../test-support/system-harness';
import { parseBenchArgs } from './against/options';
import { runAgainst } from './against/run-against';
import { quietMachine } from './cpu';
import { profileFiles, summaryMarkdown } from './cpu-profile';
import { distributionCost, distributionPlot } from './in-process/distribution-cost';
import * as phases from './phases';
import { acquirePostgres, dropDatabases, serverInfo, type Server } from './postgres';
import { provenance, provenanceLine } from './provenance';
import { type BenchResults, lines, machineLine, markdown, writeReport } from './report';
import { agreementLine, saturationFigures } from './saturation-agreement';
import { slowRequestsText } from './slow-requests';
import { memoryOf, rssSampler } from './rss';
import { benchSystemOptions, ENV, eventsFilesIn, eventsPreload, MAIN, ORDER_ENV, type ServiceKey, SIDE, SWEEP_ENV } from './system-config';
import { tokenVerificationCost } from './token-cost';
import { tracingCost } from './tracing-cost';

const RESULTS = path.join(__dirname, 'results');
const ALL = ['throughput', 'inprocess', 'tracing', 'database', 'resilience', 'stall', 'down'];
const started = Date.now();
const log = (line: string) => process.stdout.write(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${line}\n`);

async function main(): Promise<void> {
  const selected = (process.env.BENCH_PHASES ?? ALL.join(',')).split(',').map((p) => p.trim());
  const complete = ALL.every((p) => selected.includes(p)) && !process.env.BENCH_CPU_PROF;
  const profileDir = process.env.BENCH_CPU_PROF ? mkdtempSync(path.join(os.tmpdir(), 'order-ref-cpuprof-')) : undefined;
  const eventsDir = mkdtempSync(path.join(os.tmpdir(), 'order-ref-events-'));
  const eventsFiles = eventsFilesIn(eventsDir);
  // Every service records its GCs and periodic tasks (service-events.mjs); profiled, it also runs the profiler.
  const preloads = (name: ServiceKey): Record<string, string> => ({
    ...eventsPreload(eventsFiles[name], profileDir ? [path.join(__dirname, 'cpu-profiler.mjs')] : []),
    ...(profileDir ? { BENCH_CPU_PROF_DIR: path.join(profileDir, name) } : {}),
  });
  let pg: Server | undefined;
  let system: System | undefined;
  let sampler: ReturnType<typeof rssSampler> | undefined;
  const scratch: string[] = [];
  const cleanups: Array<() => Promise<void>> = [];
  let cleaned: Promise<void> | undefined;
  const cleanup = () => (cleaned ??= (async () => {
    sampler?.stop();
    for (const c of cleanups) await c().catch(() => undefined);
    await system?.stop().catch(() => undefined);
    if (pg) {
      const systemDbs = system?.all.map((s) => new URL(s.env.DATABASE_URL).pathname.slice(1)) ?? [];
      await dropDatabases(pg.url, pg.source === 'DATABASE_URL' ? [...scratch, ...systemDbs] : scratch);
      await pg.stop();
    }
    if (profileDir && !process.env.BENCH_CPU_PROF_KEEP) rmSync(profileDir, { recursive: true, force: true });
    rmSync(eventsDir, { recursive: true, force: true });
  })());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void cleanup().finally(() => process.exit(130)));

  try {
    const measured = provenance();
    log(`measuring ${provenanceLine(measured)}`);
    const busyAtStart = await quietMachine(25, 30_000);
    const loadAverageAtStart = os.loadavg();
    log(`machine ${busyAtStart?.toFixed(0) ?? '?'} % busy before the start (other jobs on it distort every number)`);
    pg = await acquirePostgres();
    const info = await serverInfo(pg.url);
    log(`PostgreSQL (${pg.source}): ${info.version}`);
    system = await startSystem(pg.url, benchSystemOptions(preloads));
    sampler = rssSampler(system.all);
    await setUpShop(system.catalog.url, system.account.url, MAIN, system.auth);
    await setUpShop(system.catalog.url, system.account.url, SIDE, system.auth);
    const tokens = new Map(await Promise.all(MAIN.accounts.map(async (a) => [a.id, await system!.auth.customerToken(a.id)] as const)));
    log(`services up: order ${system.order.url}, catalog ${system.catalog.url}, account ${system.account.url}`);
    const memoryAtStart = await memoryOf(system.all);
    if (profileDir) system.all.forEach((s) => s.child?.kill('SIGUSR2')); // profile from here on (cpu-profiler.mjs)
    const ctx: phases.Context = { system, serverUrl: pg.url, shop: MAIN, side: SIDE, keys: [], workload: new Workload(system.order.url, MAIN, system.auth), tokens, eventsFiles, scratch, cleanups, log };
    const r: Partial<BenchResults> = {};
    if (selected.includes('throughput')) Object.assign(r, await phases.throughput(ctx));
    r.tokenVerification = await tokenVerificationCost(system.auth);
    const saturationPerS = r.saturation?.okPerS ?? 100;
    if (selected.includes('inprocess')) r.inProcess = await distributionCost(ctx);
    if (selected.includes('tracing')) r.tracing = await tracingCost(ctx, { all: ENV, perService: { order: ORDER_ENV, catalog: SWEEP_ENV, account: SWEEP_ENV } });
    if (selected.includes('database')) r.database = await phases.database(ctx, saturationPerS);
    if (selected.includes('resilience')) r.resilience = await phases.resilience(ctx);
    if (selected.includes('stall')) r.accountStalled = await phases.accountStalled(ctx, saturationPerS);
    if (selected.includes('down')) r.catalogDown = await phases.catalogDown(ctx);

    log('invariants: waiting for recovery and expiry, then checking through the public APIs');
    const attempts: Attempt[] = [...ctx.workload.attempts, ...ctx.keys.map((key) => ({ key, status: 0, ms: 0 }))];
    const settleFrom = Date.now();
    const urls = { order: system.order.url, catalog: system.catalog.url, account: system.account.url };
    const violations = await settle(urls, MAIN, attempts, 60_000, system.auth);
    r.invariants = { violations, keys: new Set(attempts.map((a) => a.key)).size, checkedAfterMs: Date.now() - settleFrom };
    r.peakRssMb = sampler.stop();
    r.memory = { atStart: memoryAtStart, atEnd: await memoryOf(system.all) };

    const host = phases.machine(info.version.split(' on ')[0]);
    const report = {
      generatedAt: new Date().toISOString(), durationS: (Date.now() - started) / 1000, phases: selected, cpuProfiled: Boolean(profileDir),
      measured, machineBusyPercentBeforeStart: busyAtStart, loadAverage: { atStart: loadAverageAtStart, atEnd: os.loadavg() },
      machine: host, postgres: { source: pg.source, ...info }, nodeOptions: process.env.NODE_OPTIONS ?? null, // passed on to the services
      config: { allServices: ENV, order: ORDER_ENV, catalogAndAccount: SWEEP_ENV, shop: { items: MAIN.items.length, accounts: MAIN.accounts.length, stock: 10_000_000, quantityPerOrder: 1 } },
      results: r,
      table: complete ? lines(r as BenchResults) : undefined,
    };
    const table = complete ? markdown(lines(r as BenchResults)) : '';
    if (!complete) log(`saturation, as each phase measured it: ${JSON.stringify(agreementLine(saturationFigures(r)))}`);
    if (!complete && r.halfLoad?.slowRequests) log(`half load, the slowest 1 %: ${slowRequestsText(r.halfLoad.slowRequests)}`);
    const others = r.saturation?.cpu.othersPercent;
    const load = (l: number[]) => l.map((x) => x.toFixed(1)).join(' / ');
    const md = `Run ${report.generatedAt} of ${provenanceLine(measured)} on ${machineLine(host)}; PostgreSQL ${pg.source}, fsync=${info.settings.fsync}. ` +
      `The machine was ${busyAtStart?.toFixed(0) ?? '?'} % busy before the start (load average ${load(loadAverageAtStart)} at the start, ${load(report.loadAverage.atEnd)} at the end, 1/5/15 min); ` +
      `other processes used ${others?.toFixed(0) ?? '?'} % of it during the saturation phase.\n\n${table}`;
    const svg = r.inProcess ? distributionPlot(r.inProcess, `${report.generatedAt.slice(0, 16)}Z, ${provenanceLine(measured)}, ${host.cpuCount} CPUs; other processes ${r.inProcess.inProcess.cpu.othersPercent?.toFixed(0) ?? '?'} % of the machine`) : undefined;
    const file = writeReport(RESULTS, report, md, complete, profileDir ? '-cpu-profiled' : complete ? '' : '-partial', svg);
    process.stdout.write(`\n${complete ? md : JSON.stringify(r, null, 2)}\n\n`);
    if (violations.length > 0) process.stdout.write(`violations:\n  ${violations.join('\n  ')}\n`);
    log(`report: ${path.relative(process.cwd(), file)}${svg ? ' (and its .svg)' : ''}${complete ? `, bench/results/latest.json, bench/results/latest.md${svg ? ', bench/results/latest.svg' : ''}` : ''}`);

    if (profileDir) {
      for (const s of system.all) await s.signal('SIGTERM'); // the profile is written on a normal exit
      const summary = system.all.map((s) => summaryMarkdown(`${s.name} (phases: ${selected.join(', ')})`, profileFiles(path.join(profileDir, s.name)))).join('\n');
      const out = path.join(RESULTS, `cpu-profile-${selected.join('-')}.md`);
      writeFileSync(out, `CPU profiles (V8 sampling profiler, from after start-up), ${report.generatedAt}, ${machineLine(host)}\n\n${summary}`);
      log(`CPU profile summary: ${path.relative(process.cwd(), out)}`);
    }
    if (violations.length > 0) process.exitCode = 1;
  } finally {
    await cleanup();
  }
}

const run = (): Promise<void> => {
  const args = parseBenchArgs(process.argv.slice(2));
  return args.against ? runAgainst({ ...args, against: args.against }, log) : main();
};

Promise.resolve().then(run).then(
  () => process.exit(process.exitCode ?? 0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
