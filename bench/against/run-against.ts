// `npm run bench -- --against <ref>`: this checkout (A) and another commit (B), both running at once on
// the same PostgreSQL, each started by its own harness; the saturation, half-load and Catalog-down
// phases measured in A, B, A, B rounds (options.ts), the invariants of both checked after the load,
// and a report with both columns and their ratio in bench/results/<date>-<host>-against-<commit>.{json,md}.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Attempt, settle, setUpShop, Workload } from '../../test-support/order-workload';
import { startSystem, type System } from '../../test-support/system-harness';
import { systemIdle } from '../cpu';
import * as phases from '../phases';
import { acquirePostgres, dropDatabases, serverInfo, type Server } from '../postgres';
import { provenance, provenanceLine } from '../provenance';
import { machineLine, writeReport } from '../report';
import { benchSystemOptions, eventsFilesIn, eventsPreload, MAIN } from '../system-config';
import { type BenchArgs, sameRateFor, schedule, type Side } from './options';
import { otherStartSystem, prepareOtherCommit } from './other-commit';
import { type AgainstResults, againstMarkdown, type SideRuns } from './report';

const RESULTS = path.join(__dirname, '..', 'results');
/** The benchmark's settings, each service also recording its events (service-events.mjs) in `eventsDir`. */
const optsFor = (eventsDir: string) => {
  const files = eventsFilesIn(eventsDir);
  return benchSystemOptions((name) => eventsPreload(files[name]));
};

async function contextFor(system: System, pgUrl: string, eventsDir: string, log: (line: string) => void): Promise<phases.Context> {
  await setUpShop(system.catalog.url, system.account.url, MAIN, system.auth);
  const tokens = new Map(await Promise.all(MAIN.accounts.map(async (a) => [a.id, await system.auth.customerToken(a.id)] as const)));
  for (const [id, token] of tokens) if (!token) tokens.delete(id); // a commit from before customer authentication
  return { system, serverUrl: pgUrl, shop: MAIN, side: MAIN, keys: [], workload: new Workload(system.order.url, MAIN, system.auth), tokens, eventsFiles: eventsFilesIn(eventsDir), scratch: [], cleanups: [], log };
}

/** Runs every step of the schedule; a step that fails is recorded and the run goes on. */
async function alternate(ctx: Record<Side, phases.Context>, rounds: number, log: (line: string) => void): Promise<Record<Side, SideRuns>> {
  const runs: Record<Side, SideRuns> = {
    this: { saturation: [], halfLoad: [], sameRate: [], catalogDown: [], failures: [] },
    against: { saturation: [], halfLoad: [], sameRate: [], catalogDown: [], failures: [] },
  };
  for (const step of schedule(rounds)) {
    const c = ctx[step.side];
    const r = runs[step.side];
    // The aftermath of the other system's step (recovery, a restarted Catalog, sweeps) must not land on this one.
    const waitedMs = await systemIdle(ctx[step.side === 'this' ? 'against' : 'this'].system);
    const loadAverage = os.loadavg()[0];
    log(`round ${step.round}/${rounds}, ${step.phase}, ${step.side === 'this' ? 'this checkout' : 'the other commit'} (load average ${loadAverage.toFixed(1)}; waited ${waitedMs} ms for the other system to be idle)`);
    try {
      if (step.phase === 'saturation') r.saturation.push({ ...(await phases.saturation(c)), round: step.round, loadAverage });
      if (step.phase === 'halfLoad') {
        const rate = Math.max(1, Math.round((r.saturation.at(-1)?.okPerS ?? 20) / 2));
        r.halfLoad.push({ ...(await phases.halfLoad(c, rate)), round: step.round, loadAverage });
      }
      if (step.phase === 'sameRate') {
        const rate = sameRateFor({ this: runs.this.saturation, against: runs.against.saturation }, step.round);
        if (rate === null) throw new Error('not run: a system has no saturation figure for this round');
        r.sameRate.push({ ...(await phases.halfLoad(c, rate)), round: step.round, loadAverage });
      }
      if (step.phase === 'catalogDown') r.catalogDown.push({ ...(await phases.catalogDown(c)), round: step.round, loadAverage });
    } catch (err) {
      r.failures.push(`round ${step.round} ${step.phase}: ${(err as Error).message}`);
      log(`  failed: ${(err as Error).message}`);
    }
  }
  return runs;
}

async function invariants(c: phases.Context): Promise<{ violations: string[]; keys: number }> {
  const attempts: Attempt[] = [...c.workload.attempts, ...c.keys.map((key) => ({ key, status: 0, ms: 0 }))];
  const urls = { order: c.system.order.url, catalog: c.system.catalog.url, account: c.system.account.url };
  return { violations: await settle(urls, MAIN, attempts, 60_000, c.system.auth), keys: new Set(attempts.map((a) => a.key)).size };
}

export async function runAgainst(args: BenchArgs & { against: string }, log: (line: string) => void): Promise<void> {
  const started = Date.now();
  const other = prepareOtherCommit(args.against, log);
  const systems: System[] = [];
  const eventsDirs = { this: mkdtempSync(path.join(os.tmpdir(), 'order-ref-events-a-')), against: mkdtempSync(path.join(os.tmpdir(), 'order-ref-events-b-')) };
  let pg: Server | undefined;
  let cleaned: Promise<void> | undefined;
  const cleanup = () => (cleaned ??= (async () => {
    for (const s of systems) await s.stop().catch(() => undefined);
    if (pg) {
      const dbs = systems.flatMap((s) => s.all.map((p) => new URL(p.env.DATABASE_URL).pathname.slice(1)));
      await dropDatabases(pg.url, pg.source === 'DATABASE_URL' ? dbs : []).catch(() => undefined);
      await pg.stop();
    }
    if (args.keep) log(`kept ${other.dir} (git worktree remove --force ${other.dir} removes it)`);
    else other.remove();
    for (const dir of Object.values(eventsDirs)) rmSync(dir, { recursive: true, force: true });
  })());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void cleanup().finally(() => process.exit(130)));
  try {
    const measured = provenance();
    const loadAtStart = os.loadavg();
    pg = await acquirePostgres();
    const info = await serverInfo(pg.url);
    log(`PostgreSQL (${pg.source}): ${info.version}; starting this checkout's system, then ${other.commit.slice(0, 12)}'s`);
    systems.push(await startSystem(pg.url, optsFor(eventsDirs.this)));
    systems.push(await otherStartSystem(other)(pg.url, optsFor(eventsDirs.against)));
    const ctx = { this: await contextFor(systems[0], pg.url, eventsDirs.this, log), against: await contextFor(systems[1], pg.url, eventsDirs.against, log) };
    for (const side of ['this', 'against'] as const) {
      log(`warm-up (3 s), ${side}`);
      await phases.warmUp(ctx[side]);
    }
    const runs = await alternate(ctx, args.rounds, log);
    log('invariants of both systems: waiting for recovery and expiry, then checking through the public APIs');
    const [mine, theirs] = await Promise.all([invariants(ctx.this), invariants(ctx.against)]);
    const host = phases.machine(info.version.split(' on ')[0]);
    const results: AgainstResults = {
      this: { ...runs.this, invariants: mine }, against: { ...runs.against, invariants: theirs },
      labels: { this: provenanceLine(measured), against: `commit ${other.commit.slice(0, 12)} (${args.against})${systems[1].auth.issuer ? '' : ', without customer authentication (its harness has none)'}` },
    };
    const report = {
      generatedAt: new Date().toISOString(), durationS: (Date.now() - started) / 1000, rounds: args.rounds, schedule: schedule(args.rounds),
      measured, against: { ref: other.ref, commit: other.commit, subject: other.subject },
      loadAverage: { atStart: loadAtStart, atEnd: os.loadavg() }, machine: host, postgres: { source: pg.source, ...info }, results,
    };
    const load = (l: number[]) => l.map((x) => x.toFixed(1)).join(' / ');
    const md = `Run ${report.generatedAt}: ${results.labels.this} (A) against ${results.labels.against} "${other.subject}" (B), ` +
      `${args.rounds} alternated rounds on ${machineLine(host)}; PostgreSQL ${pg.source}. Load average ${load(loadAtStart)} at the start, ` +
      `${load(report.loadAverage.atEnd)} at the end (1/5/15 min).\n\n${againstMarkdown(results)}\n`;
    const file = writeReport(RESULTS, report, md, false, `-against-${other.commit.slice(0, 12)}`);
    writeFileSync(file.replace(/\.json$/, '.md'), md);
    process.stdout.write(`\n${md}\n`);
    log(`report: ${path.relative(process.cwd(), file)} and its .md`);
    if (mine.violations.length + theirs.violations.length > 0) process.exitCode = 1;
  } finally {
    await cleanup();
  }
}
