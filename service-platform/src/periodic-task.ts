import type { Logger } from './logger';

export interface PeriodicTask {
  /** Runs the task once now, or, when a run is in progress, answers when that run ends (never a second one queued). */
  runNow(): Promise<void>;
  /** No further runs; waits for the one in progress at most `stopTimeoutMs` (its signal is aborted). */
  stop(): Promise<void>;
}

export interface PeriodicTaskOptions {
  /** How long `stop()` waits for a run in progress; keep it below SHUTDOWN_TIMEOUT_MS. */
  stopTimeoutMs?: number;
}

/**
 * Runs `task` every `intervalMs`, never two runs at once, until stopped. A self-rescheduling timer,
 * not setInterval: a run that overruns skips the ticks it covered (the next run starts on the next
 * tick after it ended) instead of queueing one run per tick. A failed run is logged and tried again
 * on the next tick. Used for expiry sweeps and recovery work.
 */
export function startPeriodicTask(
  name: string,
  task: (signal: AbortSignal) => Promise<number>,
  intervalMs: number,
  logger: Logger,
  options: PeriodicTaskOptions = {},
): PeriodicTask {
  const stopTimeoutMs = options.stopTimeoutMs ?? 5_000;
  const stopping = new AbortController();
  const origin = Date.now();
  let running: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;

  const runOnce = (): Promise<void> => {
    running ??= (async () => {
      try {
        const n = await task(stopping.signal);
        if (n > 0) logger.info({ task: name, count: n }, `${name}: ${n} done`);
      } catch (err) {
        if (!stopping.signal.aborted) logger.warn({ err, task: name }, `${name} failed; will retry`);
      } finally {
        running = undefined;
      }
    })();
    return running;
  };

  const schedule = () => {
    if (stopping.signal.aborted) return;
    // The next tick of the grid origin + k·interval: ticks a long run covered are skipped, not queued.
    const delay = intervalMs - ((Date.now() - origin) % intervalMs);
    timer = setTimeout(() => void runOnce().then(schedule), delay);
    timer.unref();
  };
  schedule();

  return {
    runNow: () => (stopping.signal.aborted ? Promise.resolve() : runOnce()),
    async stop() {
      stopping.abort();
      clearTimeout(timer);
      if (!running) return;
      let cut: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        cut = setTimeout(() => {
          logger.warn({ task: name, stopTimeoutMs }, `${name} still running at stop; not waiting for it`);
          resolve();
        }, stopTimeoutMs);
      });
      await Promise.race([running, timeout]);
      clearTimeout(cut);
    },
  };
}
