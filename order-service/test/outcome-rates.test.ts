// Outcomes per second from samples of monotonic counters, with the clock passed in.
import { OutcomeRates } from '../src/dashboard/outcome-rates';

const totals = (success: number, failure = 0, timeout = 0, rejected = 0) => ({ catalog: { success, failure, timeout, rejected } });

describe('OutcomeRates', () => {
  test('when there is only one sample, then every rate is 0 (nothing to compare with)', () => {
    expect(new OutcomeRates(10_000).sample(1_000, totals(50, 5))).toEqual({ catalog: { success: 0, failure: 0, timeout: 0, rejected: 0 } });
  });

  test('when counters grew between samples, then the rate is the growth over the seconds between them', () => {
    const rates = new OutcomeRates(10_000);
    rates.sample(0, totals(10, 0, 0, 0));
    expect(rates.sample(2_000, totals(30, 4, 2, 6))).toEqual({ catalog: { success: 10, failure: 2, timeout: 1, rejected: 3 } });
  });

  test('when samples are older than the window, then the newest one at or before its start is the baseline', () => {
    const rates = new OutcomeRates(10_000);
    rates.sample(0, totals(0));
    rates.sample(5_000, totals(100));
    rates.sample(15_000, totals(100)); // 0 at 0 s is dropped: 5 s is at the window's start
    expect(rates.sample(15_000, totals(100))).toEqual({ catalog: { success: 0, failure: 0, timeout: 0, rejected: 0 } });
    expect(rates.sample(20_000, totals(130))).toEqual({ catalog: expect.objectContaining({ success: 2 }) }); // (130 - 100) / 15 s
  });

  test('when a dependency appears later or a counter restarts, then its rate is never negative', () => {
    const rates = new OutcomeRates(10_000);
    rates.sample(0, {});
    expect(rates.sample(1_000, totals(5))).toEqual({ catalog: { success: 5, failure: 0, timeout: 0, rejected: 0 } });
    const restarted = new OutcomeRates(10_000);
    restarted.sample(0, totals(5));
    expect(restarted.sample(1_000, totals(1)).catalog!.success).toBe(0);
  });
});
