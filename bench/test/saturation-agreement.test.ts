// The table's row that holds the phases' saturation figures to each other: within 10 % it is met and
// says nothing more; further apart, it says what was measured to differ between the slowest and the fastest.
import { agreementLine, type PhaseFigure, saturationAgreement } from '../saturation-agreement';

const figure = (phase: string, okPerS: number, o: Partial<PhaseFigure> = {}): PhaseFigure =>
  ({ phase, okPerS, cpuPerOrderMs: 20, othersPercent: 5, ordersBefore: 1_500, beside: 'nothing else', ...o });

describe('the saturation figures of the phases', () => {
  test.each<[number, boolean]>([[100, true], [109, true], [110, true], [111, false], [124, false]])(
    'when the fastest phase measured %d against 100 orders/s, then they agree: %s', (fastest, agree) => {
      const a = saturationAgreement([figure('throughput', 100), figure('cost of distribution', fastest)]);
      expect(a.agree).toBe(agree);
      expect(a.spread).toBeCloseTo(fastest / 100 - 1);
      expect(a.reasons.length > 0).toBe(!agree);
    });

  test('when they agree, then the row is met and gives each phase\'s figure and the spread only', () => {
    const line = agreementLine([figure('throughput', 100), figure('cost of distribution', 104), figure('whole path', 98)]);
    expect(line.measure).toContain('throughput 100, cost of distribution 104, whole path 98 orders/s');
    expect(line.measured).toBe('6 % apart');
    expect(line.met).toBe(true);
  });

  test('when the slowest ran while other processes took more of the machine, then the row says so', () => {
    const line = agreementLine([figure('throughput', 78, { othersPercent: 40 }), figure('cost of distribution', 124, { othersPercent: 6 })]);
    expect(line.met).toBe(false);
    expect(line.measured).toBe('59 % apart; other processes took 40 % of the machine during throughput and 6 % during cost of distribution');
  });

  test('when the slowest spent more CPU per order, then the row gives both, and how many orders each came after', () => {
    const line = agreementLine([
      figure('throughput', 78, { cpuPerOrderMs: 26.3, ordersBefore: 350 }),
      figure('cost of distribution', 124, { cpuPerOrderMs: 17.2, ordersBefore: 2_400, beside: 'the in-process system, idle' }),
    ]);
    expect(line.measured).toBe('59 % apart; throughput spent 26.3 ms of CPU per order, cost of distribution 17.2 ms (the system had been sent 350 and 2400 orders before them); '
      + 'throughput ran beside nothing else, cost of distribution beside the in-process system, idle');
  });

  test('when nothing measured differs, then the row says the difference is the machine\'s own variation', () => {
    expect(agreementLine([figure('throughput', 90), figure('tracing off', 100), figure('whole path', 120)]).measured)
      .toBe('33 % apart; no measured condition differs between them: the machine\'s own variation');
  });

  test('when only one phase measured saturation, then there is nothing to disagree with', () => {
    expect(saturationAgreement([figure('throughput', 90)])).toMatchObject({ agree: true, spread: 0, reasons: [] });
  });
});
