// Preloaded into a service process (NODE_OPTIONS=--import …/cpu-profiler.mjs) when BENCH_CPU_PROF is
// set: Node 20 refuses --cpu-prof in NODE_OPTIONS, so the V8 profiler is started through the
// inspector and the .cpuprofile written to BENCH_CPU_PROF_DIR when the process exits normally.
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';

const dir = process.env.BENCH_CPU_PROF_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 }); // µs; cpu-profile.ts assumes it
  session.post('Profiler.start');
  // SIGUSR2 (sent by run.ts once the services are up): start afresh, leaving start-up out.
  process.on('SIGUSR2', () => {
    session.post('Profiler.stop');
    session.post('Profiler.start');
  });
  process.once('exit', () => {
    // An in-process session answers synchronously, so this works in an exit handler.
    session.post('Profiler.stop', (err, result) => {
      if (err) return;
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, `${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
