import type { Logger } from './logger';

export interface PeriodicTask {
  /** Runs the task once now (after any run in progress); for start-up and tests. */
  runNow(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Runs `task` every `intervalMs`, never two runs at once, until stopped. A failed run is logged
 * and tried again next time. Used for expiry sweeps and recovery work.
 */
export function startPeriodicTask(name: string, task: () => Promise<number>, intervalMs: number, logger: Logger): PeriodicTask {
  let running: Promise<void> = Promise.resolve();
  const runNow = () => {
    running = running.then(async () => {
      try {
        const n = await task();
        if (n > 0) logger.info({ task: name, count: n }, `${name}: ${n} done`);
      } catch (err) {
        logger.warn({ err, task: name }, `${name} failed; will retry`);
      }
    });
    return running;
  };
  const timer = setInterval(() => void runNow(), intervalMs);
  timer.unref();
  return {
    runNow,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
