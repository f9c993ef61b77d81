// The one way a test waits for something it cannot be told about (a process becoming ready, a row
// appearing, a sweep finishing): ask again and again, with a bound. A wait that the test can be told
// about (a hook reached, a lock taken) is a barrier instead, never a poll.

export interface PollOptions {
  /** Gives up after this long (a loaded two-core machine: be generous). */
  timeoutMs?: number;
  /** Pause between two asks. */
  everyMs?: number;
}

/**
 * Asks `probe` until it answers something other than `undefined` or `false`, and returns that
 * answer; throws `timed out waiting for <what>` once `timeoutMs` has passed. A probe that throws
 * ends the wait at once with its error (a process that exited will not become ready).
 */
export async function until<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  { timeoutMs = 10_000, everyMs = 100 }: PollOptions = {},
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const answer = await probe();
    if (answer !== undefined && answer !== false) return answer;
    if (Date.now() >= end) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** A probe for `until`: whether `url` answers 200 now (not listening yet, or too slow to answer, is "not yet"). */
export async function answers200(url: string): Promise<boolean> {
  return fetch(url, { signal: AbortSignal.timeout(500) }).then((res) => res.status === 200, () => false);
}

/** Lets real time pass (a TTL to run out); never a way to wait for something to happen: that is `until`. */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
