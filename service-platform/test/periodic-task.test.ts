import { createLogger } from '../src/logger';
import { startPeriodicTask } from '../src/periodic-task';

const logger = createLogger('test', 'silent');

/** A task whose runs the test ends by hand: each call waits until `finish()` is called. */
function controlledTask() {
  const finishers: Array<() => void> = [];
  const signals: AbortSignal[] = [];
  return {
    task: (signal: AbortSignal) => {
      signals.push(signal);
      return new Promise<number>((resolve) => finishers.push(() => resolve(0)));
    },
    get calls() {
      return finishers.length;
    },
    finish: (i: number) => finishers[i](),
    signals,
  };
}

// Promises settle between timer callbacks only when we let them: flush them explicitly.
const flush = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

describe('startPeriodicTask', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  test('when a run overruns ten ticks, then no runs queue up behind it and the next starts on the next tick after it ended', async () => {
    const t = controlledTask();
    const periodic = startPeriodicTask('sweep', t.task, 100, logger);
    await jest.advanceTimersByTimeAsync(100);
    expect(t.calls).toBe(1);
    await jest.advanceTimersByTimeAsync(1_000); // ten ticks pass while the first run is still going
    expect(t.calls).toBe(1);
    t.finish(0);
    await flush();
    await jest.advanceTimersByTimeAsync(0);
    expect(t.calls).toBe(1); // nothing queued: the covered ticks were skipped
    await jest.advanceTimersByTimeAsync(100);
    expect(t.calls).toBe(2);
    t.finish(1);
    await periodic.stop();
  });

  test('when runNow is called during a run, then it answers with that run and starts no second one', async () => {
    const t = controlledTask();
    const periodic = startPeriodicTask('sweep', t.task, 10_000, logger);
    const first = periodic.runNow();
    const second = periodic.runNow();
    expect(t.calls).toBe(1);
    t.finish(0);
    await Promise.all([first, second]);
    expect(t.calls).toBe(1);
    await periodic.stop();
  });

  test('when stop is called during a run that never ends, then it returns after its timeout and aborts the run\'s signal', async () => {
    const t = controlledTask();
    const periodic = startPeriodicTask('sweep', t.task, 100, logger, { stopTimeoutMs: 250 });
    void periodic.runNow();
    let stopped = false;
    const stopping = periodic.stop().then(() => (stopped = true));
    expect(t.signals[0].aborted).toBe(true);
    await jest.advanceTimersByTimeAsync(200);
    expect(stopped).toBe(false);
    await jest.advanceTimersByTimeAsync(60);
    await stopping;
    expect(stopped).toBe(true);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(t.calls).toBe(1); // and no run after stop
  });

  test('when a run fails, then the next tick runs the task again', async () => {
    let calls = 0;
    const periodic = startPeriodicTask('sweep', async () => {
      calls++;
      if (calls === 1) throw new Error('database away');
      return 1;
    }, 100, logger);
    await jest.advanceTimersByTimeAsync(100);
    await jest.advanceTimersByTimeAsync(100);
    expect(calls).toBe(2);
    await periodic.stop();
  });
});
