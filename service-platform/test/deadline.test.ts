import { Deadline } from '../src/deadline';

/** Resolves once the clock is `ms` past `at`, on a timer due after any timer due at `at`. */
const pastDeadline = (deadline: Deadline, ms: number) => new Promise((resolve) => setTimeout(resolve, deadline.remainingMs() + ms));

describe('Deadline.within: the one clock on the calls made within it', () => {
  it('aborts the work with a TimeoutError when the budget runs out', async () => {
    const deadline = Deadline.after(20);
    const reason = await deadline.within((signal) => new Promise<unknown>((resolve) => signal.addEventListener('abort', () => resolve(signal.reason))));
    expect(reason).toBeInstanceOf(DOMException);
    expect((reason as DOMException).name).toBe('TimeoutError');
  });

  it('gives the work what is left, and the same result or error back', async () => {
    const deadline = Deadline.after(10_000);
    await expect(deadline.within(async (signal) => (signal.aborted ? 'aborted' : 'ran'))).resolves.toBe('ran');
    await expect(deadline.within(() => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
  });

  // What it is for: a timer kept for the whole budget after the call ended keeps its signal (and what
  // listens to it) alive past young-generation GCs. Timers fire in the order they are due, so the
  // deadline's own timer, had it been left, would have fired before `pastDeadline`'s.
  it.each([
    ['resolved', () => Promise.resolve('ok')],
    ['rejected', () => Promise.reject(new Error('refused'))],
  ])('ends its timer with the work (%s)', async (_, outcome) => {
    const deadline = Deadline.after(30);
    let seen: AbortSignal | undefined;
    await deadline.within((signal) => {
      seen = signal;
      return outcome();
    }).catch(() => undefined);
    await pastDeadline(deadline, 20);
    expect(seen?.aborted).toBe(false);
  });
});
