// What a run measured: the commit of the working tree, and whether the tree differed from it.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');

const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });

export interface Provenance { commit: string | null; branch: string | null; dirty: boolean | null; changedFiles: string[] }

/** `dirty`: tracked files changed or untracked files present (bench/results excepted: the run writes there). */
export function provenance(): Provenance {
  try {
    const changed = git('status', '--porcelain', '--untracked-files=normal').split('\n').filter(Boolean)
      .map((l) => l.slice(3)).filter((f) => !f.startsWith('bench/results/'));
    return { commit: git('rev-parse', 'HEAD').trim(), branch: git('rev-parse', '--abbrev-ref', 'HEAD').trim(), dirty: changed.length > 0, changedFiles: changed.slice(0, 50) };
  } catch {
    return { commit: null, branch: null, dirty: null, changedFiles: [] }; // not a git checkout, or no git
  }
}

export const provenanceLine = (p: Provenance) =>
  (p.commit ? `commit ${p.commit.slice(0, 12)}${p.dirty ? ' with uncommitted changes' : ''}` : 'commit unknown');
