// The commit to compare with, built beside this checkout: a detached git worktree in a temp folder,
// its own `npm ci` (which runs its own postinstall: Prisma's generate), and its own system harness,
// which builds and starts its services the way that commit does (built dist/main.js, or tsx before it).
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { System } from '../../test-support/system-harness';

const ROOT = path.resolve(__dirname, '..', '..');
const READY = '.bench-against-ready'; // written after its npm ci succeeded

const git = (args: string[], cwd = ROOT) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

export interface OtherCommit { ref: string; commit: string; subject: string; dir: string; remove(): void }

/** Checks `ref` out beside this checkout and installs it (reused when a kept worktree of the same commit is there). */
export function prepareOtherCommit(ref: string, log: (line: string) => void): OtherCommit {
  const commit = git(['rev-parse', '--verify', `${ref}^{commit}`]);
  const subject = git(['log', '-1', '--format=%s', commit]);
  const dir = path.join(os.tmpdir(), `order-ref-against-${commit.slice(0, 12)}`);
  const remove = () => {
    try {
      git(['worktree', 'remove', '--force', dir]);
    } catch {
      rmSync(dir, { recursive: true, force: true });
      git(['worktree', 'prune']);
    }
  };
  if (existsSync(path.join(dir, READY))) {
    log(`against ${ref} = ${commit.slice(0, 12)}: reusing ${dir}`);
    return { ref, commit, subject, dir, remove };
  }
  if (existsSync(dir)) remove();
  log(`against ${ref} = ${commit.slice(0, 12)} "${subject}": git worktree add ${dir}, npm ci there (a minute or two)`);
  git(['worktree', 'add', '--detach', '--force', dir, commit]);
  try {
    execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  } catch (err) {
    remove();
    throw err;
  }
  writeFileSync(path.join(dir, READY), `${commit}\n`);
  return { ref, commit, subject, dir, remove };
}

type StartSystem = (serverUrl: string, opts: { env?: Record<string, string>; perService?: Record<string, Record<string, string>> }) => Promise<Omit<System, 'auth'> & Partial<Pick<System, 'auth'>>>;

/**
 * That commit's own `startSystem` (test-support/system-harness.ts, loaded from its worktree, so that
 * its imports resolve to its own packages and build script). Commits from before customer
 * authentication have no `auth`: their system gets no tokens, which it does not ask for.
 */
export function otherStartSystem(other: OtherCommit): (serverUrl: string, opts: Parameters<StartSystem>[1]) => Promise<System> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const harness = require(path.join(other.dir, 'test-support', 'system-harness.ts')) as { startSystem?: StartSystem };
  if (typeof harness.startSystem !== 'function') throw new Error(`${other.commit.slice(0, 12)} has no startSystem in test-support/system-harness.ts: it cannot be compared this way`);
  const start = harness.startSystem;
  return async (serverUrl, opts) => {
    const system = await start(serverUrl, opts);
    const none = async () => '';
    return { ...system, auth: system.auth ?? ({ adminToken: '', serviceToken: '', customerToken: none } as unknown as System['auth']) };
  };
}
