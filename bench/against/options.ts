// `npm run bench -- --against <git ref> [--rounds N] [--keep]`: what the command line asks for, and
// the order in which the two systems are measured (alternated, so that machine noise hits both alike).

export interface BenchArgs {
  /** The git ref to compare with; none: the single-system run. */
  against?: string;
  /** How many A, B rounds of each phase. */
  rounds: number;
  /** Keep the other commit's worktree (and its node_modules) for the next run. */
  keep: boolean;
}

export const DEFAULT_ROUNDS = 3;

/** Parses the benchmark's arguments; throws with a usage line on anything it does not know. */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const usage = 'usage: npm run bench [-- --against <git ref> [--rounds N] [--keep]]';
  const args: BenchArgs = { rounds: DEFAULT_ROUNDS, keep: false };
  let roundsGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].startsWith('--') && argv[i].includes('=') ? [argv[i].slice(0, argv[i].indexOf('=')), argv[i].slice(argv[i].indexOf('=') + 1)] : [argv[i], undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '' || (inline === undefined && v.startsWith('--'))) throw new Error(`${flag} needs a value; ${usage}`);
      return v;
    };
    if (flag === '--against') args.against = value();
    else if (flag === '--rounds') {
      const v = value();
      if (!/^[1-9]\d*$/.test(v)) throw new Error(`--rounds must be a whole number ≥ 1, not "${v}"; ${usage}`);
      args.rounds = Number(v);
      roundsGiven = true;
    } else if (flag === '--keep' && inline === undefined) args.keep = true;
    else throw new Error(`unknown argument "${argv[i]}"; ${usage}`);
  }
  if (!args.against && (roundsGiven || args.keep)) throw new Error(`--rounds and --keep go with --against; ${usage}`);
  return args;
}

/**
 * sameRate: both systems paced at one rate, half of the slower one's saturation in that round: the
 * same traffic, where halfLoad gives the faster system more (half of its own saturation).
 */
export const COMPARED_PHASES = ['saturation', 'halfLoad', 'sameRate', 'catalogDown'] as const;
export type ComparedPhase = (typeof COMPARED_PHASES)[number];
export type Side = 'this' | 'against';

export interface Step { round: number; phase: ComparedPhase; side: Side }

/**
 * Every round measures each phase on this system, then on the other (A, B, A, B): a burst of load
 * from elsewhere on the machine lands on both columns rather than on one. Half load comes after
 * saturation in each round: its rate is half of that round's saturation, per system; the same rate
 * after both have measured theirs.
 */
export function schedule(rounds: number): Step[] {
  const steps: Step[] = [];
  for (let round = 1; round <= rounds; round++) {
    for (const phase of COMPARED_PHASES) for (const side of ['this', 'against'] as const) steps.push({ round, phase, side });
  }
  return steps;
}

/**
 * The rate both systems are paced at in a round's sameRate step: half of the slower one's saturation
 * in that round, or null when a side has no saturation figure for it (its step failed): then the step
 * is not run, rather than run at a made-up rate.
 */
export function sameRateFor(saturations: Record<Side, Array<{ round: number; okPerS: number }>>, round: number): number | null {
  const figures = (['this', 'against'] as const).map((side) => saturations[side].find((s) => s.round === round)?.okPerS);
  if (figures.some((f) => f === undefined)) return null;
  return Math.max(1, Math.round(Math.min(...(figures as number[])) / 2));
}
