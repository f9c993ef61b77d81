// Several phases measure the distributed system at saturation (the same measure, saturation.ts): the
// table's row that holds them to each other, within 10 %, and where they are further apart, what was
// measured to differ between the two that are furthest apart (nothing is claimed that was not measured).
import type { BenchResults, Line, SaturationFigure } from './report';
import { SATURATION } from './saturation';

export interface PhaseFigure {
  phase: string;
  okPerS: number;
  cpuPerOrderMs: number;
  othersPercent: number | null;
  /** Orders the system had been sent before this measure began (how warm it was). */
  ordersBefore: number;
  /** What else ran beside the system while it was measured. */
  beside: string;
}

export interface Agreement {
  figures: PhaseFigure[];
  /** Fastest ÷ slowest − 1. */
  spread: number;
  agree: boolean;
  /** Why the slowest and the fastest differ (empty when they agree). */
  reasons: string[];
}

const TOLERANCE = 0.1;
const OTHERS_POINTS = 10;
const f = (x: number, digits = 0) => x.toFixed(digits);

function reasonsFor(lo: PhaseFigure, hi: PhaseFigure): string[] {
  const reasons: string[] = [];
  if (lo.othersPercent !== null && hi.othersPercent !== null && Math.abs(lo.othersPercent - hi.othersPercent) >= OTHERS_POINTS) {
    reasons.push(`other processes took ${f(lo.othersPercent)} % of the machine during ${lo.phase} and ${f(hi.othersPercent)} % during ${hi.phase}`);
  }
  if (lo.cpuPerOrderMs > (1 + TOLERANCE) * hi.cpuPerOrderMs) {
    reasons.push(`${lo.phase} spent ${f(lo.cpuPerOrderMs, 1)} ms of CPU per order, ${hi.phase} ${f(hi.cpuPerOrderMs, 1)} ms ` +
      `(the system had been sent ${lo.ordersBefore} and ${hi.ordersBefore} orders before them)`);
  }
  if (lo.beside !== hi.beside) reasons.push(`${lo.phase} ran beside ${lo.beside}, ${hi.phase} beside ${hi.beside}`);
  if (reasons.length === 0) reasons.push('no measured condition differs between them: the machine\'s own variation');
  return reasons;
}

export function saturationAgreement(figures: PhaseFigure[]): Agreement {
  if (figures.length < 2) return { figures, spread: 0, agree: true, reasons: [] };
  const sorted = [...figures].sort((a, b) => a.okPerS - b.okPerS);
  const lo = sorted[0];
  const hi = sorted[sorted.length - 1];
  const spread = hi.okPerS / Math.max(lo.okPerS, Number.MIN_VALUE) - 1;
  const agree = spread <= TOLERANCE + 1e-9; // 110 ÷ 100 − 1 is 0.10000000000000009
  return { figures, spread, agree, reasons: agree ? [] : reasonsFor(lo, hi) };
}

/** The table's row: each phase's figure, the spread, and where it is over 10 %, why. */
export function agreementLine(figures: PhaseFigure[]): Line {
  const a = saturationAgreement(figures);
  const s = SATURATION;
  return {
    measure: `Saturation as each phase measures it (one measure: warm-up to ${s.warmUpOrders} orders, ${s.roundS} s rounds, ${s.connections} connections): ` +
      `${figures.map((x) => `${x.phase} ${f(x.okPerS)}`).join(', ')} orders/s`,
    target: 'within 10 %, or why not',
    measured: `${f(100 * a.spread)} % apart${a.agree ? '' : `; ${a.reasons.join('; ')}`}`,
    met: a.agree,
  };
}

const figure = (phase: string, beside: string, x: SaturationFigure): PhaseFigure =>
  ({ phase, beside, okPerS: x.okPerS, cpuPerOrderMs: x.cpu.totalPerOrderMs, othersPercent: x.cpu.othersPercent, ordersBefore: x.ordersBefore });

/** The figures of the phases that ran (a partial run has fewer). */
export function saturationFigures(r: Partial<BenchResults>): PhaseFigure[] {
  return [
    r.saturation && figure('throughput', 'nothing else', r.saturation),
    r.inProcess && figure('cost of distribution', 'the in-process system, idle', r.inProcess.distributed),
    r.tracing && figure('tracing off', 'the traced system, idle', r.tracing.off),
    r.resilience && figure('whole path', 'the bare endpoint, idle', r.resilience.wholePath.order),
  ].filter((x): x is PhaseFigure => x !== undefined);
}
