// Preloaded into each service by the benchmark (NODE_OPTIONS=--import …/service-events.mjs, with
// BENCH_EVENTS_FILE set): what happens inside the service that a slow request could have waited for,
// with wall-clock times, appended as JSON lines to that file. No service code is changed for it:
// - each garbage collection (perf_hooks' 'gc' entries: the same events as prom-client's
//   nodejs_gc_duration_seconds, but one by one, with their start), with the old generation's size
//   once it is done (what it grew by between two is what the young generation promoted);
// - the periodic tasks' queries, seen as they go to PostgreSQL through pg (the one copy the services
//   require): the expiry sweeps (expire_reservations / expire_holds) and the recovery poll's lease.
import { appendFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants, performance, PerformanceObserver } from 'node:perf_hooks';
import path from 'node:path';
import { setInterval } from 'node:timers';
import v8 from 'node:v8';

const file = process.env.BENCH_EVENTS_FILE;
if (file) {
  const pending = [];
  const at = (startTime) => performance.timeOrigin + startTime;
  const kinds = {
    [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor GC', [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major GC',
    [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental GC', [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak-callback GC',
  };
  const OLD = new Set(['old_space', 'code_space', 'large_object_space']);
  const oldBytes = () => v8.getHeapSpaceStatistics().reduce((sum, s) => (OLD.has(s.space_name) ? sum + s.space_used_size : sum), 0);
  new PerformanceObserver((list) => {
    const old = oldBytes(); // entries arrive after their GC: at most a few allocations later
    for (const e of list.getEntries()) pending.push({ kind: kinds[e.detail?.kind] ?? 'GC', startMs: at(e.startTime), durationMs: e.duration, oldBytes: old });
  }).observe({ entryTypes: ['gc'] });

  const TASKS = [[/expire_(reservations|holds)\(/, 'expiry sweep'], [/SET lease_owner/, 'recovery poll']];
  try {
    const pg = createRequire(path.join(process.cwd(), 'package.json'))('pg');
    const query = pg.Client.prototype.query;
    pg.Client.prototype.query = function (config, ...rest) {
      const text = typeof config === 'string' ? config : config?.text;
      const task = typeof text === 'string' ? TASKS.find(([re]) => re.test(text))?.[1] : undefined;
      if (!task) return query.call(this, config, ...rest);
      const start = performance.now();
      const done = () => pending.push({ kind: task, startMs: at(start), durationMs: performance.now() - start });
      const last = rest.length - 1;
      if (typeof rest[last] === 'function') { // pg.Pool's query calls its client with a callback
        const callback = rest[last];
        rest[last] = (...args) => {
          done();
          return callback(...args);
        };
      }
      const result = query.call(this, config, ...rest);
      if (result && typeof result.then === 'function') result.then(done, done);
      return result;
    };
  } catch {
    // no pg where this process runs: only the GC events
  }

  const flush = () => {
    if (pending.length === 0) return;
    appendFileSync(file, pending.splice(0).map((e) => JSON.stringify(e)).join('\n') + '\n');
  };
  setInterval(flush, 250).unref();
  process.once('exit', flush);
}
